// SPDX-License-Identifier: MIT
#pragma once

// HealthReader: what the Health tab shows, read from the stored samples (every console reads; only
// the collector writes). Tiles come from ops.health_metric over the last hour (or the range when
// shorter); uptime over 24 h / 7 d / 30 d from the rollups; the latency chart from raw samples for ranges up to 6 h and from the 1-minute
// rollups beyond (p95 per minute), decimated to two points per pixel column before it reaches the
// GUI thread. Asynchronous on the pool's workers.

#include "db/Pool.h"
#include "health/Decimation.h"

#include <QDateTime>
#include <QFuture>

#include <chrono>
#include <optional>

namespace ops::services {

struct HealthFigure {
    std::optional<double> value;
    QString text;
    qint64 samples = 0;
};

struct HealthSnapshot {
    HealthFigure status;       // healthy / degraded / unhealthy
    HealthFigure circuit;      // CLOSED / HALF_OPEN / OPEN
    HealthFigure p95, p50, p99, successRate, errorRate, throughput;
    HealthFigure uptime24h, uptime7d, uptime30d;
    DecimatedSeries latency;   // x: ms since the epoch, y: latency ms
    bool fromRollups = false;  // the chart shows per-minute p95 instead of raw samples
    QDateTime from, to;
    qint64 rawPointsRead = 0;
};

class HealthReader final {
public:
    HealthReader(Pool& pool, qint64 projectId) : m_pool(pool), m_project(projectId) {}

    // Everything for the tab over [now - range, now], the chart decimated to `columns`
    // (columns <= 0: the tiles only).
    QFuture<Result<HealthSnapshot>> load(std::chrono::seconds range, int columns) const;
    // The same, blocking (worker threads, benchmarks, headless use).
    Result<HealthSnapshot> loadNow(std::chrono::seconds range, int columns) const;

    // The window the tiles cover for a range: the last hour, or the range when shorter.
    static std::chrono::seconds tileWindow(std::chrono::seconds range) { return std::min(range, std::chrono::seconds(3600)); }

    // Ranges longer than this read the rollups.
    static constexpr std::chrono::seconds rawLimit{6 * 3600};

private:
    static Result<HealthSnapshot> read(Connection& c, qint64 project, std::chrono::seconds range, int columns);
    Pool& m_pool;
    qint64 m_project;
};

} // namespace ops::services
