// SPDX-License-Identifier: MIT
// `ops-console health [--json]` as a real process against a test database with stored samples:
// the exit code follows the worst monitor (0 healthy, 1 degraded, 2 down / stale / unreachable).
#include "TestCluster.h"

#include "common/ProcessRunner.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;

namespace {

class HealthCommandTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_database = database->database();
        m_admin = TestCluster::shared().connect(m_database);
        ASSERT_TRUE(m_admin);
        m_project = m_admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
        ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.acquire_collector_lease($1, 't', 600000)"), {m_project}).ok());
    }

    qint64 monitor(const QString& name)
    {
        return m_admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, $2, 'http://127.0.0.1:1/api/health', 1000)"),
                             {m_project, name})->toInt64(0, 0);
    }

    void sample(qint64 id, const QString& state, const QString& platform, const QString& circuit, int secondsAgo = 1)
    {
        auto r = m_admin->exec(QStringLiteral("SELECT ops.record_health_sample($1, 't', now() - make_interval(secs => $5), $2, 12.5, 200, $3, $4, '{}', NULL)"),
                               {id, state, platform, circuit, secondsAgo});
        ASSERT_TRUE(r.ok()) << r.error().toString().toStdString();
    }

    ProcessResult run(const QStringList& extra)
    {
        const QString dsn = QStringLiteral("host=%1 port=%2 dbname=%3 user=postgres")
                                .arg(TestCluster::shared().server().socketDirectory())
                                .arg(EmbeddedPostgres::port).arg(m_database);
        ProcessOptions options;
        options.environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        options.environment.remove(QStringLiteral("DATABASE_URL"));
        options.timeout = std::chrono::milliseconds(60000);
        auto result = ProcessRunner::run(QStringLiteral(OPS_CONSOLE_BINARY),
                                         QStringList{QStringLiteral("--dsn"), dsn, QStringLiteral("health")} + extra, options);
        EXPECT_TRUE(result.ok());
        return result ? result.value() : ProcessResult{};
    }

    QString m_database;
    std::unique_ptr<Connection> m_admin;
    qint64 m_project = 0;
};

} // namespace

TEST_F(HealthCommandTest, ExitCodeFollowsTheWorstMonitor)
{
    // No monitors: nothing is known, so "down".
    EXPECT_EQ(run({}).exitCode, 2);

    const qint64 api = monitor(QStringLiteral("api"));
    const qint64 web = monitor(QStringLiteral("web"));
    sample(api, QStringLiteral("up"), QStringLiteral("healthy"), QStringLiteral("CLOSED"));
    sample(web, QStringLiteral("up"), QStringLiteral("healthy"), QStringLiteral("CLOSED"));
    ProcessResult healthy = run({});
    EXPECT_EQ(healthy.exitCode, 0) << healthy.output.toStdString();
    EXPECT_TRUE(healthy.output.contains("project demo: healthy")) << healthy.output.toStdString();

    sample(web, QStringLiteral("up"), QStringLiteral("degraded"), QStringLiteral("HALF_OPEN"), 0);
    ProcessResult degraded = run({QStringLiteral("--json")});
    EXPECT_EQ(degraded.exitCode, 1) << degraded.output.toStdString();
    const QJsonObject json = QJsonDocument::fromJson(degraded.output.trimmed().split('\n').last()).object();
    EXPECT_EQ(json.value(QStringLiteral("status")).toString(), QStringLiteral("degraded"));
    const QJsonArray monitors = json.value(QStringLiteral("monitors")).toArray();
    ASSERT_EQ(monitors.size(), 2);
    EXPECT_EQ(monitors.at(1).toObject().value(QStringLiteral("circuitState")).toString(), QStringLiteral("HALF_OPEN"));
    EXPECT_EQ(monitors.at(0).toObject().value(QStringLiteral("latencyMs")).toDouble(), 12.5);

    sample(api, QStringLiteral("down"), QStringLiteral("healthy"), QStringLiteral("CLOSED"), 0);
    EXPECT_EQ(run({}).exitCode, 2);
}

TEST_F(HealthCommandTest, StaleSamplesAndAnUnreachableDatabaseAreDown)
{
    const qint64 api = monitor(QStringLiteral("api"));
    sample(api, QStringLiteral("up"), QStringLiteral("healthy"), QStringLiteral("CLOSED"), 600);
    EXPECT_EQ(run({}).exitCode, 2);
    EXPECT_EQ(run({QStringLiteral("--stale-after"), QStringLiteral("3600")}).exitCode, 0);
    EXPECT_EQ(run({QStringLiteral("--stale-after"), QStringLiteral("zero")}).exitCode, 2);

    ProcessOptions options;
    options.environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    auto unreachable = ProcessRunner::run(QStringLiteral(OPS_CONSOLE_BINARY),
        {QStringLiteral("--dsn"), QStringLiteral("host=/nonexistent-socket-dir dbname=x connect_timeout=2"), QStringLiteral("health"),
         QStringLiteral("--json")}, options);
    ASSERT_TRUE(unreachable.ok());
    EXPECT_EQ(unreachable->exitCode, 2);
    EXPECT_TRUE(unreachable->output.contains("\"status\":\"unreachable\"")) << unreachable->output.toStdString();
}
