// SPDX-License-Identifier: MIT
// The non-HTTP health sources against real parts: a Prometheus /metrics endpoint demanding HTTP
// Basic (a loopback server), PostgreSQL statistics with real row-lock blocking and a known number
// of transactions (the TestCluster), and the collector writing prometheus, postgres and pool
// monitors' samples.
#include "EventLoopWait.h"
#include "LoopbackHttpServer.h"
#include "TestCluster.h"

#include "db/Pool.h"
#include "health/HealthCheckFactory.h"
#include "health/HealthCollector.h"
#include "health/PgStats.h"
#include "common/SecretStore.h"
#include "TestSecrets.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QScopeGuard>
#include <QThread>

#include <gtest/gtest.h>

#include <thread>

using namespace ops::services;
using ops::testing::TestCluster;
using namespace std::chrono_literals;

namespace {

class HealthSourcesTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_options = database.value();
        m_admin = TestCluster::shared().connect(m_options.database());
        ASSERT_TRUE(m_admin);
        m_project = m_admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
        PoolConfig config;
        config.connection = m_options;
        config.direct = m_options;
        config.maxSize = 3;
        m_pool = std::make_unique<Pool>(config);
        m_secrets->remember(QStringLiteral("health/scrape"), ops::testing::testsecrets::monitorPassword);
    }

    MonitorDefinition prometheus(const QJsonObject& config) const
    {
        MonitorDefinition m;
        m.name = QStringLiteral("metrics");
        m.kind = QStringLiteral("prometheus");
        m.config = config;
        m.probe.url = m_server.url(QStringLiteral("/metrics"));
        m.probe.timeout = 2000ms;
        return m;
    }

    ProbeResult runOnce(HealthCheck& check)
    {
        std::optional<ProbeResult> result;
        QObject::connect(&check, &HealthCheck::finished, [&](const ProbeResult& r) { result = r; });
        EXPECT_TRUE(check.start());
        EXPECT_FALSE(check.start()) << "a second check while one is in flight";
        EXPECT_TRUE(spinUntil([&] { return result.has_value(); }, 5s));
        return result.value_or(ProbeResult{});
    }

    QString scalar(const QString& sql, const SqlParams& params = {})
    {
        auto r = m_admin->exec(sql, params);
        return r ? r->scalar() : QStringLiteral("ERROR ") + r.error().message;
    }

    LoopbackHttpServer m_server;
    ConnectionOptions m_options;
    std::unique_ptr<Connection> m_admin;
    std::unique_ptr<Pool> m_pool;
    // Memory only: this fixture is about the probes (tests/integration/secrets covers the keyring).
    std::unique_ptr<SecretStore> m_secrets = std::make_unique<SecretStore>(QStringLiteral("ops-console-tests"), false);
    qint64 m_project = 0;
};

const QJsonObject scrapeConfig{
    {QStringLiteral("series"), QJsonArray{QStringLiteral(R"(pg_stat_database_xact_commit{datname="postgres"})"),
                                          QStringLiteral("supavisor_pool_size")}},
    {QStringLiteral("username"), QStringLiteral("metrics")},
    {QStringLiteral("secret"), QStringLiteral("scrape")}};

} // namespace

TEST_F(HealthSourcesTest, PrometheusNeedsTheRightCredentials)
{
    QNetworkAccessManager network;
    // Right credentials: the two chosen series become metrics; the bad line is counted, not fatal.
    auto check = makeHealthCheck(prometheus(scrapeConfig), &network, *m_pool, m_secrets.get());
    ASSERT_TRUE(check.ok()) << check.error().toString().toStdString();
    ProbeResult ok = runOnce(*check.value());
    EXPECT_TRUE(ok.success) << ok.error.toStdString();
    EXPECT_EQ(ok.httpStatus, 200);
    EXPECT_DOUBLE_EQ(ok.metrics.value(QStringLiteral(R"(pg_stat_database_xact_commit{datname="postgres"})")), 4711);
    EXPECT_DOUBLE_EQ(ok.metrics.value(QStringLiteral("supavisor_pool_size")), 15);
    EXPECT_DOUBLE_EQ(ok.metrics.value(QStringLiteral("scrape.malformed_lines")), 1);
    EXPECT_FALSE(ok.metrics.contains(QStringLiteral(R"(pg_stat_database_xact_commit{datname="template1"})")));

    // No credentials: the endpoint answers 401 and the check fails on the status.
    QJsonObject anonymous = scrapeConfig;
    anonymous.remove(QStringLiteral("username"));
    anonymous.remove(QStringLiteral("secret"));
    auto bare = makeHealthCheck(prometheus(anonymous), &network, *m_pool, m_secrets.get());
    ASSERT_TRUE(bare.ok());
    ProbeResult refused = runOnce(*bare.value());
    EXPECT_FALSE(refused.success);
    EXPECT_EQ(refused.httpStatus, 401);
    EXPECT_EQ(refused.failureKind, QStringLiteral("status"));
    EXPECT_TRUE(refused.metrics.isEmpty());

    // A wrong password: 401 as well.
    m_secrets->remember(QStringLiteral("health/scrape"), "wrong");
    auto wrong = makeHealthCheck(prometheus(scrapeConfig), &network, *m_pool, m_secrets.get());
    ASSERT_TRUE(wrong.ok());
    EXPECT_EQ(runOnce(*wrong.value()).httpStatus, 401);

    // A secret the store does not have: refused before any request, saying how to provide it.
    m_secrets->forget(QStringLiteral("health/scrape"));
    auto missing = makeHealthCheck(prometheus(scrapeConfig), &network, *m_pool, m_secrets.get());
    ASSERT_FALSE(missing.ok());
    EXPECT_TRUE(missing.error().message.contains(QStringLiteral("OPS_SECRET_SCRAPE"))) << missing.error().message.toStdString();
    EXPECT_EQ(m_server.requests(QStringLiteral("/metrics")), 3);
}

TEST_F(HealthSourcesTest, BlockedSessionsAreCountedFromRealRowLocks)
{
    ASSERT_TRUE(m_admin->execScript(QStringLiteral("CREATE TABLE public.accounts (id int PRIMARY KEY, balance int); "
                                                   "INSERT INTO public.accounts VALUES (1, 100);")).ok());
    auto holder = TestCluster::shared().connect(m_options.database());
    auto waiter = TestCluster::shared().connect(m_options.database());
    ASSERT_TRUE(holder && waiter);
    ASSERT_TRUE(holder->exec(QStringLiteral("BEGIN")).ok());
    ASSERT_TRUE(holder->exec(QStringLiteral("SELECT balance FROM public.accounts WHERE id = 1 FOR UPDATE")).ok());
    // The waiter blocks on the row lock until the holder commits.
    std::thread blocked([&] { (void)waiter->exec(QStringLiteral("UPDATE public.accounts SET balance = 0 WHERE id = 1")); });
    auto read = [&] {
        return m_pool->withClient(QStringLiteral("test.pgstats"), [](Connection& c) { return readPgStats(c); });
    };
    std::optional<PgStatsReading> during;
    for (int attempt = 0; attempt < 50 && !(during && during->blockedSessions == 1); ++attempt) {
        auto r = read();
        ASSERT_TRUE(r.ok()) << r.error().toString().toStdString();
        during = r.value();
        if (during->blockedSessions != 1)
            QThread::msleep(100);
    }
    EXPECT_EQ(during->blockedSessions, 1);
    EXPECT_GE(during->sessionsByState.value(QStringLiteral("idle in transaction")), 1);
    EXPECT_GE(during->sessionsByState.value(QStringLiteral("active")), 1);
    ASSERT_TRUE(during->oldestTransactionSeconds.has_value());
    EXPECT_GT(*during->oldestTransactionSeconds, 0.0);
    const ProbeResult evaluated = evaluatePgStats(std::nullopt, *during);
    EXPECT_DOUBLE_EQ(evaluated.metrics.value(QStringLiteral("blocked_sessions")), 1);
    EXPECT_EQ(evaluated.platformStatus, QStringLiteral("degraded"));  // pgwatch: warn at 1

    ASSERT_TRUE(holder->exec(QStringLiteral("COMMIT")).ok());
    blocked.join();
    auto after = read();
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->blockedSessions, 0);
    EXPECT_EQ(scalar(QStringLiteral("SELECT balance FROM public.accounts WHERE id = 1")), QStringLiteral("0"));
}

TEST_F(HealthSourcesTest, TpsIsTheKnownTransactionCountOverTheReadingsOwnTimestamps)
{
    auto reader = TestCluster::shared().connect(m_options.database());
    auto worker = TestCluster::shared().connect(m_options.database());
    ASSERT_TRUE(reader && worker);
    // Flush what the reader's session did so far, so the difference is the worker's.
    ASSERT_TRUE(reader->exec(QStringLiteral("SELECT pg_stat_force_next_flush()")).ok());
    auto first = readPgStats(*reader);
    ASSERT_TRUE(first.ok()) << first.error().toString().toStdString();
    constexpr int transactions = 300;
    for (int i = 0; i < transactions; ++i)
        ASSERT_TRUE(worker->exec(QStringLiteral("SELECT $1::int"), {i}).ok());
    // Statistics reach pg_stat_database when a session goes idle, at most once a second: force it.
    ASSERT_TRUE(worker->exec(QStringLiteral("SELECT pg_stat_force_next_flush()")).ok());
    QThread::msleep(1200);  // the rate must not depend on how often somebody refreshes
    auto second = readPgStats(*reader);
    ASSERT_TRUE(second.ok());

    const double seconds = double(first->takenAt.msecsTo(second->takenAt)) / 1000.0;
    EXPECT_GE(seconds, 1.2);
    const qint64 counted = (second->xactCommit + second->xactRollback) - (first->xactCommit + first->xactRollback);
    // The worker's 300 + its flush call; the reader's own reading may add a few.
    EXPECT_GE(counted, transactions + 1);
    EXPECT_LE(counted, transactions + 12);
    const ProbeResult r = evaluatePgStats(first.value(), second.value());
    EXPECT_NEAR(r.metrics.value(QStringLiteral("tps")), double(counted) / seconds, 1e-9);
    EXPECT_LT(r.metrics.value(QStringLiteral("tps")), double(transactions + 12) / 1.2);
    EXPECT_GT(r.metrics.value(QStringLiteral("database_bytes")), 1e6);
    EXPECT_DOUBLE_EQ(r.metrics.value(QStringLiteral("statements.available")), 0);
}

TEST_F(HealthSourcesTest, PgStatStatementsInstalledButNotPreloadedIsUnavailableNotAnError)
{
    ASSERT_TRUE(m_admin->exec(QStringLiteral("CREATE EXTENSION pg_stat_statements")).ok());
    auto reading = m_pool->withClient(QStringLiteral("test.pgstats"), [](Connection& c) { return readPgStats(c); });
    ASSERT_TRUE(reading.ok()) << reading.error().toString().toStdString();
    EXPECT_FALSE(reading->statementsAvailable);
    EXPECT_TRUE(reading->replicas == 0 && !reading->replicationLagSeconds.has_value());
}

TEST_F(HealthSourcesTest, CollectorWritesPrometheusPostgresAndPoolSamples)
{
    auto monitor = [&](const char* name, const QString& url, const char* kind) {
        return scalar(QStringLiteral("SELECT ops.ensure_monitor($1, $2, $3, 1000, 800, 1, 200, 299, NULL, $4)"),
                      {m_project, name, url, kind}).toLongLong();
    };
    const qint64 metrics = monitor("metrics", m_server.url(QStringLiteral("/metrics")).toString(), "prometheus");
    const qint64 database = monitor("database", QString(), "postgres");
    const qint64 pool = monitor("pool", QString(), "pool");
    ASSERT_GT(metrics * database * pool, 0);
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.set_monitor_config($1, $2::jsonb)"),
                     {metrics, QJsonDocument(scrapeConfig).toJson(QJsonDocument::Compact)}), QString(""));

    CollectorConfig config;
    config.projectId = m_project;
    config.holder = QStringLiteral("console-a");
    config.leaseInterval = 1000ms;
    config.secrets = m_secrets.get();
    HealthCollector collector(*m_pool, config);
    QHash<qint64, int> written;
    QObject::connect(&collector, &HealthCollector::sampleWritten, [&](qint64 monitor, const QString&) { ++written[monitor]; });
    collector.start();
    ASSERT_TRUE(spinUntil([&] { return written.value(metrics) >= 2 && written.value(database) >= 2 && written.value(pool) >= 2; }, 8s));
    collector.stop();

    auto latest = [&](qint64 monitor, const QString& expression) {
        return scalar(QStringLiteral("SELECT %1 FROM ops.health_samples WHERE monitor_id = $1 ORDER BY sampled_at DESC LIMIT 1").arg(expression),
                      {monitor});
    };
    EXPECT_EQ(latest(metrics, QStringLiteral("state || ' ' || (metrics->>'pg_stat_database_xact_commit{datname=\"postgres\"}')")),
              QStringLiteral("up 4711"));
    EXPECT_EQ(latest(database, QStringLiteral("state")), QStringLiteral("up"));
    EXPECT_EQ(latest(database, QStringLiteral("(metrics ? 'tps')::text")), QStringLiteral("true"));
    EXPECT_EQ(latest(database, QStringLiteral("(metrics ? 'cache_hit_percent' AND metrics ? 'blocked_sessions')::text")), QStringLiteral("true"));
    EXPECT_EQ(latest(database, QStringLiteral("left(details->>'top_statements', 11)")), QStringLiteral("unavailable"));
    EXPECT_EQ(latest(pool, QStringLiteral("state || ' ' || circuit_state || ' ' || (metrics ? 'pool.in_use')::text")),
              QStringLiteral("up CLOSED true"));
    EXPECT_EQ(latest(pool, QStringLiteral("coalesce(latency_ms::text, 'null')")), QStringLiteral("null"));
    // The secret's value is nowhere in the database.
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.monitors WHERE strpos(config::text, $1) > 0"),
                     {ops::testing::testsecrets::monitorPassword}), QStringLiteral("0"));
}

TEST_F(HealthSourcesTest, AMissingSecretFailsTheChecksUntilItIsEnteredAndTheChecksReload)
{
    m_secrets->forget(QStringLiteral("health/scrape"));
    const qint64 metrics = scalar(QStringLiteral("SELECT ops.ensure_monitor($1, 'metrics', $2, 1000, 800, 1, 200, 299, NULL, 'prometheus')"),
                                  {m_project, m_server.url(QStringLiteral("/metrics")).toString()}).toLongLong();
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.set_monitor_config($1, $2::jsonb)"),
                     {metrics, QJsonDocument(scrapeConfig).toJson(QJsonDocument::Compact)}), QString());
    CollectorConfig config;
    config.projectId = m_project;
    config.holder = QStringLiteral("console-a");
    config.leaseInterval = 1000ms;
    config.secrets = m_secrets.get();
    HealthCollector collector(*m_pool, config);
    QStringList states;
    QObject::connect(&collector, &HealthCollector::sampleWritten, [&](qint64, const QString& state) { states << state; });
    collector.start();
    ASSERT_TRUE(spinUntil([&] { return states.size() >= 2; }, 5s));
    EXPECT_EQ(states.mid(0, 2), (QStringList{QStringLiteral("pending"), QStringLiteral("down")}));
    EXPECT_EQ(m_server.requests(QStringLiteral("/metrics")), 0) << "no request without the credentials";
    EXPECT_TRUE(scalar(QStringLiteral("SELECT error FROM ops.health_samples WHERE monitor_id = $1 ORDER BY sampled_at DESC LIMIT 1"), {metrics})
                    .contains(QStringLiteral("OPS_SECRET_SCRAPE")));

    m_secrets->remember(QStringLiteral("health/scrape"), ops::testing::testsecrets::monitorPassword);  // what the Health menu's prompt does
    collector.reloadChecks();
    ASSERT_TRUE(spinUntil([&] { return states.last() == QLatin1String("up"); }, 5s)) << states.join(QLatin1Char(',')).toStdString();
    collector.stop();
    EXPECT_GE(m_server.requests(QStringLiteral("/metrics")), 1);
}

// With pg_stat_statements preloaded (this test restarts its process's server so, and restores it
// afterwards), the probe lists the top statements by total time with their calls. The statement
// text is untrusted: markup in it comes back verbatim as a plain JSON string, never interpreted.
TEST(PgStatStatementsTest, PreloadedTopStatementsCarryCallsAndPlainText)
{
    TestCluster& cluster = TestCluster::shared();
    auto preloaded = cluster.restartWithPreloadedLibraries({QStringLiteral("pg_stat_statements")});
    ASSERT_TRUE(preloaded.ok()) << preloaded.error().toString().toStdString();
    auto restore = qScopeGuard([&] { EXPECT_TRUE(cluster.restartWithPreloadedLibraries({}).ok()); });

    auto database = cluster.createDatabase();
    ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
    auto admin = cluster.connect(database->database());
    ASSERT_TRUE(admin);
    ASSERT_TRUE(admin->exec(QStringLiteral("CREATE EXTENSION pg_stat_statements")).ok());

    // Seven calls of 40 ms each: 280 ms, more than anything else this database runs. No constants
    // in the text: pg_stat_statements would show them as $n.
    const QString statement = QStringLiteral("/* <b>ops</b><script>alert(1)</script> */ SELECT pg_sleep($1::float8)");
    auto worker = cluster.connect(database->database());
    ASSERT_TRUE(worker);
    for (int i = 0; i < 7; ++i)
        ASSERT_TRUE(worker->exec(statement, {0.04}).ok());

    auto reading = readPgStats(*admin);
    ASSERT_TRUE(reading.ok()) << reading.error().toString().toStdString();
    ASSERT_TRUE(reading->statementsAvailable);
    ASSERT_FALSE(reading->topStatements.isEmpty());
    const QJsonObject top = reading->topStatements.first().toObject();
    EXPECT_EQ(top.value(QStringLiteral("query")).toString().toStdString(), statement.toStdString());
    EXPECT_EQ(top.value(QStringLiteral("calls")).toDouble(), 7);
    EXPECT_GE(top.value(QStringLiteral("total_ms")).toDouble(), 7 * 40.0);
    EXPECT_NEAR(top.value(QStringLiteral("mean_ms")).toDouble(), top.value(QStringLiteral("total_ms")).toDouble() / 7, 1e-6);

    // What the sample stores and `ops-console health` prints: the text as a JSON string.
    const ProbeResult result = evaluatePgStats(std::nullopt, reading.value());
    EXPECT_DOUBLE_EQ(result.metrics.value(QStringLiteral("statements.available")), 1);
    const QJsonValue stored = result.details.value(QStringLiteral("top_statements")).toArray().first().toObject().value(QStringLiteral("query"));
    EXPECT_TRUE(stored.isString());
    EXPECT_EQ(stored.toString().toStdString(), statement.toStdString());
}
