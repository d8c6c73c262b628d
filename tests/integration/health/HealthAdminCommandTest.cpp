// SPDX-License-Identifier: MIT
// `ops-console health monitor add | maintenance | alerts` as real processes against a real server.
#include "TestCluster.h"

#include "common/ProcessRunner.h"
#include "db/EmbeddedPostgres.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;

namespace {

class HealthAdminCommandTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_database = database->database();
        m_admin = TestCluster::shared().connect(m_database);
        ASSERT_TRUE(m_admin);
        m_project = m_admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
    }

    ProcessResult run(const QStringList& arguments, const QString& user = {})
    {
        return TestCluster::shared().runConsole(QStringLiteral(OPS_CONSOLE_BINARY), m_database, arguments, user);
    }

    QString scalar(const QString& sql)
    {
        auto r = m_admin->exec(sql);
        return r ? r->scalar() : r.error().message;
    }

    QString m_database;
    std::unique_ptr<Connection> m_admin;
    qint64 m_project = 0;
};

} // namespace

TEST_F(HealthAdminCommandTest, AddsAPrometheusMonitorWithASecretNameOnly)
{
    const ProcessResult added = run({QStringLiteral("health"), QStringLiteral("monitor"), QStringLiteral("add"), QStringLiteral("supabase"),
                                     QStringLiteral("--kind"), QStringLiteral("prometheus"), QStringLiteral("--url"),
                                     QStringLiteral("http://127.0.0.1:9/metrics"), QStringLiteral("--series"),
                                     QStringLiteral(R"(pg_stat_database_xact_commit{datname="postgres"})"), QStringLiteral("--series"),
                                     QStringLiteral("up"), QStringLiteral("--username"), QStringLiteral("metrics"),
                                     QStringLiteral("--secret"), QStringLiteral("supabase-metrics")});
    EXPECT_EQ(added.exitCode, 0) << added.output.toStdString();
    EXPECT_EQ(scalar(QStringLiteral("SELECT kind || ' ' || (config->'series'->>0) || ' ' || (config->>'secret') FROM ops.monitors WHERE name = 'supabase'")),
              QStringLiteral(R"(prometheus pg_stat_database_xact_commit{datname="postgres"} supabase-metrics)"));

    // A prometheus monitor without series, or a bad selector: refused before anything is stored.
    const ProcessResult noSeries = run({QStringLiteral("health"), QStringLiteral("monitor"), QStringLiteral("add"), QStringLiteral("bare"),
                                        QStringLiteral("--kind"), QStringLiteral("prometheus"), QStringLiteral("--url"), QStringLiteral("http://127.0.0.1:9/")});
    EXPECT_EQ(noSeries.exitCode, 2);
    EXPECT_TRUE(noSeries.output.contains("series")) << noSeries.output.toStdString();
    const ProcessResult badSelector = run({QStringLiteral("health"), QStringLiteral("monitor"), QStringLiteral("add"), QStringLiteral("bad"),
                                           QStringLiteral("--kind"), QStringLiteral("prometheus"), QStringLiteral("--series"), QStringLiteral("x{a=b}")});
    EXPECT_EQ(badSelector.exitCode, 2);
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.monitors WHERE name IN ('bare', 'bad')")), QStringLiteral("0"));
}

TEST_F(HealthAdminCommandTest, MaintenanceWindowsAreAddedListedAndRemoved)
{
    ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'api', 'http://127.0.0.1:1/', 1000)"), {m_project}).ok());
    const QStringList weekly = {QStringLiteral("health"), QStringLiteral("maintenance"), QStringLiteral("add"), QStringLiteral("--monitor"),
                                QStringLiteral("api"), QStringLiteral("--weekly"), QStringLiteral("sun"), QStringLiteral("--at"),
                                QStringLiteral("02:30"), QStringLiteral("--minutes"), QStringLiteral("60"), QStringLiteral("--tz")};
    const ProcessResult added = run(weekly + QStringList{QStringLiteral("Europe/Berlin"), QStringLiteral("--reason"), QStringLiteral("patching")});
    EXPECT_EQ(added.exitCode, 0) << added.output.toStdString();
    const ProcessResult badZone = run(weekly + QStringList{QStringLiteral("Mars/Olympus")});
    EXPECT_EQ(badZone.exitCode, 2);
    EXPECT_TRUE(badZone.output.contains("unknown time zone")) << badZone.output.toStdString();
    const ProcessResult once = run({QStringLiteral("health"), QStringLiteral("maintenance"), QStringLiteral("add"), QStringLiteral("--project-wide"),
                                    QStringLiteral("--from"), QStringLiteral("2030-01-01T10:00:00Z"), QStringLiteral("--until"),
                                    QStringLiteral("2030-01-01T12:00:00Z")});
    EXPECT_EQ(once.exitCode, 0) << once.output.toStdString();

    const ProcessResult listed = run({QStringLiteral("health"), QStringLiteral("maintenance"), QStringLiteral("list"), QStringLiteral("--json")});
    ASSERT_EQ(listed.exitCode, 0);
    const QJsonArray windows = QJsonDocument::fromJson(listed.output.trimmed().split('\n').last()).array();
    ASSERT_EQ(windows.size(), 2);
    const QJsonObject first = windows.at(0).toObject();
    EXPECT_EQ(first.value(QStringLiteral("monitor")).toString(), QStringLiteral("api"));
    EXPECT_EQ(first.value(QStringLiteral("weekday")).toInt(), 7);
    EXPECT_EQ(first.value(QStringLiteral("tz")).toString(), QStringLiteral("Europe/Berlin"));
    EXPECT_EQ(windows.at(1).toObject().value(QStringLiteral("monitor")).toString(), QStringLiteral("(project)"));

    const QString id = QString::number(first.value(QStringLiteral("id")).toInteger());
    EXPECT_EQ(run({QStringLiteral("health"), QStringLiteral("maintenance"), QStringLiteral("remove"), id}).exitCode, 0);
    EXPECT_EQ(run({QStringLiteral("health"), QStringLiteral("maintenance"), QStringLiteral("remove"), id}).exitCode, 2);
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.maintenance_windows")), QStringLiteral("1"));
}

TEST_F(HealthAdminCommandTest, AlertsAreListedAndAcknowledgedOnce)
{
    const qint64 monitor = m_admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'api', 'http://127.0.0.1:1/', 1000)"), {m_project})->toInt64(0, 0);
    ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'c', 600000)"), {m_project}).ok());
    const QString alert = m_admin->exec(QStringLiteral("SELECT ops.raise_health_alert($1, 'c', 'monitor_down', '', 'api is down: HTTP 503')"),
                                        {monitor})->scalar();
    const ProcessResult listed = run({QStringLiteral("health"), QStringLiteral("alerts"), QStringLiteral("--json")});
    ASSERT_EQ(listed.exitCode, 0) << listed.output.toStdString();
    // (A viewer's refusal is tested in SQL: HealthAlertsTest. A headless session as a viewer stops
    // earlier, at the migration step, which needs more than ops_viewer.)
    const QJsonArray alerts = QJsonDocument::fromJson(listed.output.trimmed().split('\n').last()).array();
    ASSERT_EQ(alerts.size(), 1);
    EXPECT_EQ(alerts.at(0).toObject().value(QStringLiteral("message")).toString(), QStringLiteral("api is down: HTTP 503"));
    EXPECT_FALSE(alerts.at(0).toObject().contains(QStringLiteral("acknowledgedAt")));

    const ProcessResult acknowledged = run({QStringLiteral("health"), QStringLiteral("alerts"), QStringLiteral("--ack"), alert});
    EXPECT_EQ(acknowledged.exitCode, 0);
    EXPECT_TRUE(acknowledged.output.contains("acknowledged")) << acknowledged.output.toStdString();
    EXPECT_TRUE(run({QStringLiteral("health"), QStringLiteral("alerts"), QStringLiteral("--ack"), alert}).output.contains("already"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT acknowledged_by FROM ops.health_alerts")), QStringLiteral("postgres"));
}
