// SPDX-License-Identifier: MIT
#pragma once

// PoolMonitor: the Qt face of a Pool for views. Publishes a metrics snapshot every interval and
// each circuit-breaker transition as signals on the monitor's thread (the GUI thread in the app).
// Transitions happen on pool worker threads; they are posted here, never emitted from there.

#include "db/Pool.h"

#include <QObject>
#include <QTimer>

namespace ops::services {

class PoolMonitor final : public QObject {
    Q_OBJECT
public:
    PoolMonitor(Pool& pool, std::chrono::milliseconds interval, QObject* parent = nullptr);
    ~PoolMonitor() override;

    PoolMetrics latest() const { return m_latest; }

signals:
    void metricsUpdated(const ops::services::PoolMetrics& metrics);
    void circuitStateChanged(ops::services::CircuitState from, ops::services::CircuitState to);

private:
    void publish();

    Pool& m_pool;
    QTimer m_timer;
    PoolMetrics m_latest;
};

} // namespace ops::services
