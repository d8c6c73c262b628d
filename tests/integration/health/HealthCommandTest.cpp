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
        return TestCluster::shared().runConsole(QStringLiteral(OPS_CONSOLE_BINARY), m_database, QStringList{QStringLiteral("health")} + extra);
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

TEST_F(HealthCommandTest, JsonHasTheDatabaseAndPoolSourcesUptimesAndOpenAlerts)
{
    auto kindMonitor = [&](const char* name, const char* kind) {
        return m_admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, $2, '', 1000, 800, 1, 200, 299, NULL, $3)"),
                             {m_project, name, kind})->toInt64(0, 0);
    };
    const qint64 database = kindMonitor("database", "postgres");
    const qint64 pool = kindMonitor("pool", "pool");
    const qint64 api = monitor(QStringLiteral("api"));
    ASSERT_TRUE(m_admin->exec(QStringLiteral(
        "SELECT ops.record_health_sample($1, 't', now() - interval '1 s', 'up', 3, NULL, 'degraded', NULL, "
        "'{\"tps\": 41.5, \"blocked_sessions\": 1, \"cache_hit_percent\": 99.2}', 'blocked sessions', "
        "'{\"top_statements\": \"unavailable: pg_stat_statements is not installed\"}')"), {database}).ok());
    ASSERT_TRUE(m_admin->exec(QStringLiteral(
        "SELECT ops.record_health_sample($1, 't', now() - interval '1 s', 'up', NULL, NULL, 'healthy', 'CLOSED', "
        "'{\"pool.in_use\": 2, \"pool.waiting\": 0}', NULL)"), {pool}).ok());
    // The api was failing but its retries were not used up: pending is not up time.
    sample(api, QStringLiteral("pending"), QStringLiteral("unhealthy"), QStringLiteral("OPEN"));
    ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.raise_health_alert($1, 't', 'circuit_opened', '', 'api: circuit opened')"), {api}).ok());

    ProcessResult result = run({QStringLiteral("--json")});
    EXPECT_EQ(result.exitCode, 2) << result.output.toStdString();  // the api says unhealthy
    const QJsonObject json = QJsonDocument::fromJson(result.output.trimmed().split('\n').last()).object();
    QHash<QString, QJsonObject> byName;
    for (const QJsonValue& m : json.value(QStringLiteral("monitors")).toArray())
        byName.insert(m.toObject().value(QStringLiteral("name")).toString(), m.toObject());
    const QJsonObject db = byName.value(QStringLiteral("database"));
    EXPECT_EQ(db.value(QStringLiteral("kind")).toString(), QStringLiteral("postgres"));
    EXPECT_EQ(db.value(QStringLiteral("grade")).toString(), QStringLiteral("degraded"));
    EXPECT_EQ(db.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("tps")).toDouble(), 41.5);
    EXPECT_TRUE(db.value(QStringLiteral("details")).toObject().value(QStringLiteral("top_statements")).toString().startsWith(QStringLiteral("unavailable")));
    EXPECT_EQ(db.value(QStringLiteral("uptime")).toObject().value(QStringLiteral("24h")).toDouble(), 100.0);
    const QJsonObject p = byName.value(QStringLiteral("pool"));
    EXPECT_EQ(p.value(QStringLiteral("kind")).toString(), QStringLiteral("pool"));
    EXPECT_EQ(p.value(QStringLiteral("metrics")).toObject().value(QStringLiteral("pool.in_use")).toDouble(), 2.0);
    EXPECT_FALSE(p.contains(QStringLiteral("latencyMs")));
    const QJsonObject a = byName.value(QStringLiteral("api"));
    EXPECT_EQ(a.value(QStringLiteral("uptime")).toObject().value(QStringLiteral("24h")).toDouble(-1), 0.0);
    EXPECT_TRUE(a.value(QStringLiteral("uptime")).toObject().value(QStringLiteral("30d")).isDouble());
    EXPECT_EQ(a.value(QStringLiteral("unacknowledgedAlerts")).toInt(), 1);

    // A monitor without samples: uptime unknown (null), never 100 %.
    monitor(QStringLiteral("new"));
    const QJsonObject again = QJsonDocument::fromJson(run({QStringLiteral("--json")}).output.trimmed().split('\n').last()).object();
    int checked = 0;
    for (const QJsonValue& m : again.value(QStringLiteral("monitors")).toArray()) {
        if (m.toObject().value(QStringLiteral("name")).toString() != QLatin1String("new"))
            continue;
        EXPECT_TRUE(m.toObject().value(QStringLiteral("uptime")).toObject().value(QStringLiteral("24h")).isNull());
        ++checked;
    }
    EXPECT_EQ(checked, 1);
    const ProcessResult text = run({});
    EXPECT_TRUE(text.output.contains("database (postgres)  up")) << text.output.toStdString();
    EXPECT_TRUE(text.output.contains("tps=41.5")) << text.output.toStdString();
    EXPECT_TRUE(text.output.contains("uptime24h/7d/30d=unknown/unknown/unknown")) << text.output.toStdString();
}
