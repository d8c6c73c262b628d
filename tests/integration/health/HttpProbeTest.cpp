// SPDX-License-Identifier: MIT
// HttpProbe and MonitorStateMachine against loopback servers that misbehave like real endpoints.
#include "LoopbackHttpServer.h"

#include "health/HttpProbe.h"
#include "health/MonitorStateMachine.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QElapsedTimer>

#include <gtest/gtest.h>

using namespace ops::services;
using namespace std::chrono_literals;

namespace {

// Runs one check and waits (event loop, bounded) for its result.
ProbeResult check(QNetworkAccessManager& network, ProbeConfig config)
{
    HttpProbe probe(&network, std::move(config));
    ProbeResult result;
    bool done = false;
    QEventLoop loop;
    QObject::connect(&probe, &HttpProbe::finished, &loop, [&](const ProbeResult& r) {
        result = r;
        done = true;
        loop.quit();
    });
    EXPECT_TRUE(probe.start());
    EXPECT_FALSE(probe.start()) << "a second check while one is in flight";
    QTimer::singleShot(15000, &loop, &QEventLoop::quit);
    loop.exec();
    EXPECT_TRUE(done) << "the probe never finished";
    return result;
}

ProbeConfig config(const QUrl& url, std::chrono::milliseconds timeout = 2000ms)
{
    ProbeConfig c;
    c.url = url;
    c.timeout = timeout;
    return c;
}

} // namespace

TEST(HttpProbeTest, HealthyJsonGivesStatusCircuitAndEveryNumberAsMetric)
{
    LoopbackHttpServer server;
    QNetworkAccessManager network;
    server.platformStatus = QStringLiteral("degraded");
    server.circuitState = QStringLiteral("HALF_OPEN");
    const ProbeResult r = check(network, config(server.url(QStringLiteral("/health"))));
    EXPECT_TRUE(r.success) << r.error.toStdString();
    EXPECT_EQ(r.httpStatus, 200);
    EXPECT_TRUE(r.json);
    EXPECT_EQ(r.platformStatus, QStringLiteral("degraded"));
    EXPECT_EQ(r.circuitState, QStringLiteral("HALF_OPEN"));
    EXPECT_EQ(r.metrics.value(QStringLiteral("pool.total")), 10);
    EXPECT_EQ(r.metrics.value(QStringLiteral("pool.idle")), 8);
    EXPECT_EQ(r.metrics.value(QStringLiteral("uptimeSeconds")), 12);
    EXPECT_EQ(r.metrics.value(QStringLiteral("throughput")), 42.5);
    EXPECT_FALSE(r.metrics.contains(QStringLiteral("version")));
    EXPECT_GT(r.latencyMs, 0);
}

TEST(HttpProbeTest, SlowAnswerTimesOutAtTheDeadline)
{
    LoopbackHttpServer server;
    QNetworkAccessManager network;
    QElapsedTimer elapsed;
    elapsed.start();
    const ProbeResult r = check(network, config(server.url(QStringLiteral("/slow?ms=3000")), 300ms));
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.failureKind, QStringLiteral("timeout"));
    EXPECT_LT(elapsed.elapsed(), 2000);
    EXPECT_GE(r.latencyMs, 290);
    // A slow answer within the deadline is fine.
    EXPECT_TRUE(check(network, config(server.url(QStringLiteral("/slow?ms=100")), 2000ms)).success);
}

TEST(HttpProbeTest, NeverEndingBodyTimesOutThoughDataKeepsComing)
{
    LoopbackHttpServer server;
    QNetworkAccessManager network;
    const ProbeResult r = check(network, config(server.url(QStringLiteral("/never")), 700ms));
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.failureKind, QStringLiteral("timeout"));
    EXPECT_LT(r.latencyMs, 1500);
}

TEST(HttpProbeTest, HugeBodyIsCutAtOneMebibyteAndReported)
{
    LoopbackHttpServer server;
    QNetworkAccessManager network;
    const ProbeResult r = check(network, config(server.url(QStringLiteral("/huge"))));
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.failureKind, QStringLiteral("body_too_large"));
    EXPECT_TRUE(r.bodyTruncated);
    EXPECT_EQ(r.bodyBytes, 1024 * 1024);
}

TEST(HttpProbeTest, ServerErrorIsAStatusFailureAndItsJsonIsStillRead)
{
    LoopbackHttpServer server;
    QNetworkAccessManager network;
    const ProbeResult r = check(network, config(server.url(QStringLiteral("/error"))));
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.failureKind, QStringLiteral("status"));
    EXPECT_EQ(r.httpStatus, 500);
    EXPECT_EQ(r.platformStatus, QStringLiteral("unhealthy"));
}

TEST(HttpProbeTest, MalformedJsonIsNotedNotFatal)
{
    LoopbackHttpServer server;
    QNetworkAccessManager network;
    const ProbeResult r = check(network, config(server.url(QStringLiteral("/malformed"))));
    EXPECT_TRUE(r.success);
    EXPECT_FALSE(r.json);
    EXPECT_TRUE(r.platformStatus.isEmpty());
    EXPECT_FALSE(r.note.isEmpty());
}

TEST(HttpProbeTest, RedirectLoopStopsAtTheLimit)
{
    LoopbackHttpServer server;
    QNetworkAccessManager network;
    ProbeConfig c = config(server.url(QStringLiteral("/loop")));
    c.maxRedirects = 3;
    const ProbeResult r = check(network, c);
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.failureKind, QStringLiteral("redirects"));
    // The first request and 3 redirects; Qt's HTTP layer sometimes sends a request twice over
    // parallel connections, so the bound is loose: what matters is that the loop ends.
    EXPECT_GE(server.requests(QStringLiteral("/loop")), 4);
    EXPECT_LE(server.requests(QStringLiteral("/loop")), 8);
}

TEST(HttpProbeTest, KeywordMissingFailsAndRefusedConnectionIsANetworkFailure)
{
    LoopbackHttpServer server;
    QNetworkAccessManager network;
    ProbeConfig c = config(server.url(QStringLiteral("/health")));
    c.keyword = QStringLiteral("no-such-word");
    EXPECT_EQ(check(network, c).failureKind, QStringLiteral("keyword"));
    c.keyword = QStringLiteral("CLOSED");
    EXPECT_TRUE(check(network, c).success);
    // Port 1 on loopback: nobody listens.
    const ProbeResult refused = check(network, config(QUrl(QStringLiteral("http://127.0.0.1:1/health"))));
    EXPECT_EQ(refused.failureKind, QStringLiteral("network"));
}

TEST(HttpProbeTest, TlsErrorsAreReportedNotIgnored)
{
    // An https URL whose server answers junk: the handshake fails and is reported as TLS.
    LoopbackHttpServer server;
    server.answerGarbage = true;
    QNetworkAccessManager network;
    QUrl url = server.url(QStringLiteral("/health"));
    url.setScheme(QStringLiteral("https"));
    const ProbeResult r = check(network, config(url));
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.failureKind, QStringLiteral("tls")) << r.error.toStdString();
}

TEST(MonitorStateTest, RetriesBeforeDownAreExactAgainstAFlakyServer)
{
    LoopbackHttpServer server;
    QNetworkAccessManager network;
    MonitorStateMachine machine(3);
    const ProbeConfig c = config(server.url(QStringLiteral("/flaky")));
    auto step = [&] { return machine.record(check(network, c).success); };

    EXPECT_EQ(step().to, MonitorState::Up);
    server.flakyStatus = 500;
    for (int failure = 1; failure <= 3; ++failure) {
        const MonitorTransition t = step();
        EXPECT_EQ(t.to, MonitorState::Pending) << "failure " << failure;
        EXPECT_FALSE(t.wentDown);
    }
    MonitorTransition t = step();
    EXPECT_EQ(t.to, MonitorState::Down);
    EXPECT_TRUE(t.wentDown);
    t = step();
    EXPECT_EQ(t.to, MonitorState::Down);
    EXPECT_FALSE(t.wentDown) << "the down alert fires once";
    server.flakyStatus = 200;
    t = step();
    EXPECT_EQ(t.to, MonitorState::Up);
    EXPECT_TRUE(t.cameUp);
    // A pending spell that recovers is not a came-up alert.
    server.flakyStatus = 503;
    EXPECT_EQ(step().to, MonitorState::Pending);
    server.flakyStatus = 200;
    t = step();
    EXPECT_EQ(t.to, MonitorState::Up);
    EXPECT_FALSE(t.cameUp);
    EXPECT_EQ(server.requests(QStringLiteral("/flaky")), 9);
}

TEST(MonitorStateTest, ZeroRetriesGoesDownAtOnceAndMaintenanceMutes)
{
    MonitorStateMachine machine(0);
    EXPECT_TRUE(machine.record(false).wentDown);
    EXPECT_EQ(machine.setMaintenance(true).to, MonitorState::Maintenance);
    EXPECT_EQ(machine.record(false).to, MonitorState::Maintenance);
    EXPECT_EQ(machine.record(true).to, MonitorState::Maintenance);
    machine.setMaintenance(false);
    const MonitorTransition t = machine.record(true);
    EXPECT_EQ(t.to, MonitorState::Up);
    EXPECT_FALSE(t.cameUp) << "no alert for what happened before the window";
}
