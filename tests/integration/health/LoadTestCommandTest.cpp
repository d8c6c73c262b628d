// SPDX-License-Identifier: MIT
// `ops-console loadtest` as a real process against the demo platform: exit codes, JSON, and the
// result stored in the project's history.
#include "TestCluster.h"

#include "common/ProcessRunner.h"
#include "demo/DemoPlatform.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;

namespace {

class LoadTestCommandTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_database = database->database();
        m_admin = TestCluster::shared().connect(m_database);
        ASSERT_TRUE(m_admin);
        DemoPlatform::Config config;
        config.liveVersion = QStringLiteral("v3");  // healthy
        m_platform = std::make_unique<DemoPlatform>(config);
        ASSERT_TRUE(m_platform->start().ok());
    }

    ProcessResult run(const QStringList& arguments)
    {
        return TestCluster::shared().runConsole(QStringLiteral(OPS_CONSOLE_BINARY), m_database, QStringList{QStringLiteral("loadtest")} + arguments);
    }

    QString m_database;
    std::unique_ptr<Connection> m_admin;
    std::unique_ptr<DemoPlatform> m_platform;
};

} // namespace

TEST_F(LoadTestCommandTest, HealthyEndpointExitsZeroAndIsStored)
{
    const ProcessResult r = run({m_platform->baseUrl() + QStringLiteral("/api/health"), QStringLiteral("-n"), QStringLiteral("200"),
                                 QStringLiteral("-c"), QStringLiteral("10"), QStringLiteral("--json")});
    ASSERT_EQ(r.exitCode, 0) << r.output.toStdString();
    QJsonObject o;  // the JSON line (log lines from stderr are interleaved)
    for (const QByteArray& line : r.output.split('\n'))
        if (line.startsWith('{'))
            o = QJsonDocument::fromJson(line).object();
    EXPECT_EQ(o.value(QStringLiteral("succeeded")).toInt(), 200);
    EXPECT_DOUBLE_EQ(o.value(QStringLiteral("successRate")).toDouble(), 100.0);
    EXPECT_GT(o.value(QStringLiteral("p95Ms")).toDouble(), 0);
    const qint64 id = o.value(QStringLiteral("storedId")).toInteger();
    ASSERT_GT(id, 0) << r.output.toStdString();
    auto row = m_admin->exec(QStringLiteral("SELECT requests, concurrency, succeeded FROM ops.load_tests WHERE id = $1"), {id});
    ASSERT_TRUE(row.ok());
    ASSERT_EQ(row->rowCount(), 1);
    EXPECT_EQ(row->toInt64(0, 0), 200);
    EXPECT_EQ(row->toInt64(0, 1), 10);
    EXPECT_EQ(row->toInt64(0, 2), 200);
}

TEST_F(LoadTestCommandTest, FailingRequestsExitOneAndUsageErrorsTwo)
{
    const ProcessResult missing = run({m_platform->baseUrl() + QStringLiteral("/no-such-route"), QStringLiteral("-n"), QStringLiteral("20"),
                                       QStringLiteral("-c"), QStringLiteral("2"), QStringLiteral("--no-store")});
    EXPECT_EQ(missing.exitCode, 1) << missing.output.toStdString();
    EXPECT_TRUE(missing.output.contains("errors http_4xx 20")) << missing.output.toStdString();

    // A lower bar makes the same run pass.
    const ProcessResult lenient = run({m_platform->baseUrl() + QStringLiteral("/no-such-route"), QStringLiteral("-n"), QStringLiteral("5"),
                                       QStringLiteral("-c"), QStringLiteral("1"), QStringLiteral("--no-store"),
                                       QStringLiteral("--min-success"), QStringLiteral("0")});
    EXPECT_EQ(lenient.exitCode, 0);

    EXPECT_EQ(run({QStringLiteral("https://127.0.0.1/"), QStringLiteral("--no-store")}).exitCode, 2);
    EXPECT_EQ(run({m_platform->baseUrl(), QStringLiteral("-n"), QStringLiteral("zero")}).exitCode, 2);
    EXPECT_EQ(run({}).exitCode, 2);
    EXPECT_EQ(m_admin->exec(QStringLiteral("SELECT count(*) FROM ops.load_tests"))->scalar(), QStringLiteral("0"));
}
