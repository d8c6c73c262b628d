// SPDX-License-Identifier: MIT
#include "plan/PoolMetricSource.h"

namespace ops::services::plan {

MetricReading PoolMetricSource::measure(const QString& metric, std::chrono::seconds)
{
    const PoolMetrics m = m_metrics();
    if (metric == QStringLiteral("success_rate")) {
        if (m.calls == 0)
            return MetricReading::noData(QStringLiteral("the pool has run no units of work yet"));
        return MetricReading::value(100.0 * double(m.calls - qMin(m.failures, m.calls)) / double(m.calls));
    }
    if (metric == QStringLiteral("p95_latency") || metric == QStringLiteral("mean_latency")) {
        if (m.queryLatency.count == 0)
            return MetricReading::noData(QStringLiteral("no queries in the pool's latency window"));
        return MetricReading::value(metric == QStringLiteral("p95_latency") ? m.queryLatency.p95Ms : m.queryLatency.meanMs);
    }
    if (metric == QStringLiteral("circuit_state"))
        return MetricReading::word(circuitStateName(m.circuit.state));
    return MetricReading::unsupported(QStringLiteral("the pool does not measure %1 (the Health feature will)").arg(metric));
}

} // namespace ops::services::plan
