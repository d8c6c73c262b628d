// SPDX-License-Identifier: MIT
#include "plan/HealthSeries.h"

namespace ops::services::plan {

namespace {

// The value of one minute, chosen from a fixed list (the metric name never reaches the SQL text).
QString expressionFor(const QString& metric, QString* unit)
{
    *unit = QStringLiteral("%");
    const QString counted = QStringLiteral("nullif(sum(samples - maintenance), 0)");
    if (metric == QStringLiteral("success_rate"))
        return QStringLiteral("100.0 * sum(up) / ") + counted;
    if (metric == QStringLiteral("uptime"))
        return QStringLiteral("100.0 * sum(samples - maintenance - down) / ") + counted;
    if (metric == QStringLiteral("error_rate"))
        return QStringLiteral("100.0 * sum(pending + down) / ") + counted;
    *unit = QStringLiteral("ms");
    if (metric == QStringLiteral("p50_latency"))
        return QStringLiteral("max(latency_p50)");
    if (metric == QStringLiteral("p99_latency"))
        return QStringLiteral("max(latency_p99)");
    if (metric == QStringLiteral("mean_latency"))
        return QStringLiteral("avg(latency_avg)");
    return QStringLiteral("max(latency_p95)");
}

} // namespace

Result<HealthSeries> HealthSeries::load(Connection& connection, qint64 project, const QString& metric,
                                        std::chrono::seconds window)
{
    HealthSeries series;
    series.metric = metric;
    const QString value = expressionFor(metric, &series.unit);
    auto rows = connection.exec(QStringLiteral(
        "SELECT bucket, %1 FROM ops.health_rollups_1m "
        "WHERE project_id = $1 AND bucket > now() - make_interval(secs => $2) "
        "GROUP BY bucket ORDER BY bucket").arg(value),
        {project, qint64(window.count())});
    if (!rows)
        return rows.error();
    for (int row = 0; row < rows->rowCount(); ++row)
        if (!rows->isNull(row, 1))
            series.points.append(HealthPoint{rows->toDateTime(row, 0), rows->toDouble(row, 1)});
    return series;
}

} // namespace ops::services::plan
