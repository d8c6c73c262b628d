// SPDX-License-Identifier: MIT
#include "health/DatabaseProbes.h"

#include <QElapsedTimer>
#include <QTimer>

namespace ops::services {

PgStatsProbe::PgStatsProbe(Pool& pool, PgThresholds thresholds, QObject* parent)
    : HealthCheck(parent), m_pool(pool), m_thresholds(thresholds)
{
    qRegisterMetaType<ProbeResult>();
}

bool PgStatsProbe::start()
{
    if (m_inFlight)
        return false;
    m_inFlight = true;
    QElapsedTimer elapsed;
    elapsed.start();
    m_pool.withClientAsync(QStringLiteral("health.pgstats"), [](Connection& c) { return readPgStats(c); },
                           CallOptions::idempotentUnit())
        .then(this, [this, elapsed](Result<PgStatsReading> reading) {
            m_inFlight = false;
            ProbeResult result;
            if (reading) {
                result = evaluatePgStats(m_previous, reading.value(), m_thresholds);
                m_previous = reading.value();
            } else {
                result.failureKind = QStringLiteral("database");
                result.error = reading.error().toString();
            }
            result.latencyMs = double(elapsed.nsecsElapsed()) / 1e6;
            emit finished(result);
        });
    return true;
}

PoolProbe::PoolProbe(Pool& pool, QObject* parent) : HealthCheck(parent), m_pool(pool)
{
    qRegisterMetaType<ProbeResult>();
}

bool PoolProbe::start()
{
    if (m_inFlight)
        return false;
    m_inFlight = true;
    QTimer::singleShot(0, this, [this] {
        m_inFlight = false;
        emit finished(fromMetrics(m_pool.metrics()));
    });
    return true;
}

ProbeResult PoolProbe::fromMetrics(const PoolMetrics& p)
{
    ProbeResult r;
    r.hasLatency = false;  // the pool has no request of its own; its latencies are metrics
    auto& m = r.metrics;
    m.insert(QStringLiteral("pool.total"), p.total);
    m.insert(QStringLiteral("pool.idle"), p.idle);
    m.insert(QStringLiteral("pool.in_use"), p.inUse);
    m.insert(QStringLiteral("pool.waiting"), p.waiting);
    m.insert(QStringLiteral("pool.max_size"), p.maxSize);
    m.insert(QStringLiteral("pool.query_p50_ms"), p.queryLatency.p50Ms);
    m.insert(QStringLiteral("pool.query_p95_ms"), p.queryLatency.p95Ms);
    m.insert(QStringLiteral("pool.query_p99_ms"), p.queryLatency.p99Ms);
    m.insert(QStringLiteral("pool.acquire_p95_ms"), p.acquireWait.p95Ms);
    m.insert(QStringLiteral("pool.calls"), double(p.calls));
    m.insert(QStringLiteral("pool.failures"), double(p.failures));
    m.insert(QStringLiteral("pool.retries"), double(p.retries));
    m.insert(QStringLiteral("pool.timeouts"), double(p.timeouts));
    m.insert(QStringLiteral("pool.exhausted"), double(p.exhausted));
    m.insert(QStringLiteral("circuit.failure_rate"), p.circuit.failureRate);

    switch (p.circuit.state) {
    case CircuitState::Open:
    case CircuitState::ForcedOpen:
        r.circuitState = QStringLiteral("OPEN");
        r.platformStatus = QStringLiteral("unhealthy");
        r.failureKind = QStringLiteral("circuit");
        r.error = QStringLiteral("the pool's circuit is %1").arg(circuitStateName(p.circuit.state));
        break;
    case CircuitState::HalfOpen:
        r.circuitState = QStringLiteral("HALF_OPEN");
        r.platformStatus = QStringLiteral("degraded");
        break;
    case CircuitState::Closed:
    case CircuitState::Disabled:
        r.circuitState = QStringLiteral("CLOSED");
        r.platformStatus = QStringLiteral("healthy");
        break;
    }
    r.success = r.failureKind.isEmpty();
    return r;
}

} // namespace ops::services
