// SPDX-License-Identifier: MIT
#pragma once

// PoolMetricSource: criterion metrics from the console's own connection pool, until the Health
// feature's ops.health_metric(project, metric, window) provides the platform's:
//   success_rate   share of units of work that succeeded since the pool started (percent)
//   p95_latency    p95 query latency over the pool's histogram window (ms)
//   mean_latency   mean query latency over the same window (ms)
//   circuit_state  the breaker's state (CLOSED, OPEN, HALF_OPEN, ...)
// The pool keeps no longer history, so the expression's window cannot be honoured exactly; other
// metrics (uptime, health_status) are "not applicable" here.

#include "db/Pool.h"
#include "plan/CriterionExpression.h"

#include <functional>

namespace ops::services::plan {

class PoolMetricSource final : public MetricSource {
public:
    explicit PoolMetricSource(std::function<PoolMetrics()> metrics) : m_metrics(std::move(metrics)) {}
    explicit PoolMetricSource(Pool& pool) : m_metrics([&pool] { return pool.metrics(); }) {}

    MetricReading measure(const QString& metric, std::chrono::seconds window) override;

private:
    std::function<PoolMetrics()> m_metrics;
};

} // namespace ops::services::plan
