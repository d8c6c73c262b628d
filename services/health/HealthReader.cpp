// SPDX-License-Identifier: MIT
#include "health/HealthReader.h"

#include <algorithm>

namespace ops::services {


QFuture<Result<HealthSnapshot>> HealthReader::load(std::chrono::seconds range, int columns) const
{
    const qint64 project = m_project;
    return m_pool.withClientAsync(QStringLiteral("health.read"), [project, range, columns](Connection& c) {
        return read(c, project, range, columns);
    }, CallOptions::idempotentUnit());
}

Result<HealthSnapshot> HealthReader::loadNow(std::chrono::seconds range, int columns) const
{
    const qint64 project = m_project;
    return m_pool.withClient(QStringLiteral("health.read"), [project, range, columns](Connection& c) {
        return read(c, project, range, columns);
    }, CallOptions::idempotentUnit());
}

Result<HealthSnapshot> HealthReader::read(Connection& c, qint64 project, std::chrono::seconds range, int columns)
{
    HealthSnapshot s;
    const qint64 window = range.count();
    // Tiles show the current figures: the last hour, or the whole range when it is shorter (so a
    // 30-day chart does not wait for percentiles over millions of raw samples).
    const qint64 tileWindow = HealthReader::tileWindow(range).count();
    struct Wanted { HealthFigure* target; const char* metric; };
    const Wanted wanted[] = {
        {&s.status, "health_status"}, {&s.circuit, "circuit_state"},
        {&s.p95, "p95_latency"}, {&s.p50, "p50_latency"}, {&s.p99, "p99_latency"},
        {&s.successRate, "success_rate"}, {&s.errorRate, "error_rate"},
        {&s.throughput, "throughput"},
    };
    // One round trip for every tile figure (they share the window).
    QStringList names;
    for (const Wanted& w : wanted)
        names << QString::fromLatin1(w.metric);
    auto figures = c.exec(QStringLiteral("SELECT f.value, f.text_value, f.samples "
                                         "FROM unnest(string_to_array($2, ',')) WITH ORDINALITY AS u(metric, n), "
                                         "LATERAL ops.health_metric($1, u.metric, make_interval(secs => $3)) f ORDER BY u.n"),
                          {project, names.join(QLatin1Char(',')), tileWindow});
    if (!figures)
        return figures.error();
    for (int row = 0; row < figures->rowCount() && row < int(std::size(wanted)); ++row) {
        HealthFigure& f = *wanted[row].target;
        if (!figures->isNull(row, 0))
            f.value = figures->toDouble(row, 0);
        f.text = figures->text(row, 1);
        f.samples = figures->toInt64(row, 2);
    }

    // Uptime from the 1-minute rollups: up samples over all but maintenance (0007 defines it).
    for (auto [target, days] : {std::pair{&s.uptime24h, 1}, std::pair{&s.uptime7d, 7}, std::pair{&s.uptime30d, 30}}) {
        auto r = c.exec(QStringLiteral("SELECT 100.0 * sum(up) / nullif(sum(samples - maintenance), 0), "
                                       "coalesce(sum(samples), 0) FROM ops.health_rollups_1m "
                                       "WHERE project_id = $1 AND bucket > now() - make_interval(days => $2)"), {project, days});
        if (!r)
            return r.error();
        if (!r->isNull(0, 0))
            target->value = r->toDouble(0, 0);
        target->samples = r->toInt64(0, 1);
    }

    if (columns <= 0)
        return s;  // tiles only: the charts read their series through HealthSeriesReader

    auto bounds = c.exec(QStringLiteral("SELECT now() - make_interval(secs => $1), now(), "
                                        "coalesce((SELECT min(interval_ms) FROM ops.monitors WHERE project_id = $2 AND enabled), 60000)"),
                         {window, project});
    if (!bounds)
        return bounds.error();
    s.from = bounds->toDateTime(0, 0);
    s.to = bounds->toDateTime(0, 1);
    const double intervalMs = bounds->toDouble(0, 2);
    s.fromRollups = range > rawLimit;
    // Epoch milliseconds computed by the server: the client only parses numbers.
    const QString sql = s.fromRollups
        ? QStringLiteral("SELECT extract(epoch FROM bucket) * 1000, latency_p95 FROM ops.health_rollups_1m "
                         "WHERE project_id = $1 AND bucket >= $2 AND bucket <= $3 AND latency_p95 IS NOT NULL ORDER BY bucket")
        : QStringLiteral("SELECT extract(epoch FROM sampled_at) * 1000, latency_ms FROM ops.health_samples "
                         "WHERE project_id = $1 AND sampled_at >= $2 AND sampled_at <= $3 AND latency_ms IS NOT NULL ORDER BY sampled_at");
    auto rows = c.exec(sql, {project, s.from, s.to});
    if (!rows)
        return rows.error();
    std::vector<QPointF> points;
    points.reserve(std::size_t(rows->rowCount()));
    for (int row = 0; row < rows->rowCount(); ++row)
        points.emplace_back(rows->toDouble(row, 0), rows->toDouble(row, 1));
    s.rawPointsRead = qint64(points.size());
    // A gap of more than ten intervals (or ten minutes of rollups) is drawn as a break.
    const double gap = s.fromRollups ? std::max(10.0 * 60000.0, 10.0 * intervalMs) : 10.0 * intervalMs;
    s.latency = decimateMinMax(points, double(s.from.toMSecsSinceEpoch()), double(s.to.toMSecsSinceEpoch()),
                               std::max(columns, 1), gap);
    return s;
}

} // namespace ops::services
