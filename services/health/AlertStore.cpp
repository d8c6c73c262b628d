// SPDX-License-Identifier: MIT
#include "health/AlertStore.h"

namespace ops::services {

QFuture<Result<std::vector<HealthAlert>>> AlertStore::recent(int limit) const
{
    const qint64 project = m_project;
    return m_pool.withClientAsync(QStringLiteral("health.alerts"), [project, limit](Connection& c) {
        return read(c, project, limit);
    }, CallOptions::idempotentUnit());
}

QFuture<Result<bool>> AlertStore::acknowledge(qint64 alertId) const
{
    return m_pool.withClientAsync(QStringLiteral("health.alert.acknowledge"), [alertId](Connection& c) -> Result<bool> {
        auto r = c.exec(QStringLiteral("SELECT ops.acknowledge_health_alert($1)"), {alertId});
        if (!r)
            return r.error();
        return r->toBool(0, 0);
    }, CallOptions::idempotentUnit());  // acknowledging twice is harmless: the second returns false
}

Result<std::vector<HealthAlert>> AlertStore::read(Connection& c, qint64 project, int limit)
{
    auto r = c.exec(QStringLiteral("SELECT a.id, a.monitor_id, m.name, a.kind, a.subject, a.message, a.raised_at, a.raised_by, "
                                   "       a.acknowledged_at, coalesce(a.acknowledged_by::text, '') "
                                   "  FROM ops.health_alerts a JOIN ops.monitors m ON m.id = a.monitor_id "
                                   " WHERE a.project_id = $1 ORDER BY a.id DESC LIMIT $2"),
                    {project, limit});
    if (!r)
        return r.error();
    std::vector<HealthAlert> alerts;
    alerts.reserve(std::size_t(r->rowCount()));
    for (int row = 0; row < r->rowCount(); ++row) {
        HealthAlert a;
        a.id = r->toInt64(row, 0);
        a.monitorId = r->toInt64(row, 1);
        a.monitorName = r->text(row, 2);
        a.kind = r->text(row, 3);
        a.subject = r->text(row, 4);
        a.message = r->text(row, 5);
        a.raisedAt = r->toDateTime(row, 6);
        a.raisedBy = r->text(row, 7);
        if (!r->isNull(row, 8))
            a.acknowledgedAt = r->toDateTime(row, 8);
        a.acknowledgedBy = r->text(row, 9);
        alerts.push_back(std::move(a));
    }
    return alerts;
}

} // namespace ops::services
