// SPDX-License-Identifier: MIT
#include "health/HealthSettings.h"

#include "db/Connection.h"

namespace ops::services {

Result<std::vector<MonitorSettings>> readMonitors(Connection& connection, qint64 project)
{
    auto rows = connection.exec(QStringLiteral("SELECT id, name, kind, url, interval_ms, timeout_ms, retries FROM ops.monitors "
                                               "WHERE project_id = $1 AND enabled ORDER BY name"),
                                {project});
    if (!rows)
        return rows.error();
    std::vector<MonitorSettings> monitors;
    for (int row = 0; row < rows->rowCount(); ++row) {
        monitors.push_back(MonitorSettings{rows->toInt64(row, 0), rows->text(row, 1), rows->text(row, 2), rows->text(row, 3),
                                           int(rows->toInt64(row, 4)), int(rows->toInt64(row, 5)), int(rows->toInt64(row, 6))});
    }
    return monitors;
}

Result<qint64> saveMonitor(Connection& connection, qint64 project, const MonitorSettings& monitor, const QByteArray& configJson)
{
    auto saved = connection.exec(QStringLiteral("SELECT ops.ensure_monitor($1, $2, $3, $4, $5, $6, 200, 299, NULL, $7)"),
                                 {project, monitor.name, monitor.url, monitor.intervalMs, monitor.timeoutMs, monitor.retries,
                                  monitor.kind});
    if (!saved)
        return saved.error();
    const qint64 id = saved->toInt64(0, 0);
    if (!configJson.isEmpty()) {
        auto config = connection.exec(QStringLiteral("SELECT ops.set_monitor_config($1, $2::jsonb)"), {id, configJson});
        if (!config)
            return config.error();
    }
    auto enabled = connection.exec(QStringLiteral("SELECT ops.set_monitor_enabled($1, true)"), {id});
    if (!enabled)
        return enabled.error();
    return id;
}

Result<void> removeMonitor(Connection& connection, qint64 monitorId)
{
    auto removed = connection.exec(QStringLiteral("SELECT ops.set_monitor_enabled($1, false)"), {monitorId});
    if (!removed)
        return removed.error();
    if (!removed->toBool(0, 0))
        return Error::make(ErrorKind::NotFound, QStringLiteral("no monitor %1").arg(monitorId));
    return {};
}

Result<RetentionSettings> readRetention(Connection& connection, qint64 project)
{
    auto rows = connection.exec(QStringLiteral("SELECT raw_days, rollup_days FROM ops.health_retention WHERE project_id = $1"), {project});
    if (!rows)
        return rows.error();
    RetentionSettings retention;
    if (rows->rowCount() > 0) {
        retention.rawDays = int(rows->toInt64(0, 0));
        retention.rollupDays = int(rows->toInt64(0, 1));
    }
    return retention;
}

Result<void> saveRetention(Connection& connection, qint64 project, const RetentionSettings& retention)
{
    auto saved = connection.exec(QStringLiteral("SELECT ops.set_health_retention($1, $2, $3)"),
                                 {project, retention.rawDays, retention.rollupDays});
    if (!saved)
        return saved.error();
    return {};
}

} // namespace ops::services
