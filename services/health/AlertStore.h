// SPDX-License-Identifier: MIT
#pragma once

// AlertStore: reading a project's health alerts and acknowledging one, for the Health tab and the
// command line. Alerts are written only by the collector (ops.raise_health_alert); every console
// learns of new ones and of acknowledgements by NOTIFY on channel 'ops_health_alert'.
// Acknowledging needs ops_operator (the database refuses others with SQLSTATE 42501); who and when
// are recorded and audited. Asynchronous on the pool's workers.

#include "db/Pool.h"

#include <QDateTime>
#include <QFuture>

#include <vector>

namespace ops::services {

struct HealthAlert {
    qint64 id = 0;
    qint64 monitorId = 0;
    QString monitorName;
    QString kind;     // monitor_down, monitor_up, circuit_opened, circuit_closed, threshold_breached, threshold_cleared
    QString subject;
    QString message;  // from outside (endpoint errors): show as plain text
    QDateTime raisedAt;
    QString raisedBy;
    QDateTime acknowledgedAt;  // invalid while unacknowledged
    QString acknowledgedBy;
};

class AlertStore final {
public:
    AlertStore(Pool& pool, qint64 projectId) : m_pool(pool), m_project(projectId) {}

    // The newest `limit` alerts, newest first.
    QFuture<Result<std::vector<HealthAlert>>> recent(int limit = 200) const;
    // True when this call acknowledged it, false when it already was.
    QFuture<Result<bool>> acknowledge(qint64 alertId) const;

    static Result<std::vector<HealthAlert>> read(Connection& c, qint64 project, int limit);

private:
    Pool& m_pool;
    qint64 m_project;
};

} // namespace ops::services
