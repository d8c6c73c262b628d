// SPDX-License-Identifier: MIT
#include "health/HealthSeries.h"

#include "health/HealthReader.h"

#include <algorithm>

namespace ops::services {

QFuture<Result<HealthSeriesSet>> HealthSeriesReader::load(const QStringList& metrics, std::optional<qint64> monitor,
                                                          std::chrono::seconds range, int columns) const
{
    const qint64 project = m_project;
    return m_pool.withClientAsync(QStringLiteral("health.series"), [=](Connection& c) {
        return read(c, project, metrics, monitor, range, columns, std::nullopt);
    }, CallOptions::idempotentUnit());
}

Result<HealthSeriesSet> HealthSeriesReader::loadNow(const QStringList& metrics, std::optional<qint64> monitor,
                                                    std::chrono::seconds range, int columns) const
{
    return m_pool.withClient(QStringLiteral("health.series"), [&](Connection& c) {
        return read(c, m_project, metrics, monitor, range, columns, std::nullopt);
    }, CallOptions::idempotentUnit());
}

QFuture<Result<HealthSeriesSet>> HealthSeriesReader::loadSince(const QStringList& metrics, std::optional<qint64> monitor,
                                                               double afterMs, std::chrono::seconds range) const
{
    const qint64 project = m_project;
    return m_pool.withClientAsync(QStringLiteral("health.series.live"), [=](Connection& c) {
        return read(c, project, metrics, monitor, range, 0, afterMs);
    }, CallOptions::idempotentUnit());
}

Result<HealthSeriesSet> HealthSeriesReader::read(Connection& c, qint64 project, const QStringList& metrics,
                                                 std::optional<qint64> monitor, std::chrono::seconds range, int columns,
                                                 std::optional<double> afterMs)
{
    HealthSeriesSet set;
    set.fromRollups = !afterMs && range > HealthReader::rawLimit;
    // One round trip: the window, the shortest monitor interval (for the gap rule) and every series.
    auto bounds = c.exec(QStringLiteral("SELECT now() - make_interval(secs => $1), now(), "
                                        "coalesce((SELECT min(interval_ms) FROM ops.monitors WHERE project_id = $2 AND enabled "
                                        "          AND ($3::bigint IS NULL OR id = $3)), 60000)"),
                         {qint64(range.count()), project, monitor});
    if (!bounds)
        return bounds.error();
    set.from = bounds->toDateTime(0, 0);
    set.to = bounds->toDateTime(0, 1);
    const double intervalMs = bounds->toDouble(0, 2);
    set.gapMs = set.fromRollups ? std::max(10.0 * 60000.0, 10.0 * intervalMs) : 10.0 * intervalMs;

    // Live: everything after the last point shown, each sample its own bucket (there are few).
    const double fromMs = afterMs ? *afterMs + 1 : double(set.from.toMSecsSinceEpoch());
    const double toMs = double(set.to.toMSecsSinceEpoch());
    const int buckets = afterMs ? 20000 : std::max(columns, 1);
    set.series.resize(std::size_t(metrics.size()));
    for (qsizetype i = 0; i < metrics.size(); ++i)
        set.series[std::size_t(i)].metric = metrics[i];
    if (!(toMs > fromMs))
        return set;
    auto rows = c.exec(QStringLiteral("SELECT metric_index, first_ms, last_ms, low, high "
                                      "FROM ops.health_series_set($2, $3, string_to_array($1, ','), to_timestamp($4 / 1000.0), "
                                      "                           to_timestamp($5 / 1000.0), $6, $7) "
                                      "ORDER BY metric_index, first_ms"),
                       {metrics.join(QLatin1Char(',')), project, monitor, fromMs, toMs, buckets, set.fromRollups});
    if (!rows)
        return rows.error();

    // Each bucket becomes two points, (first time, low) and (last time, high): the extremes
    // survive, and the buckets already are pixel columns. A break is where the time between one
    // bucket's last sample and the next bucket's first is longer than the gap rule allows (inside
    // a bucket a gap is narrower than a pixel).
    std::vector<double> previousLast(std::size_t(metrics.size()), -1);
    for (int row = 0; row < rows->rowCount(); ++row) {
        const auto index = std::size_t(rows->toInt64(row, 0) - 1);
        if (index >= set.series.size())
            continue;
        auto& segments = set.series[index].data.segments;
        const double first = rows->toDouble(row, 1), last = rows->toDouble(row, 2);
        if (segments.empty() || first - previousLast[index] > set.gapMs)
            segments.emplace_back();
        segments.back().emplace_back(first, rows->toDouble(row, 3));
        if (last > first)
            segments.back().emplace_back(last, rows->toDouble(row, 4));
        previousLast[index] = last;
        set.lastMs = std::max(set.lastMs, last);
    }
    return set;
}

Result<QMap<QString, double>> loadHealthThresholds(Connection& c, qint64 projectId)
{
    auto rows = c.exec(QStringLiteral("SELECT metric, value FROM ops.health_thresholds WHERE project_id = $1"), {projectId});
    if (!rows)
        return rows.error();
    QMap<QString, double> thresholds;
    for (int row = 0; row < rows->rowCount(); ++row)
        thresholds.insert(rows->text(row, 0), rows->toDouble(row, 1));
    return thresholds;
}

Result<void> saveHealthThreshold(Connection& c, qint64 projectId, const QString& metric, std::optional<double> value)
{
    auto r = c.exec(QStringLiteral("SELECT ops.set_health_threshold($1, $2, $3)"), {projectId, metric, value});
    if (!r)
        return r.error();
    return {};
}

Result<std::vector<std::pair<qint64, QString>>> listMonitors(Connection& c, qint64 projectId)
{
    auto rows = c.exec(QStringLiteral("SELECT id, name FROM ops.monitors WHERE project_id = $1 AND enabled ORDER BY name"), {projectId});
    if (!rows)
        return rows.error();
    std::vector<std::pair<qint64, QString>> monitors;
    for (int row = 0; row < rows->rowCount(); ++row)
        monitors.emplace_back(rows->toInt64(row, 0), rows->text(row, 1));
    return monitors;
}

} // namespace ops::services
