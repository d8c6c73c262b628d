// SPDX-License-Identifier: MIT
#pragma once

// The two health sources that need no network: they read through the console's own pool.
//
// PgStatsProbe (kind 'postgres'): one PgStats reading per check on a pool worker; the figures come
// from this reading and the previous one (see PgStats.h). A failed reading fails the check
// ("database"), and the next rate is computed from the last good reading.
//
// PoolProbe (kind 'pool'): the pool's metrics snapshot: query latency percentiles, connections in
// use / idle / total, callers waiting, retries, failures, and the circuit state as the sample's
// circuit state. An OPEN circuit fails the check; HALF_OPEN makes it "degraded". The snapshot is
// read in memory (no round trip), and finished() is still delivered from the event loop.

#include "db/Pool.h"
#include "health/HealthCheck.h"
#include "health/PgStats.h"

#include <optional>

namespace ops::services {

class PgStatsProbe final : public HealthCheck {
    Q_OBJECT
public:
    PgStatsProbe(Pool& pool, PgThresholds thresholds = {}, QObject* parent = nullptr);
    bool start() override;
    bool inFlight() const override { return m_inFlight; }

private:
    Pool& m_pool;
    PgThresholds m_thresholds;
    std::optional<PgStatsReading> m_previous;
    bool m_inFlight = false;
};

class PoolProbe final : public HealthCheck {
    Q_OBJECT
public:
    explicit PoolProbe(Pool& pool, QObject* parent = nullptr);
    bool start() override;
    bool inFlight() const override { return m_inFlight; }

    static ProbeResult fromMetrics(const PoolMetrics& metrics);

private:
    Pool& m_pool;
    bool m_inFlight = false;
};

} // namespace ops::services
