// SPDX-License-Identifier: MIT
#pragma once

// Clock: an injectable monotonic clock so time-based logic (breaker, retry, histograms, pool
// lifetimes) can be tested without sleeping. Thread-safe: now() may be called from any thread.

#include <atomic>
#include <chrono>

namespace ops::services {

class Clock {
public:
    using TimePoint = std::chrono::steady_clock::time_point;
    virtual ~Clock() = default;
    virtual TimePoint now() const = 0;
};

// The real clock.
class SteadyClock final : public Clock {
public:
    TimePoint now() const override { return std::chrono::steady_clock::now(); }
    static SteadyClock& instance() { static SteadyClock clock; return clock; }
};

// A clock that moves only when told to: for tests.
class ManualClock final : public Clock {
public:
    TimePoint now() const override { return TimePoint(std::chrono::nanoseconds(m_nanos.load())); }
    void advance(std::chrono::nanoseconds step) { m_nanos.fetch_add(step.count()); }

private:
    std::atomic<long long> m_nanos{1'000'000'000'000LL};
};

} // namespace ops::services
