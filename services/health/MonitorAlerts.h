// SPDX-License-Identifier: MIT
#pragma once

// MonitorAlerts: which alerts one monitor's check result calls for (pure; the collector writes
// them through ops.raise_health_alert, which drops repeats, so a console that takes over never
// raises the same alert twice):
// - monitor_down when the state machine went DOWN (after the retries), monitor_up when it is UP
//   again (also the first UP after a take-over: the database keeps it only if a down is open);
// - circuit_opened when the source's circuit state becomes OPEN, circuit_closed when CLOSED;
// - threshold_breached / threshold_cleared from each ThresholdWatch. "latency_p95" is the 95th
//   percentile of the latencies of the last minute of checks; other metrics are the result's.
// Nothing during maintenance: the collector does not feed results then.

#include "health/HealthCheck.h"
#include "health/MonitorStateMachine.h"
#include "health/ThresholdWatch.h"

#include <QDateTime>
#include <QJsonObject>

#include <deque>
#include <vector>

namespace ops::services {

struct AlertCandidate {
    QString kind;     // monitor_down, monitor_up, circuit_opened, circuit_closed, threshold_breached, threshold_cleared
    QString subject;  // the threshold rule; empty otherwise
    QString message;
    QJsonObject details;
};

class MonitorAlerts {
public:
    MonitorAlerts(QString monitorName, const std::vector<ThresholdRule>& rules);

    std::vector<AlertCandidate> evaluate(const QDateTime& at, const MonitorTransition& transition, const ProbeResult& result);
    // Leaving maintenance or a restart: thresholds and latencies start afresh.
    void reset();

private:
    std::optional<double> valueOf(const QString& metric, const ProbeResult& result) const;

    QString m_name;
    std::vector<ThresholdWatch> m_watches;
    std::deque<std::pair<QDateTime, double>> m_latencies;  // the last minute of checks
    QString m_circuit;
};

} // namespace ops::services
