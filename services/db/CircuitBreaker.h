// SPDX-License-Identifier: MIT
#pragma once

// CircuitBreaker: stops sending work to a database that keeps failing, with resilience4j semantics.
//
// - CLOSED: every call is permitted; outcomes go into a sliding window (the last N calls, or the
//   last N seconds in per-second buckets). With at least minimumCalls in the window, a failure rate
//   >= failureRateThreshold or a slow-call rate >= slowCallRateThreshold opens the circuit.
// - OPEN: calls fail fast with ErrorKind::CircuitOpen and touch nothing. The first tryAcquire()
//   after waitInOpen moves to HALF_OPEN and gets a trial permit. state() and metrics() do not make
//   that move: they keep reporting OPEN until a caller asks for a permit.
// - HALF_OPEN: at most permittedCallsInHalfOpen trial permits per half-open period, everyone else
//   fails fast. When every trial has reported, the circuit closes (with an empty window) if the
//   trials' failure rate and slow-call rate are below the thresholds, else it reopens. It reopens
//   at once as soon as the trial failures (or slow trials) already reported reach the threshold
//   even if every remaining trial succeeded. A trial that has not reported within
//   halfOpenTrialTimeout counts as a failure and reopens the circuit (checked lazily by
//   tryAcquire(), state() and metrics()), so the breaker never sticks in HALF_OPEN.
// - FORCED_OPEN / DISABLED: operator overrides (refuse everything / permit everything and record
//   nothing) until reset(), which returns to CLOSED with an empty window.
//
// Every transition bumps a generation number carried by each Permit: an outcome reported with a
// permit from an earlier generation (a call that started before the circuit moved on) is ignored.
// The caller decides what counts as a failure: onFailure() is for connectivity failures only; a
// statement the server answered with an error (constraint violation, syntax) is onSuccess().
//
// Thread-safety: every method may be called from any thread concurrently. tryAcquire() in CLOSED
// and DISABLED, fail-fast in OPEN and FORCED_OPEN, and state() outside HALF_OPEN are lock-free;
// recording an outcome takes a short mutex. The state listener is called after the mutex is
// released, one call at a time and in transition order, on the thread that made the transition (or
// on one already delivering an earlier transition, so the call may come after the triggering
// method returned); it may call back into the breaker and must not throw.
// Errors: tryAcquire() returns Error{CircuitOpen, retryable = false} when the call is refused.

#include "common/Result.h"
#include "db/Clock.h"

#include <QString>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace ops::services {

enum class CircuitState { Closed, Open, HalfOpen, ForcedOpen, Disabled };

// "CLOSED", "OPEN", "HALF_OPEN", "FORCED_OPEN", "DISABLED".
QString circuitStateName(CircuitState state);

struct CircuitBreakerConfig {
    enum class WindowType { CountBased, TimeBased };

    WindowType windowType = WindowType::CountBased;
    int windowSize = 20;  // calls for CountBased, seconds for TimeBased
    int minimumCalls = 10;  // for CountBased, at most windowSize calls are ever needed
    double failureRateThreshold = 0.5;  // in (0, 1]
    double slowCallRateThreshold = 1.0;  // 1.0 = off unless every call is slow; > 1 disables
    std::chrono::milliseconds slowCallDuration{2000};  // a call longer than this is slow
    std::chrono::milliseconds waitInOpen{30000};
    int permittedCallsInHalfOpen = 3;
    std::chrono::milliseconds halfOpenTrialTimeout{10000};

    // InvalidInput naming the field when a value is out of range. The breaker itself clamps
    // out-of-range values (sizes to at least 1, durations to at least 0) rather than misbehave.
    Result<void> validate() const;
};

struct CircuitBreakerMetrics {
    CircuitState state = CircuitState::Closed;
    // Over the CLOSED window (kept, frozen, while OPEN; emptied when the circuit closes again,
    // on reset(), forceOpen() and disable()); over the trial calls while HALF_OPEN.
    double failureRate = -1.0;   // -1 while fewer than minimumCalls (HALF_OPEN: all trials) reported
    double slowCallRate = -1.0;  // -1 likewise
    int bufferedCalls = 0;
    int failedCalls = 0;
    int slowCalls = 0;
    quint64 notPermittedCalls = 0;  // refusals since construction
    quint64 transitions = 0;        // state changes since construction
};

class CircuitBreaker final {
public:
    // Handed out by tryAcquire() and given back with the call's outcome.
    struct Permit {
        quint64 generation = 0;  // the breaker's generation when the permit was granted
        bool trial = false;      // a HALF_OPEN trial call
        int trialSlot = -1;      // which trial (0 .. permittedCallsInHalfOpen-1) when trial
    };

    using StateListener = std::function<void(CircuitState from, CircuitState to)>;

    explicit CircuitBreaker(CircuitBreakerConfig config, const Clock& clock = SteadyClock::instance());
    CircuitBreaker(const CircuitBreaker&) = delete;
    CircuitBreaker& operator=(const CircuitBreaker&) = delete;

    Result<Permit> tryAcquire();
    void onSuccess(const Permit& permit, std::chrono::nanoseconds duration);
    void onFailure(const Permit& permit, std::chrono::nanoseconds duration);

    // Operator controls.
    void forceOpen();
    void disable();
    void reset();

    CircuitState state() const;
    CircuitBreakerMetrics metrics() const;
    const CircuitBreakerConfig& config() const { return m_config; }

    // Replaces the listener (an empty function removes it). When it returns, the previous listener
    // is not running on another thread and will not be called again, so an owner may clear it in
    // its destructor. Hence a listener must not block waiting for a thread that might be calling
    // setStateListener() (post to it, as a queued connection does; never block on it).
    void setStateListener(StateListener listener);

private:
    struct TrialCall {
        Clock::TimePoint grantedAt{};
        bool reported = false;
    };
    struct SecondBucket {
        long long second = 0;
        int calls = 0;
        int failed = 0;
        int slow = 0;
    };
    using Lock = std::unique_lock<std::mutex>;

    void onResult(const Permit& permit, bool failed, std::chrono::nanoseconds duration);
    Result<Permit> refuse(CircuitState state, Clock::TimePoint now) const;
    void recordInWindow(bool failed, bool slow, Clock::TimePoint now);
    void advanceWindow(long long second) const;
    void clearWindow() const;
    bool windowTrips() const;
    void recordTrial(int slot, bool failed, bool slow, Clock::TimePoint now) const;
    bool expireOverdueTrials(Clock::TimePoint now) const;
    void transitionTo(CircuitState to, Clock::TimePoint now) const;
    // forceOpen(), disable() and reset(): one transition under the mutex, listeners after it.
    void operatorTransition(CircuitState to, bool evenWhenAlreadyThere);
    void deliverNotifications() const;
    CircuitState currentState() const;
    quint64 currentGeneration() const;
    static long long secondOf(Clock::TimePoint time);

    const CircuitBreakerConfig m_config;
    const Clock& m_clock;
    const int m_minimumCalls = 1;  // minimumCalls clamped to what the window can hold

    // (generation << 3) | state: one word so the lock-free paths see a consistent pair. Written
    // only with m_mutex held.
    mutable std::atomic<quint64> m_stateWord{0};
    // When OPEN may move to HALF_OPEN, in clock nanoseconds; read lock-free by the fail-fast path.
    mutable std::atomic<long long> m_openUntilNanos{0};
    mutable std::atomic<quint64> m_notPermitted{0};

    // Everything below is guarded by m_mutex. Mutable because state() and metrics() apply the lazy
    // trial-timeout check and age the time-based window.
    mutable std::mutex m_mutex;
    mutable std::vector<unsigned char> m_outcomes;  // CountBased ring: bit 0 failed, bit 1 slow
    mutable int m_next = 0;                         // CountBased: next ring position
    mutable std::vector<SecondBucket> m_buckets;    // TimeBased ring, indexed by second % size
    mutable long long m_lastSecond = 0;             // TimeBased: newest second seen
    mutable int m_calls = 0;
    mutable int m_failed = 0;
    mutable int m_slow = 0;

    mutable std::vector<TrialCall> m_trials;  // HALF_OPEN, one per permitted trial
    mutable int m_trialsGranted = 0;
    mutable int m_trialsReported = 0;
    mutable int m_trialFailures = 0;
    mutable int m_trialSlow = 0;

    mutable quint64 m_transitions = 0;
    mutable std::deque<std::pair<CircuitState, CircuitState>> m_pendingNotifications;
    mutable bool m_notifying = false;               // a thread is draining m_pendingNotifications
    mutable std::thread::id m_notifyingThread{};    // which one
    mutable bool m_listenerRunning = false;         // it is inside a listener call right now
    mutable std::condition_variable m_listenerDone; // signalled when such a call returns
    std::shared_ptr<const StateListener> m_listener;
};

} // namespace ops::services
