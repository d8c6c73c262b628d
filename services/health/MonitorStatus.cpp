// SPDX-License-Identifier: MIT
#include "health/MonitorStatus.h"

#include <QJsonDocument>

#include <cmath>

namespace ops::services {

int gradeOf(const MonitorStatus& m)
{
    if (m.state == QLatin1String("maintenance"))
        return 0;  // muted on purpose
    if (m.state != QLatin1String("up") && m.state != QLatin1String("pending"))
        return 2;
    if (m.platformStatus == QLatin1String("unhealthy"))
        return 2;
    if (m.state == QLatin1String("pending") || m.platformStatus == QLatin1String("degraded")
        || (!m.circuitState.isEmpty() && m.circuitState != QLatin1String("CLOSED")))
        return 1;
    return 0;
}

QString uptimeText(const std::optional<double>& percent)
{
    return percent ? QString::number(std::floor(*percent * 100.0) / 100.0, 'f', 2) + QLatin1Char('%') : QStringLiteral("unknown");
}

QFuture<Result<std::vector<MonitorStatus>>> loadMonitorStatus(Pool& pool, qint64 project, int staleAfterSeconds)
{
    return pool.withClientAsync(QStringLiteral("health.status"), [project, staleAfterSeconds](Connection& c) {
        return readMonitorStatus(c, project, staleAfterSeconds);
    }, CallOptions::idempotentUnit());
}

Result<std::vector<MonitorStatus>> readMonitorStatus(Connection& c, qint64 project, int staleAfterSeconds)
{
    auto r = c.exec(QStringLiteral(
        "SELECT m.name, m.url, s.state, s.platform_status, s.circuit_state, s.latency_ms, s.http_status, "
        "       extract(epoch FROM clock_timestamp() - s.sampled_at), s.error, u24.uptime, u7.uptime, u30.uptime, "
        "       m.kind, coalesce(s.metrics, '{}')::text, coalesce(s.details, '{}')::text, "
        "       (SELECT count(*) FROM ops.health_alerts a WHERE a.monitor_id = m.id AND a.acknowledged_at IS NULL) "
        "  FROM ops.monitors m "
        "  LEFT JOIN LATERAL (SELECT * FROM ops.health_samples x WHERE x.monitor_id = m.id "
        "                      ORDER BY x.sampled_at DESC LIMIT 1) s ON true "
        "  LEFT JOIN ops.health_uptime($1, '24 hours') u24 ON u24.monitor_id = m.id "
        "  LEFT JOIN ops.health_uptime($1, '7 days') u7 ON u7.monitor_id = m.id "
        "  LEFT JOIN ops.health_uptime($1, '30 days') u30 ON u30.monitor_id = m.id "
        " WHERE m.project_id = $1 AND m.enabled ORDER BY m.name"), {project});
    if (!r)
        return r.error();
    std::vector<MonitorStatus> monitors;
    for (int row = 0; row < r->rowCount(); ++row) {
        MonitorStatus m;
        m.name = r->text(row, 0);
        m.url = r->text(row, 1);
        m.state = r->isNull(row, 2) ? QStringLiteral("no data") : r->text(row, 2);
        m.platformStatus = r->text(row, 3);
        m.circuitState = r->text(row, 4);
        if (!r->isNull(row, 5)) m.latencyMs = r->toDouble(row, 5);
        if (!r->isNull(row, 6)) m.httpStatus = int(r->toInt64(row, 6));
        if (!r->isNull(row, 7)) m.ageSeconds = r->toDouble(row, 7);
        m.error = r->text(row, 8);
        if (!r->isNull(row, 9)) m.uptime24h = r->toDouble(row, 9);
        if (!r->isNull(row, 10)) m.uptime7d = r->toDouble(row, 10);
        if (!r->isNull(row, 11)) m.uptime30d = r->toDouble(row, 11);
        m.kind = r->text(row, 12);
        m.metrics = QJsonDocument::fromJson(r->bytes(row, 13)).object();
        m.details = QJsonDocument::fromJson(r->bytes(row, 14)).object();
        m.unacknowledgedAlerts = r->toInt64(row, 15);
        if (m.ageSeconds && *m.ageSeconds > staleAfterSeconds)
            m.state = QStringLiteral("stale");  // nobody has collected lately: we do not know
        m.grade = gradeOf(m);
        monitors.push_back(std::move(m));
    }
    return monitors;
}

} // namespace ops::services
