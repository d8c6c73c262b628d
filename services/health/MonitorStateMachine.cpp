// SPDX-License-Identifier: MIT
#include "health/MonitorStateMachine.h"

namespace ops::services {

QString monitorStateName(MonitorState state)
{
    switch (state) {
    case MonitorState::Up: return QStringLiteral("up");
    case MonitorState::Pending: return QStringLiteral("pending");
    case MonitorState::Down: return QStringLiteral("down");
    case MonitorState::Maintenance: return QStringLiteral("maintenance");
    case MonitorState::Unknown: break;
    }
    return QStringLiteral("unknown");
}

MonitorTransition MonitorStateMachine::record(bool success)
{
    MonitorTransition t;
    t.from = m_state;
    if (m_maintenance) {
        t.to = m_state;
        return t;
    }
    if (success) {
        m_failures = 0;
        m_state = MonitorState::Up;
    } else {
        ++m_failures;
        // Once down, a monitor stays down; otherwise it is pending until the retries are used up.
        m_state = (t.from == MonitorState::Down || m_failures > m_retries) ? MonitorState::Down : MonitorState::Pending;
    }
    t.to = m_state;
    t.wentDown = t.from != MonitorState::Down && t.to == MonitorState::Down;
    t.cameUp = t.from == MonitorState::Down && t.to == MonitorState::Up;
    return t;
}

MonitorTransition MonitorStateMachine::setMaintenance(bool on)
{
    MonitorTransition t;
    t.from = m_state;
    if (on != m_maintenance) {
        m_maintenance = on;
        m_failures = 0;
        // Leaving a window starts afresh: the next result decides, without alerts from before.
        m_state = on ? MonitorState::Maintenance : MonitorState::Unknown;
    }
    t.to = m_state;
    return t;
}

} // namespace ops::services
