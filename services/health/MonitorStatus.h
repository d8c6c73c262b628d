// SPDX-License-Identifier: MIT
#pragma once

// MonitorStatus: every monitor of a project with its latest stored sample and key figures: the
// kind, the state, the platform's status and circuit, latency, the latest metrics (TPS, pool
// figures, scraped series) and details, uptime over 24 h / 7 d / 30 d (ops.health_uptime: unknown
// without samples, never 100 %), and how many alerts are unacknowledged. Used by
// `ops-console health` and the Health tab's monitor list. Reads only.

#include "db/Pool.h"

#include <QFuture>
#include <QJsonObject>

#include <optional>
#include <vector>

namespace ops::services {

struct MonitorStatus {
    QString name;
    QString kind;            // http, prometheus, postgres, pool
    QString url;
    QString state;           // up / pending / down / maintenance, or "no data" / "stale"
    QString platformStatus;
    QString circuitState;
    std::optional<double> latencyMs;
    std::optional<int> httpStatus;
    std::optional<double> uptime24h, uptime7d, uptime30d;  // unknown without samples, never 100 %
    std::optional<double> ageSeconds;
    QJsonObject metrics;     // the latest sample's numeric fields (TPS, blocked sessions, pool figures, series)
    QJsonObject details;     // e.g. the top statements of a postgres monitor
    qint64 unacknowledgedAlerts = 0;
    QString error;
    int grade = 2;  // 0 healthy, 1 degraded, 2 down / unknown
};

// A monitor's grade from its latest sample: what the exit code and the overall status are made of.
int gradeOf(const MonitorStatus& m);

// Uptime for people: truncated, not rounded (99.996 % must not show as 100.00 %); "unknown" without data.
QString uptimeText(const std::optional<double>& percent);

// Blocking, on the calling (worker) thread; the async form runs on the pool's workers.
Result<std::vector<MonitorStatus>> readMonitorStatus(Connection& c, qint64 project, int staleAfterSeconds);
QFuture<Result<std::vector<MonitorStatus>>> loadMonitorStatus(Pool& pool, qint64 project, int staleAfterSeconds);

} // namespace ops::services
