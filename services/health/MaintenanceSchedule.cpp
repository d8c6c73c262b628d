// SPDX-License-Identifier: MIT
#include "health/MaintenanceSchedule.h"

namespace ops::services {

QDateTime MaintenanceWindow::occurrenceStart(const QDate& date) const
{
    if (kind != Kind::Weekly || !zone.isValid() || date.dayOfWeek() != weekday)
        return {};
    QDateTime start(date, startTime, zone);
    if (!start.isValid() || start.time() != startTime || start.date() != date) {
        // The wall-clock time does not exist that day (spring forward): start when the gap ends,
        // i.e. at the first valid minute after the requested time.
        for (int minutes = 1; minutes <= 180; ++minutes) {
            const QDateTime later(date, startTime.addSecs(60 * minutes), zone);
            if (later.isValid() && later.time() == startTime.addSecs(60 * minutes))
                return later;
        }
        return {};
    }
    return start;
}

bool MaintenanceWindow::activeAt(const QDateTime& instant) const
{
    if (kind == Kind::Once)
        return startsAt.isValid() && endsAt.isValid() && instant >= startsAt && instant < endsAt;
    if (!zone.isValid() || durationMinutes <= 0)
        return false;
    // An occurrence that covers `instant` started at most `duration` before it: look at the local
    // dates from that far back up to today.
    const QDate today = instant.toTimeZone(zone).date();
    const int daysBack = durationMinutes / (24 * 60) + 1;
    for (QDate date = today.addDays(-daysBack); date <= today; date = date.addDays(1)) {
        const QDateTime start = occurrenceStart(date);
        if (start.isValid() && instant >= start && instant < start.addSecs(qint64(durationMinutes) * 60))
            return true;
    }
    return false;
}

bool MaintenanceSchedule::activeFor(qint64 monitor, const QDateTime& instant) const
{
    for (const MaintenanceWindow& window : m_windows) {
        if (window.appliesTo(monitor) && window.activeAt(instant))
            return true;
    }
    return false;
}

} // namespace ops::services
