// SPDX-License-Identifier: MIT
#pragma once

// MaintenanceSchedule: whether a monitor is in a maintenance window at an instant.
// - one-off: [startsAt, endsAt) in absolute time;
// - weekly: every ISO weekday (Monday 1 .. Sunday 7) at a wall-clock start time in an IANA time
//   zone, for a duration of elapsed minutes. The start is resolved with QTimeZone for each date, so
//   "Sunday 02:30 Europe/Berlin" stays 02:30 local across DST changes; a start inside the spring
//   gap (a wall-clock time that does not exist that day) begins when the gap ends.
// A window without a monitor covers every monitor of the project. A value type, no I/O.

#include <QDateTime>
#include <QTime>
#include <QTimeZone>

#include <optional>
#include <vector>

namespace ops::services {

struct MaintenanceWindow {
    enum class Kind { Once, Weekly };
    qint64 id = 0;
    std::optional<qint64> monitorId;  // empty: the whole project
    Kind kind = Kind::Once;
    QDateTime startsAt, endsAt;       // Once
    int weekday = 1;                  // Weekly: ISO weekday
    QTime startTime;                  // Weekly: local wall-clock time
    int durationMinutes = 0;          // Weekly
    QTimeZone zone;                   // Weekly

    bool appliesTo(qint64 monitor) const { return !monitorId || *monitorId == monitor; }
    bool activeAt(const QDateTime& instant) const;
    // Weekly: the occurrence starting on local `date` (invalid when `date` is another weekday).
    QDateTime occurrenceStart(const QDate& date) const;
};

class MaintenanceSchedule {
public:
    void setWindows(std::vector<MaintenanceWindow> windows) { m_windows = std::move(windows); }
    const std::vector<MaintenanceWindow>& windows() const { return m_windows; }
    bool activeFor(qint64 monitor, const QDateTime& instant) const;

private:
    std::vector<MaintenanceWindow> m_windows;
};

} // namespace ops::services
