// SPDX-License-Identifier: MIT
#pragma once

// MonitorStateMachine: a monitor's state from its check results, the way status pages count:
// - success -> UP (failures reset);
// - a failure while retries are not used up -> PENDING (with retries = 3, failures 1..3);
// - the failure after that -> DOWN, and it stays DOWN until a success;
// - MAINTENANCE while a maintenance window is on: results are ignored and counters reset, so a
//   window never produces a down/up alert and is kept out of uptime.
// Alerts fire only on the edges after the retries: went down (-> DOWN) and came back (DOWN -> UP).
// A value type, no I/O.

#include <QString>

namespace ops::services {

enum class MonitorState { Unknown, Up, Pending, Down, Maintenance };
QString monitorStateName(MonitorState state);  // "up", "pending", "down", "maintenance", "unknown"

struct MonitorTransition {
    MonitorState from = MonitorState::Unknown;
    MonitorState to = MonitorState::Unknown;
    bool wentDown = false;
    bool cameUp = false;
    bool changed() const { return from != to; }
};

class MonitorStateMachine {
public:
    explicit MonitorStateMachine(int retries = 3) : m_retries(retries < 0 ? 0 : retries) {}

    MonitorTransition record(bool success);
    MonitorTransition setMaintenance(bool on);

    MonitorState state() const { return m_state; }
    int consecutiveFailures() const { return m_failures; }
    int retries() const { return m_retries; }
    void setRetries(int retries) { m_retries = retries < 0 ? 0 : retries; }

private:
    int m_retries;
    int m_failures = 0;
    bool m_maintenance = false;
    MonitorState m_state = MonitorState::Unknown;
};

} // namespace ops::services
