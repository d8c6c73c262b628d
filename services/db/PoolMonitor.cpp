// SPDX-License-Identifier: MIT
#include "db/PoolMonitor.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcPoolMonitor, "ops.db.pool", QtInfoMsg)

namespace ops::services {

PoolMonitor::PoolMonitor(Pool& pool, std::chrono::milliseconds interval, QObject* parent)
    : QObject(parent), m_pool(pool)
{
    // Called on whichever thread made the transition: hop to the monitor's thread. Capturing
    // `this` is safe: the destructor removes the listener, and the breaker guarantees no call is
    // still running once that returns; a queued call to a deleted monitor is dropped by Qt.
    m_pool.circuitBreaker().setStateListener([this](CircuitState from, CircuitState to) {
        QMetaObject::invokeMethod(this, [this, from, to] {
            qCInfo(lcPoolMonitor).noquote() << "circuit" << circuitStateName(from) << "->" << circuitStateName(to);
            emit circuitStateChanged(from, to);
            publish();
        }, Qt::QueuedConnection);
    });
    m_timer.setInterval(interval);
    connect(&m_timer, &QTimer::timeout, this, &PoolMonitor::publish);
    m_timer.start();
    QMetaObject::invokeMethod(this, &PoolMonitor::publish, Qt::QueuedConnection);
}

PoolMonitor::~PoolMonitor()
{
    m_pool.circuitBreaker().setStateListener({});
}

void PoolMonitor::publish()
{
    m_latest = m_pool.metrics();
    emit metricsUpdated(m_latest);
}

} // namespace ops::services
