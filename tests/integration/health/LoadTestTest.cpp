// SPDX-License-Identifier: MIT
// The load test engine against real loopback servers: the demo platform, a server that answers
// errors, one that hangs, a closed port; cancel; results stored with row-level security.
#include "LoopbackHttpServer.h"
#include "TestCluster.h"

#include "demo/DemoPlatform.h"
#include "health/LoadTestRunner.h"
#include "health/LoadTestStore.h"

#include <QCoreApplication>
#include <QDeadlineTimer>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;

namespace {

// Runs `config` through the runner while this thread's event loop serves the test servers.
// `whileRunning` is called on every progress report.
Result<LoadTestResult> runLoadTest(const LoadTestConfig& config,
                                   const std::function<void(LoadTestRunner&, qint64)>& whileRunning = {})
{
    LoadTestRunner runner;
    std::optional<Result<LoadTestResult>> outcome;
    QObject::connect(&runner, &LoadTestRunner::finished, [&](const Result<LoadTestResult>& r) { outcome = r; });
    QObject::connect(&runner, &LoadTestRunner::progressed, [&](qint64 done, qint64) {
        if (whileRunning)
            whileRunning(runner, done);
    });
    EXPECT_TRUE(runner.start(config));
    QDeadlineTimer deadline(60000);
    while (!outcome && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    if (!outcome)
        return Error::make(ErrorKind::Timeout, QStringLiteral("the load test did not finish within 60 s"));
    return *outcome;
}

LoadTestConfig config(const QUrl& url, int requests, int concurrency, int timeoutMs = 5000)
{
    LoadTestConfig c;
    c.url = url.toString();
    c.requests = requests;
    c.concurrency = concurrency;
    c.timeout = std::chrono::milliseconds(timeoutMs);
    return c;
}

} // namespace

TEST(LoadTestEngine, DemoPlatformAnswersEveryRequest)
{
    DemoPlatform::Config healthy;
    healthy.liveVersion = QStringLiteral("v3");
    DemoPlatform platform(healthy);
    ASSERT_TRUE(platform.start().ok());
    auto result = runLoadTest(config(QUrl(platform.baseUrl() + QStringLiteral("/api/health")), 400, 16));
    ASSERT_TRUE(result.ok()) << result.error().toString().toStdString();
    EXPECT_EQ(result->completed, 400);
    EXPECT_EQ(result->succeeded, 400);
    EXPECT_DOUBLE_EQ(result->successRate(), 100.0);
    EXPECT_TRUE(result->errors.isEmpty());
    EXPECT_FALSE(result->cancelled);
    EXPECT_GT(result->p50Ms, 0);
    EXPECT_LE(result->p50Ms, result->p95Ms);
    EXPECT_LE(result->p95Ms, result->p99Ms);
    EXPECT_LE(result->p99Ms, result->maxMs);
    EXPECT_GT(result->throughput(), 0);

    // The bad version answers 503 to every health request.
    platform.deploy(QStringLiteral("v4"));
    auto broken = runLoadTest(config(QUrl(platform.baseUrl() + QStringLiteral("/api/health")), 100, 8));
    ASSERT_TRUE(broken.ok());
    EXPECT_EQ(broken->succeeded, 0);
    EXPECT_EQ(broken->errors.value(QStringLiteral("http_5xx")), 100);
}

TEST(LoadTestEngine, SendsExactlyNRequestsOverKeptAliveConnections)
{
    LoopbackHttpServer server;  // HTTP/1.1 without Connection: close: connections are reused
    auto result = runLoadTest(config(server.url(QStringLiteral("/health")), 300, 7));
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->succeeded, 300);
    EXPECT_EQ(server.requests(QStringLiteral("/health")), 300);
    EXPECT_LE(server.connections(), 7);
}

TEST(LoadTestEngine, WithoutKeepAliveOpensAConnectionPerRequest)
{
    LoopbackHttpServer server;  // never closes by itself: the engine has to, after `Connection: close`
    LoadTestConfig closing = config(server.url(QStringLiteral("/health")), 60, 4);
    closing.keepAlive = false;
    auto result = runLoadTest(closing);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->succeeded, 60);
    EXPECT_EQ(server.requests(QStringLiteral("/health")), 60);
    EXPECT_EQ(server.connections(), 60);
}

TEST(LoadTestEngine, CountsErrorsByKind)
{
    LoopbackHttpServer server;
    auto errors = runLoadTest(config(server.url(QStringLiteral("/error")), 50, 5));
    ASSERT_TRUE(errors.ok());
    EXPECT_EQ(errors->completed, 50);
    EXPECT_EQ(errors->succeeded, 0);
    EXPECT_EQ(errors->errors.value(QStringLiteral("http_5xx")), 50);
    EXPECT_DOUBLE_EQ(errors->successRate(), 0.0);

    auto missing = runLoadTest(config(server.url(QStringLiteral("/no-such-page")), 20, 4));
    ASSERT_TRUE(missing.ok());
    EXPECT_EQ(missing->errors.value(QStringLiteral("http_4xx")), 20);

    server.answerGarbage = true;  // junk, then close: not HTTP
    auto garbage = runLoadTest(config(server.url(QStringLiteral("/health")), 10, 2));
    ASSERT_TRUE(garbage.ok());
    EXPECT_EQ(garbage->errors.value(QStringLiteral("invalid_response")), 10);
}

TEST(LoadTestEngine, ClosedPortIsConnectionRefused)
{
    quint16 port = 0;
    {
        QTcpServer probe;  // a port that was free a moment ago and is closed now
        ASSERT_TRUE(probe.listen(QHostAddress::LocalHost, 0));
        port = probe.serverPort();
    }
    auto result = runLoadTest(config(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(port)), 30, 3));
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->completed, 30);
    EXPECT_EQ(result->errors.value(QStringLiteral("connection_refused")), 30);
}

TEST(LoadTestEngine, HangingServerTimesOut)
{
    LoopbackHttpServer server;
    // /slow answers after a minute; /never sends headers and then trickles forever.
    auto slow = runLoadTest(config(server.url(QStringLiteral("/slow?ms=60000")), 6, 3, 300));
    ASSERT_TRUE(slow.ok());
    EXPECT_EQ(slow->completed, 6);
    EXPECT_EQ(slow->errors.value(QStringLiteral("timeout")), 6);
    auto trickle = runLoadTest(config(server.url(QStringLiteral("/never")), 4, 2, 300));
    ASSERT_TRUE(trickle.ok());
    EXPECT_EQ(trickle->errors.value(QStringLiteral("timeout")), 4);
}

TEST(LoadTestEngine, CancelStopsEarlyAndSaysSo)
{
    LoopbackHttpServer server;
    bool cancelled = false;
    auto result = runLoadTest(config(server.url(QStringLiteral("/slow?ms=50")), 10000, 4),
                              [&](LoadTestRunner& runner, qint64 done) {
                                  if (done > 0 && !cancelled) {
                                      runner.cancel();
                                      cancelled = true;
                                  }
                              });
    ASSERT_TRUE(result.ok());
    EXPECT_TRUE(cancelled);
    EXPECT_TRUE(result->cancelled);
    EXPECT_GT(result->completed, 0);
    EXPECT_LT(result->completed, 10000);
}

TEST(LoadTestEngine, BadInputIsRefusedClearly)
{
    for (const auto& [url, requests, concurrency] : {std::tuple{"https://127.0.0.1/", 10, 1}, std::tuple{"not a url", 10, 1},
                                                     std::tuple{"http://127.0.0.1/", 0, 1}, std::tuple{"http://127.0.0.1/", 5, 10}}) {
        LoadTestConfig c;
        c.url = QString::fromLatin1(url);
        c.requests = requests;
        c.concurrency = concurrency;
        auto result = LoadTestEngine(c).run();
        ASSERT_FALSE(result.ok()) << url;
        EXPECT_EQ(result.error().kind, ErrorKind::InvalidInput) << url;
    }
}

TEST(LoadTestStore, RecordsAndListsWithinTheProject)
{
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok());
    auto admin = TestCluster::shared().connect(database->database());
    const qint64 project = admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);

    LoadTestResult r;
    r.url = QStringLiteral("http://127.0.0.1:1/api/health");
    r.requests = 100;
    r.concurrency = 10;
    r.timeoutMs = 1000;
    r.startedAt = QDateTime::currentDateTimeUtc();
    r.elapsedSeconds = 0.5;
    r.completed = 100;
    r.succeeded = 97;
    r.p50Ms = 1.5;
    r.p95Ms = 4.25;
    r.p99Ms = 9;
    r.errors = {{QStringLiteral("http_5xx"), 2}, {QStringLiteral("timeout"), 1}};

    const QString operatorRole = TestCluster::createMember(*admin, QStringLiteral("ops_operator"), project, QStringLiteral("lt"));
    const QString viewerRole = TestCluster::createMember(*admin, QStringLiteral("ops_viewer"), project, QStringLiteral("lt"));
    auto asOperator = TestCluster::shared().connect(database->database(), operatorRole);
    auto asViewer = TestCluster::shared().connect(database->database(), viewerRole);
    ASSERT_TRUE(asOperator && asViewer);

    auto id = recordLoadTest(*asOperator, project, r);
    ASSERT_TRUE(id.ok()) << id.error().toString().toStdString();
    auto refused = recordLoadTest(*asViewer, project, r);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().sqlstate, QStringLiteral("42501"));

    auto list = listLoadTests(*asViewer, project);
    ASSERT_TRUE(list.ok()) << list.error().toString().toStdString();
    ASSERT_EQ(list->size(), 1u);
    const StoredLoadTest& stored = list->front();
    EXPECT_EQ(stored.id, id.value());
    EXPECT_EQ(stored.runBy, operatorRole);
    EXPECT_EQ(stored.result.succeeded, 97);
    EXPECT_DOUBLE_EQ(stored.result.p95Ms, 4.25);
    EXPECT_DOUBLE_EQ(stored.result.throughput(), 200.0);
    EXPECT_EQ(stored.result.errors.value(QStringLiteral("http_5xx")), 2);
    EXPECT_EQ(stored.result.errors.value(QStringLiteral("timeout")), 1);

    // Another project's member sees nothing of it.
    ASSERT_TRUE(admin->exec(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ('other', 'Other')")).ok());
    const qint64 other = admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'other'"))->toInt64(0, 0);
    const QString outsider = TestCluster::createMember(*admin, QStringLiteral("ops_admin"), other, QStringLiteral("lt"));
    auto asOutsider = TestCluster::shared().connect(database->database(), outsider);
    auto hidden = listLoadTests(*asOutsider, project);
    ASSERT_TRUE(hidden.ok());
    EXPECT_TRUE(hidden->empty());
    EXPECT_FALSE(recordLoadTest(*asOutsider, project, r).ok());
}

TEST(HealthRollups10m, FollowTheMinuteRowsThroughWritesAndRetention)
{
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok());
    auto admin = TestCluster::shared().connect(database->database());
    const qint64 project = admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
    const qint64 monitor = admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'api', 'http://127.0.0.1:1/', 1000)"), {project})->toInt64(0, 0);
    ASSERT_TRUE(admin->exec(QStringLiteral("SELECT ops.acquire_collector_lease($1, 't', 600000)"), {project}).ok());
    // 25 minutes of samples ending at a 10-minute boundary an hour ago: three 10-minute rows.
    auto written = admin->exec(QStringLiteral(
        "SELECT count(*) FILTER (WHERE ops.record_health_sample($1, 't', "
        "  date_bin('10 minutes', now(), timestamptz '2000-01-01') - interval '1 hour' - make_interval(secs => 15 * i), "
        "  CASE WHEN i = 7 THEN 'down' ELSE 'up' END, 10 + i, 200, 'healthy', 'CLOSED', '{}', NULL)) "
        "FROM generate_series(1, 100) i"), {monitor});
    ASSERT_TRUE(written.ok()) << written.error().toString().toStdString();
    auto same = admin->exec(QStringLiteral(
        "SELECT count(*), bool_and(t.latency_min = m.lmin AND t.latency_max = m.lmax AND t.p95_max = m.p95max "
        "                          AND t.success_min IS NOT DISTINCT FROM m.smin) "
        "FROM ops.health_rollups_10m t JOIN ("
        "  SELECT date_bin('10 minutes', bucket, timestamptz '2000-01-01') AS b, min(latency_min) AS lmin, max(latency_max) AS lmax, "
        "         max(latency_p95) AS p95max, min(100.0 * up / nullif(samples - maintenance, 0))::double precision AS smin "
        "  FROM ops.health_rollups_1m GROUP BY 1) m ON m.b = t.bucket"));
    ASSERT_TRUE(same.ok()) << same.error().toString().toStdString();
    EXPECT_EQ(same->toInt64(0, 0), 3);
    EXPECT_TRUE(same->toBool(0, 1));
    EXPECT_EQ(admin->exec(QStringLiteral("SELECT count(*) FROM ops.health_rollups_10m"))->scalar(), QStringLiteral("3"));

    // The chart of the last 30 days reads them and shows the worst latency.
    auto series = admin->exec(QStringLiteral("SELECT max(high) FROM ops.health_series_set($1, NULL, ARRAY['latency'], "
                                             "now() - interval '30 days', now(), 1000, true)"), {project});
    ASSERT_TRUE(series.ok()) << series.error().toString().toStdString();
    EXPECT_EQ(series->scalar(), QStringLiteral("110"));

    // Retention (or anything else) deleting minute rows takes their 10-minute rows along.
    ASSERT_TRUE(admin->exec(QStringLiteral("DELETE FROM ops.health_rollups_1m")).ok());
    EXPECT_EQ(admin->exec(QStringLiteral("SELECT count(*) FROM ops.health_rollups_10m"))->scalar(), QStringLiteral("0"));
}
