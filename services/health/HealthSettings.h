// SPDX-License-Identifier: MIT
#pragma once

// HealthSettings: the health settings a project's operators change from the settings dialog and
// the command line: its monitors (ops.monitors through ops.ensure_monitor / ops.set_monitor_config
// / ops.set_monitor_enabled) and its retention (ops.health_retention through
// ops.set_health_retention, admins only). Blocking (a Connection): run in a pool unit.

#include "common/Result.h"

#include <QByteArray>
#include <QString>

#include <vector>

namespace ops::services {

class Connection;

struct MonitorSettings {
    qint64 id = 0;  // 0: not saved yet
    QString name;
    QString kind = QStringLiteral("http");  // http, prometheus, postgres, pool
    QString url;
    int intervalMs = 60000;
    int timeoutMs = 10000;
    int retries = 3;
};

struct RetentionSettings {
    int rawDays = 7;      // ops.apply_health_retention's defaults for a project without a row
    int rollupDays = 90;
};

// The project's enabled monitors by name.
Result<std::vector<MonitorSettings>> readMonitors(Connection& connection, qint64 project);
// Creates or updates by name (and switches a removed one back on); `configJson` (a JSON object,
// checked by MonitorConfig::parse beforehand) replaces the monitor's config when not empty.
// Returns the monitor's id. Call inside a transaction: the monitor never lacks its config.
Result<qint64> saveMonitor(Connection& connection, qint64 project, const MonitorSettings& monitor,
                           const QByteArray& configJson = {});
// Stops checking it; its history stays (see 0015).
Result<void> removeMonitor(Connection& connection, qint64 monitorId);

Result<RetentionSettings> readRetention(Connection& connection, qint64 project);
Result<void> saveRetention(Connection& connection, qint64 project, const RetentionSettings& retention);

} // namespace ops::services
