// SPDX-License-Identifier: MIT
// health_bench [samples]: chart refresh time on a private server holding `samples` 1-second
// samples for one series (default 2,592,000 = 30 days). Prints key=value lines:
//   chart_range_ms  median time from query to painted chart for the 30-day range (rollups, decimated)
//   chart_live_ms   the same for a live update of the 15-minute range (raw samples)
// The load-test comparison with ab is not part of this build (see the report).
#include "db/Connection.h"
#include "db/EmbeddedPostgres.h"
#include "db/Migrator.h"
#include "db/Pool.h"
#include "health/HealthPanel.h"
#include "health/HealthReader.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QImage>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

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

// One refresh of `panel` for `range`: query, decimation, series update and painting the chart
// into an image; milliseconds.
double timedRefresh(ops::widgets::HealthPanel& panel, std::chrono::seconds range)
{
    bool done = false;
    auto connection = QObject::connect(&panel, &ops::widgets::HealthPanel::loaded, [&] { done = true; });
    QElapsedTimer timer;
    timer.start();
    panel.setRange(range);
    QDeadlineTimer deadline(60000);
    while (!done && !deadline.hasExpired())
        QApplication::processEvents(QEventLoop::AllEvents, 1);
    QWidget* chart = panel.chartWidget();
    QImage image(chart->size(), QImage::Format_ARGB32_Premultiplied);
    chart->render(&image);
    const double ms = double(timer.nsecsElapsed()) / 1e6;
    QObject::disconnect(connection);
    if (!done)
        fail(QStringLiteral("the panel did not load within 60 s"));
    return ms;
}

} // namespace

int main(int argc, char** argv)
{
    qputenv("QT_QPA_PLATFORM", qgetenv("QT_QPA_PLATFORM").isEmpty() ? QByteArray("offscreen") : qgetenv("QT_QPA_PLATFORM"));
    QApplication application(argc, argv);
    const qint64 samples = argc > 1 ? std::max<qint64>(1000, QByteArray(argv[1]).toLongLong()) : 30LL * 24 * 3600;
    QTextStream out(stdout);

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

    std::vector<double> range, live;
    for (int i = 0; i < 7; ++i) {
        range.push_back(timedRefresh(panel, std::chrono::hours(24 * 30)));
        out << "chart_points_30d=" << panel.chartPointCount() << '\n';
    }
    for (int i = 0; i < 15; ++i)
        live.push_back(timedRefresh(panel, std::chrono::minutes(15)));
    // Where the time goes: the database read alone (tiles + chart data, decimated).
    HealthReader reader(pool, project);
    std::vector<double> read30, read15;
    for (int i = 0; i < 7; ++i) {
        QElapsedTimer t;
        t.start();
        (void)reader.loadNow(std::chrono::hours(24 * 30), 1400);
        read30.push_back(double(t.nsecsElapsed()) / 1e6);
        t.restart();
        (void)reader.loadNow(std::chrono::minutes(15), 1400);
        read15.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    out << "read_30d_ms=" << QString::number(median(read30), 'f', 1) << '\n';
    out << "read_15m_ms=" << QString::number(median(read15), 'f', 1) << '\n';
    out << "chart_range_ms=" << QString::number(median(range), 'f', 1) << '\n';
    out << "chart_live_ms=" << QString::number(median(live), 'f', 1) << '\n';
    return 0;
}
