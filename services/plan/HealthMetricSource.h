// SPDX-License-Identifier: MIT
#pragma once

// HealthMetricSource: criterion metrics from the Health feature's samples, through
// ops.health_metric(project, metric, window) (resources/sql/0003_health.sql):
//   success_rate, error_rate, uptime (percent), p50/p95/p99_latency (ms), throughput,
//   circuit_state (CLOSED / HALF_OPEN / OPEN), health_status (healthy / degraded / unhealthy).
// No samples in the window gives "no data" (the criterion shows "not measured yet", never "met");
// the console's own pool is NOT used in that case, because the pool's figures describe the
// console, not the platform the checkpoint is about.
// Documented fallback: metrics Health does not measure (mean_latency) are asked of `fallback`
// (the pool's PoolMetricSource) when one is given, else they are "not applicable".
// Expressions without a window (circuit_state, health_status) look at the last 15 minutes.
// Blocking: runs one query per metric on the caller's Connection, so use it inside a pool unit
// of work on a worker thread (Pool::withClientAsync), never on the GUI thread.

#include "db/Connection.h"
#include "plan/CriterionExpression.h"

namespace ops::services::plan {

class HealthMetricSource final : public MetricSource {
public:
    static constexpr std::chrono::seconds kDefaultWindow{15 * 60};

    HealthMetricSource(Connection& connection, qint64 project, MetricSource* fallback = nullptr)
        : m_connection(connection), m_project(project), m_fallback(fallback) {}

    MetricReading measure(const QString& metric, std::chrono::seconds window) override;

    // The metrics ops.health_metric knows.
    static bool measuresMetric(const QString& metric);

private:
    Connection& m_connection;
    qint64 m_project = 0;
    MetricSource* m_fallback = nullptr;
};

} // namespace ops::services::plan
