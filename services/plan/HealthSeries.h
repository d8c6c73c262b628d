// SPDX-License-Identifier: MIT
#pragma once

// HealthSeries: one Health metric per minute over a window, for the chart in checkpoint and week
// reports. Read from the 1-minute rollups (ops.health_rollups_1m), across the project's monitors:
// latency metrics take the worst monitor's value of the minute, rates are shares of the minute's
// samples (maintenance left out), like ops.health_metric. Blocking: call on a pool worker.

#include "common/Result.h"
#include "db/Connection.h"

#include <QDateTime>
#include <QList>

#include <chrono>

namespace ops::services::plan {

struct HealthPoint {
    QDateTime at;
    double value = 0.0;
};

struct HealthSeries {
    QString metric;     // as asked; unknown metrics are charted as p95_latency
    QString unit;       // "ms" or "%"
    QList<HealthPoint> points;

    static Result<HealthSeries> load(Connection& connection, qint64 project, const QString& metric,
                                     std::chrono::seconds window);
};

} // namespace ops::services::plan
