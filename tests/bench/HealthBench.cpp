// SPDX-License-Identifier: MIT
// health_bench [samples] [--no-charts] [-n N] [-c C] [-t engine threads] [--demo] [--server-threads S]:
// chart refresh time on a private server
// holding `samples` 1-second samples for one series (default 2,592,000 = 30 days), then the load
// test engine against Apache Bench. Prints key=value lines:
//   chart_range_ms  median time from query to painted chart for the 30-day range (rollups, decimated)
//   chart_live_ms   a live update of the 15-minute range: one new sample stored, then the time
//                   from the panel's query for newer samples to the painted chart (it appends)
//   chart_reload_15m_ms  a full reload of the 15-minute chart (not an append), for comparison
//   close_* / keepalive_*  the engine and `ab -n N -c C` (default 20000 / 50) on the same loopback
//                   endpoint, alternating, five rounds each, medians: first with a new connection
//                   per request (ab; the engine sending `Connection: close`), then with connections
//                   reused (ab -k; the engine's default). The endpoint is the bench's own
//                   FastHttpServer (S threads, default 2) so the clients are measured, not the
//                   server; --demo uses the demo platform's /api/health instead (one server thread,
//                   it closes every connection). Last line: loadtest_vs_ab_ratio = engine
//                   throughput / ab throughput with keep-alive.
#include "db/Connection.h"
#include "db/EmbeddedPostgres.h"
#include "db/Migrator.h"
#include "db/Pool.h"
#include "common/ProcessRunner.h"
#include "demo/DemoPlatform.h"
#include "health/LoadTest.h"
#include "health/HealthPanel.h"
#include "health/HealthReader.h"
#include "health/HealthSeries.h"
#include "health/MetricChart.h"

#include "FastHttpServer.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QRegularExpression>
#include <QTimer>
#include <QImage>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include <sys/stat.h>

using namespace ops::services;

namespace {

[[noreturn]] void fail(const QString& message)
{
    std::fprintf(stderr, "health_bench: %s\n", qPrintable(message));
    std::exit(1);
}

void exec(Connection& c, const QString& sql, const SqlParams& params = {})
{
    auto r = c.exec(sql, params, std::chrono::minutes(10));
    if (!r)
        fail(r.error().toString());
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

std::vector<double> g_untilSignalMs;  // setRange() to chartLoaded, per timed refresh

// Runs the event loop until `done` is set by a signal handler that also quits `loop`, or 60 s.
// The loop sleeps between events as the application's does (a processEvents() spin would take
// a core away from the database on this 2-core machine).
bool runUntil(QEventLoop& loop, const bool& done)
{
    if (!done) {
        QTimer::singleShot(60000, &loop, &QEventLoop::quit);
        loop.exec();
    }
    return done;
}

// One refresh of `panel` for `range`: query, series update and painting the chart into an image;
// milliseconds. Waits (untimed) for the tiles too, so refreshes do not overlap.
double timedRefresh(ops::widgets::HealthPanel& panel, std::chrono::seconds range)
{
    bool chartDone = false, allDone = false;
    QEventLoop chartLoop, allLoop;
    QElapsedTimer timer;
    auto chartConnection = QObject::connect(&panel, &ops::widgets::HealthPanel::chartLoaded, [&] {
        chartDone = true;
        g_untilSignalMs.push_back(double(timer.nsecsElapsed()) / 1e6);
        chartLoop.quit();
    });
    auto allConnection = QObject::connect(&panel, &ops::widgets::HealthPanel::loaded, [&] {
        allDone = true;
        allLoop.quit();
    });
    timer.start();
    panel.setRange(range);
    runUntil(chartLoop, chartDone);
    QWidget* chart = panel.chartWidget();
    QImage image(chart->size(), QImage::Format_ARGB32_Premultiplied);
    chart->render(&image);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    runUntil(allLoop, allDone);
    QObject::disconnect(chartConnection);
    QObject::disconnect(allConnection);
    if (!chartDone || !allDone)
        fail(QStringLiteral("the panel did not load within 60 s"));
    return ms;
}

// One live update: the samples newer than the chart's last point are read and appended, and the
// chart is painted into an image; milliseconds.
double timedLiveUpdate(ops::widgets::HealthPanel& panel)
{
    bool done = false;
    QEventLoop loop;
    auto connection = QObject::connect(&panel, &ops::widgets::HealthPanel::liveUpdated, [&] {
        done = true;
        loop.quit();
    });
    QElapsedTimer timer;
    timer.start();
    panel.appendLatest();
    runUntil(loop, done);
    QWidget* chart = panel.chartWidget();
    QImage image(chart->size(), QImage::Format_ARGB32_Premultiplied);
    chart->render(&image);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    QObject::disconnect(connection);
    if (!done)
        fail(QStringLiteral("the live update did not arrive within 60 s"));
    return ms;
}

// One `ab` run: requests per second and the 95th percentile in ms, read from ab's percentile CSV
// (-e, microseconds; its printed table has whole milliseconds, 0 at keep-alive speeds).
// `keepAlive` adds -k (HTTP/1.0 with `Connection: keep-alive`); without it ab opens a connection
// per request.
std::pair<double, double> runApacheBench(const QString& url, int requests, int concurrency, bool keepAlive)
{
    QTemporaryDir directory;
    const QString csv = directory.filePath(QStringLiteral("percentiles.csv"));
    ProcessOptions options;
    options.timeout = std::chrono::minutes(5);
    QStringList arguments{QStringLiteral("-q"), QStringLiteral("-n"), QString::number(requests), QStringLiteral("-c"),
                          QString::number(concurrency), QStringLiteral("-e"), csv};
    if (keepAlive)
        arguments << QStringLiteral("-k");
    auto ran = ProcessRunner::run(QStringLiteral("ab"), arguments << url, options);
    if (!ran || ran->exitCode != 0)
        fail(QStringLiteral("ab failed (is apache2-utils installed?): ") + (ran ? QString::fromUtf8(ran->output) : ran.error().toString()));
    double throughput = 0, p95 = -1;
    for (const QByteArray& raw : ran->output.split('\n')) {
        const QByteArray line = raw.simplified();
        if (line.startsWith("Requests per second:"))
            throughput = line.split(' ').value(3).toDouble();
        else if (line.startsWith("Non-2xx responses:"))
            fail(QStringLiteral("ab saw error responses:\n") + QString::fromUtf8(ran->output));
    }
    // ab calls a response whose length differs from the first one's "failed" (Length); the demo
    // platform's health JSON changes length with its numbers, so only other failures count.
    const QString output = QString::fromUtf8(ran->output);
    const auto failed = QRegularExpression(QStringLiteral("Failed requests:\\s+(\\d+)")).match(output);
    const auto length = QRegularExpression(QStringLiteral("Length: (\\d+)")).match(output);
    if (failed.hasMatch() && failed.captured(1).toLongLong() > length.captured(1).toLongLong())
        fail(QStringLiteral("ab saw failed requests:\n") + output);
    QFile percentiles(csv);
    if (percentiles.open(QIODevice::ReadOnly))
        for (const QByteArray& line : percentiles.readAll().split('\n'))
            if (line.startsWith("95,"))
                p95 = line.mid(3).trimmed().toDouble();
    if (throughput <= 0 || p95 < 0)
        fail(QStringLiteral("could not read ab's output:\n") + QString::fromUtf8(ran->output));
    return {throughput, p95};
}

// The engine vs ab on `url` with connections reused (engine default, ab -k) or one connection
// per request (engine `Connection: close`, ab without -k), alternating so both see the same
// machine state. Prints `<prefix>_*` lines; returns the throughput ratio engine / ab.
double compareWithApacheBench(QTextStream& out, const QString& prefix, const QString& url, int requests, int concurrency,
                              int threads, bool keepAlive)
{
    LoadTestConfig config;
    config.url = url;
    config.requests = requests;
    config.concurrency = concurrency;
    config.threads = threads;
    config.keepAlive = keepAlive;
    runApacheBench(url, 1000, concurrency, keepAlive);  // warm-up for both
    (void)LoadTestEngine(config).run();
    std::vector<double> engineRps, engineP95, abRps, abP95;
    // Five rounds, the order swapped every round, medians compared: single runs on this shared
    // 2-core machine vary by a factor of two.
    for (int round = 0; round < 5; ++round) {
        auto runAb = [&] {
            const auto [rps, p95] = runApacheBench(url, requests, concurrency, keepAlive);
            abRps.push_back(rps);
            abP95.push_back(p95);
        };
        auto runEngine = [&] {
            auto result = LoadTestEngine(config).run();
            if (!result)
                fail(result.error().toString());
            if (result->succeeded != requests)
                fail(QStringLiteral("the engine saw failed requests"));
            engineRps.push_back(result->throughput());
            engineP95.push_back(result->p95Ms);
        };
        if (round % 2 == 0) {
            runAb();
            runEngine();
        } else {
            runEngine();
            runAb();
        }
        out << prefix << "_round" << round << "_loadtest_rps=" << QString::number(engineRps.back(), 'f', 0)
            << ' ' << prefix << "_round" << round << "_ab_rps=" << QString::number(abRps.back(), 'f', 0) << '\n';
        out.flush();
    }
    const double ratio = median(engineRps) / median(abRps);
    out << prefix << "_ab_rps=" << QString::number(median(abRps), 'f', 1) << '\n'
        << prefix << "_ab_p95_ms=" << QString::number(median(abP95), 'f', 2) << '\n'
        << prefix << "_loadtest_rps=" << QString::number(median(engineRps), 'f', 1) << '\n'
        << prefix << "_loadtest_p95_ms=" << QString::number(median(engineP95), 'f', 2) << '\n'
        << prefix << "_loadtest_p95_minus_ab_ms=" << QString::number(median(engineP95) - median(abP95), 'f', 2) << '\n'
        << prefix << "_loadtest_vs_ab_ratio=" << QString::number(ratio, 'f', 3) << '\n';
    out.flush();
    return ratio;
}

// The engine vs ab against the bench's own multi-threaded server (default), so the figure is
// about the clients, or against the demo platform (`demo`), whose one server thread saturates
// first. Both ways of using connections are compared; the last line is the keep-alive ratio,
// the engine's normal mode.
void compareLoadTestWithApacheBench(QTextStream& out, bool demo, int requests, int concurrency, int threads, int serverThreads)
{
    std::unique_ptr<DemoPlatform> platform;
    FastHttpServer fastServer(serverThreads);
    QString url;
    if (demo) {
        DemoPlatform::Config healthy;
        healthy.liveVersion = QStringLiteral("v3");
        platform = std::make_unique<DemoPlatform>(healthy);
        if (auto started = platform->start(); !started)
            fail(started.error().toString());
        url = platform->baseUrl() + QStringLiteral("/api/health");
    } else {
        if (const QString error = fastServer.start(); !error.isEmpty())
            fail(error);
        url = fastServer.baseUrl() + QStringLiteral("/");
    }
    out << "loadtest_target=" << (demo ? "demo" : "fast") << "\nloadtest_url=" << url << "\nloadtest_n=" << requests
        << "\nloadtest_c=" << concurrency << "\nloadtest_threads=" << (threads > 0 ? threads : QThread::idealThreadCount())
        << '\n';
    if (!demo)
        out << "server_threads=" << serverThreads << '\n';
    out.flush();
    compareWithApacheBench(out, QStringLiteral("close"), url, requests, concurrency, threads, false);
    const double ratio = compareWithApacheBench(out, QStringLiteral("keepalive"), url, requests, concurrency, threads, true);
    out << "loadtest_vs_ab_ratio=" << QString::number(ratio, 'f', 3) << '\n';
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QApplication application(argc, argv);
    qint64 samples = 30LL * 24 * 3600;
    bool charts = true;
    bool demo = false;
    int requests = 20000, concurrency = 50, threads = 0;  // threads 0: the engine's default
    int serverThreads = 2;
    const QStringList arguments = application.arguments().mid(1);
    for (qsizetype i = 0; i < arguments.size(); ++i) {
        if (arguments[i] == QLatin1String("--no-charts"))
            charts = false;
        else if (arguments[i] == QLatin1String("-n") && i + 1 < arguments.size())
            requests = arguments[++i].toInt();
        else if (arguments[i] == QLatin1String("-c") && i + 1 < arguments.size())
            concurrency = arguments[++i].toInt();
        else if (arguments[i] == QLatin1String("-t") && i + 1 < arguments.size())
            threads = arguments[++i].toInt();
        else if (arguments[i] == QLatin1String("--server-threads") && i + 1 < arguments.size())
            serverThreads = arguments[++i].toInt();
        else if (arguments[i] == QLatin1String("--demo"))
            demo = true;
        else
            samples = std::max<qint64>(1000, arguments[i].toLongLong());
    }
    if (requests < 1 || concurrency < 1 || concurrency > requests || threads < 0 || serverThreads < 1)
        fail(QStringLiteral("usage: health_bench [samples] [--no-charts] [-n N] [-c C] [-t engine threads] [--demo] [--server-threads N]"));
    QTextStream out(stdout);
    if (!charts) {
        compareLoadTestWithApacheBench(out, demo, requests, concurrency, threads, serverThreads);
        return 0;
    }

    QTemporaryDir directory(QDir::tempPath() + QStringLiteral("/ops-health-bench-XXXXXX"));
    ::chmod(QFile::encodeName(directory.path()).constData(), 0755);
    EmbeddedPostgresOptions options;
    options.dataDirectory = directory.path();
    options.durable = false;
    options.stopWhenProcessExits = true;
    EmbeddedPostgres server(options);
    if (auto started = server.start(); !started)
        fail(started.error().toString() + QLatin1Char('\n') + started.error().detail);
    auto opened = Connection::open(server.connectionOptions(), std::chrono::seconds(10));
    if (!opened)
        fail(opened.error().toString());
    Connection& c = *opened.value();
    auto migrations = Migrator::load();
    if (!migrations)
        fail(migrations.error().toString());
    if (auto migrated = Migrator(migrations.value()).migrate(c); !migrated)
        fail(migrated.error().toString());

    const qint64 project = c.exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
    const qint64 monitor = c.exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'api', 'http://127.0.0.1:1/', 1000)"), {project})->toInt64(0, 0);
    QElapsedTimer load;
    load.start();
    // Bulk load as the owner: partitions first, then the samples ending now, then their rollups.
    exec(c, QStringLiteral("SELECT ops.ensure_health_partition(now() - make_interval(secs => s)) "
                           "FROM generate_series(0, $1::bigint + 86400, 86400) s"), {samples});
    exec(c, QStringLiteral("INSERT INTO ops.health_samples (monitor_id, project_id, sampled_at, state, latency_ms, http_status, "
                           "platform_status, circuit_state, collector) "
                           "SELECT $1, $2, date_trunc('second', now()) - make_interval(secs => i), 'up', "
                           "       80 + 40 * random() + CASE WHEN i % 3600 = 0 THEN 500 ELSE 0 END, 200, 'healthy', 'CLOSED', 'bench' "
                           "FROM generate_series(0, $3::bigint - 1) i"), {monitor, project, samples});
    exec(c, QStringLiteral("INSERT INTO ops.health_rollups_1m (monitor_id, project_id, bucket, samples, up, pending, down, maintenance, "
                           "latency_min, latency_max, latency_avg, latency_p50, latency_p95, latency_p99) "
                           "SELECT monitor_id, project_id, date_trunc('minute', sampled_at), count(*), count(*), 0, 0, 0, "
                           "min(latency_ms), max(latency_ms), avg(latency_ms), "
                           "percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms), "
                           "percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms), "
                           "percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms) "
                           "FROM ops.health_samples GROUP BY 1, 2, 3"));
    exec(c, QStringLiteral("VACUUM ANALYZE ops.health_rollups_1m"));
    exec(c, QStringLiteral("ANALYZE ops.health_samples"));
    out << "samples=" << samples << "\nload_seconds=" << QString::number(load.elapsed() / 1000.0, 'f', 1) << '\n';
    out.flush();

    PoolConfig config;
    config.connection = server.connectionOptions();
    config.maxSize = 3;
    Pool pool(config);
    ops::widgets::HealthPanel panel(pool, project, ConnectionOptions(), false);
    panel.resize(1400, 800);
    panel.show();
    timedRefresh(panel, std::chrono::hours(1));  // warm-up (connections, fonts, caches)

    std::vector<double> range, live, reload15;
    g_untilSignalMs.clear();
    for (int i = 0; i < 7; ++i)
        range.push_back(timedRefresh(panel, std::chrono::hours(24 * 30)));
    out << "chart_range_until_shown_ms=" << QString::number(median(g_untilSignalMs), 'f', 1) << '\n';
    out << "chart_points_30d=" << panel.chartPointCount() << '\n';
    for (int i = 0; i < 7; ++i)
        reload15.push_back(timedRefresh(panel, std::chrono::minutes(15)));
    for (int i = 0; i < 15; ++i) {
        // What the collector does every second (not timed): one new sample.
        exec(c, QStringLiteral("INSERT INTO ops.health_samples (monitor_id, project_id, sampled_at, state, latency_ms, http_status, "
                               "platform_status, circuit_state, collector) "
                               "VALUES ($1, $2, clock_timestamp(), 'up', 80 + 40 * random(), 200, 'healthy', 'CLOSED', 'bench')"),
             {monitor, project});
        live.push_back(timedLiveUpdate(panel));
    }
    out << "chart_points_15m=" << panel.chartPointCount() << '\n';
    // Where the time goes: the database reads alone.
    HealthReader tiles(pool, project);
    HealthSeriesReader series(pool, project);
    const QStringList latency{QStringLiteral("latency_p50"), QStringLiteral("latency_p95"), QStringLiteral("latency_p99")};
    std::vector<double> readTiles, read30, read15;
    for (int i = 0; i < 7; ++i) {
        QElapsedTimer t;
        t.start();
        (void)tiles.loadNow(std::chrono::hours(24 * 30), 0);
        readTiles.push_back(double(t.nsecsElapsed()) / 1e6);
        t.restart();
        (void)series.loadNow(latency, std::nullopt, std::chrono::hours(24 * 30), 1400);
        read30.push_back(double(t.nsecsElapsed()) / 1e6);
        t.restart();
        (void)series.loadNow(latency, std::nullopt, std::chrono::minutes(15), 1400);
        read15.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    // And the GUI side alone: replacing the series with 30 days' points and painting.
    std::vector<double> paint30;
    auto days30 = series.loadNow(latency, std::nullopt, std::chrono::hours(24 * 30), panel.chartWidget()->width());
    if (!days30)
        fail(days30.error().toString());
    auto* chart = static_cast<ops::widgets::MetricChart*>(panel.chartWidget());
    for (int i = 0; i < 7; ++i) {
        QElapsedTimer t;
        t.start();
        chart->showSeries(days30.value());
        QImage image(chart->size(), QImage::Format_ARGB32_Premultiplied);
        static_cast<QWidget*>(chart)->render(&image);
        paint30.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    out << "chart_segments_30d=" << chart->segmentCount(QStringLiteral("latency_p95")) << '\n';
    out << "paint_30d_ms=" << QString::number(median(paint30), 'f', 1) << '\n';
    out << "read_tiles_ms=" << QString::number(median(readTiles), 'f', 1) << '\n';
    out << "read_series_30d_ms=" << QString::number(median(read30), 'f', 1) << '\n';
    out << "read_series_15m_ms=" << QString::number(median(read15), 'f', 1) << '\n';
    out << "chart_reload_15m_ms=" << QString::number(median(reload15), 'f', 1) << '\n';
    out << "chart_range_ms=" << QString::number(median(range), 'f', 1) << '\n';
    out << "chart_live_ms=" << QString::number(median(live), 'f', 1) << '\n';
    out.flush();
    compareLoadTestWithApacheBench(out, demo, requests, concurrency, threads, serverThreads);
    return 0;
}
