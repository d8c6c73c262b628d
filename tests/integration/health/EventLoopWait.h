// SPDX-License-Identifier: MIT
#pragma once

// Runs the event loop (probes, pool continuations) for the collector and source tests.

#include <QCoreApplication>
#include <QDeadlineTimer>

#include <chrono>

inline void spin(std::chrono::milliseconds duration)
{
    QDeadlineTimer deadline(duration);
    while (!deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
}

template <typename Predicate>
bool spinUntil(Predicate done, std::chrono::milliseconds limit)
{
    QDeadlineTimer deadline(limit);
    while (!done() && !deadline.hasExpired())
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
    return done();
}
