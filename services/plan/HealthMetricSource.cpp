// SPDX-License-Identifier: MIT
#include "plan/HealthMetricSource.h"

namespace ops::services::plan {

bool HealthMetricSource::measuresMetric(const QString& metric)
{
    static const QStringList known{
        QStringLiteral("success_rate"), QStringLiteral("error_rate"), QStringLiteral("uptime"),
        QStringLiteral("p50_latency"), QStringLiteral("p95_latency"), QStringLiteral("p99_latency"),
        QStringLiteral("throughput"), QStringLiteral("circuit_state"), QStringLiteral("health_status")};
    return known.contains(metric);
}

MetricReading HealthMetricSource::measure(const QString& metric, std::chrono::seconds window)
{
    if (!measuresMetric(metric)) {
        if (m_fallback)
            return m_fallback->measure(metric, window);
        return MetricReading::unsupported(QStringLiteral("Health does not measure %1").arg(metric));
    }
    const qint64 seconds = window.count() > 0 ? window.count() : kDefaultWindow.count();
    auto rows = m_connection.exec(
        QStringLiteral("SELECT value, text_value, samples FROM ops.health_metric($1, $2, make_interval(secs => $3))"),
        {m_project, metric, seconds});
    if (!rows)
        return MetricReading::noData(QStringLiteral("could not read the health samples: %1").arg(rows.error().message));
    if (rows->rowCount() == 0 || rows->toInt64(0, 2) == 0)
        return MetricReading::noData(QStringLiteral("no health samples in the last %1 s").arg(seconds));
    if (!rows->isNull(0, 1))
        return MetricReading::word(rows->text(0, 1));
    if (rows->isNull(0, 0))
        return MetricReading::noData(QStringLiteral("no %1 in the health samples of the last %2 s").arg(metric).arg(seconds));
    return MetricReading::value(rows->toDouble(0, 0));
}

} // namespace ops::services::plan
