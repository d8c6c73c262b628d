// SPDX-License-Identifier: MIT
#pragma once

// Waiting in GUI and integration tests: on a condition or a signal count, with one generous
// deadline, never on timing. Under a full parallel ctest run (with sanitizers, or builds next to
// it) an asynchronous step that takes 50 ms alone can take many seconds, so a deadline is only a
// bound on a hang: reaching it is a failure.
// QSignalSpy::wait() is not used: it counts only emissions after it starts, so a signal emitted
// earlier (a continuation on an already finished future runs at once in Qt 6.4) is missed.

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QThread>

#include <functional>

namespace ops::testing {

constexpr int kDeadlineMs = 60000;

// Runs the event loop until `done()` holds; false if it still does not at the deadline.
inline bool waitFor(const std::function<bool()>& done, int timeoutMs = kDeadlineMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(5);  // no busy loop: on a loaded machine it would slow what it waits for
    }
    return true;
}

// Until `spy` (a QSignalSpy) has recorded at least `count` emissions in all, earlier ones included.
template <typename Spy>
bool waitForCount(const Spy& spy, qsizetype count, int timeoutMs = kDeadlineMs)
{
    return waitFor([&] { return spy.count() >= count; }, timeoutMs);
}

} // namespace ops::testing
