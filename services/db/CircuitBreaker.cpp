// SPDX-License-Identifier: MIT
#include "db/CircuitBreaker.h"

#include <algorithm>
#include <optional>

namespace ops::services {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;

namespace {

constexpr quint64 kStateBits = 3;
constexpr quint64 kStateMask = (quint64(1) << kStateBits) - 1;

quint64 packState(quint64 generation, CircuitState state)
{
    return (generation << kStateBits) | quint64(state);
}

long long nanosOf(Clock::TimePoint time)
{
    return duration_cast<nanoseconds>(time.time_since_epoch()).count();
}

// The breaker must not divide by zero or index an empty ring because of a bad setting, so it runs
// on a clamped copy; validate() is where a bad setting gets reported to a person.
CircuitBreakerConfig sanitized(CircuitBreakerConfig config)
{
    config.windowSize = std::max(1, config.windowSize);
    config.minimumCalls = std::max(1, config.minimumCalls);
    config.permittedCallsInHalfOpen = std::max(1, config.permittedCallsInHalfOpen);
    config.slowCallDuration = std::max(milliseconds(0), config.slowCallDuration);
    config.waitInOpen = std::max(milliseconds(0), config.waitInOpen);
    config.halfOpenTrialTimeout = std::max(milliseconds(0), config.halfOpenTrialTimeout);
    return config;
}

Error invalid(const QString& message)
{
    return Error::make(ErrorKind::InvalidInput, QStringLiteral("circuit breaker: ") + message);
}

} // namespace

QString circuitStateName(CircuitState state)
{
    switch (state) {
    case CircuitState::Closed: return QStringLiteral("CLOSED");
    case CircuitState::Open: return QStringLiteral("OPEN");
    case CircuitState::HalfOpen: return QStringLiteral("HALF_OPEN");
    case CircuitState::ForcedOpen: return QStringLiteral("FORCED_OPEN");
    case CircuitState::Disabled: return QStringLiteral("DISABLED");
    }
    return QStringLiteral("UNKNOWN");
}

Result<void> CircuitBreakerConfig::validate() const
{
    if (windowSize < 1)
        return invalid(QStringLiteral("windowSize must be at least 1 (got %1)").arg(windowSize));
    if (minimumCalls < 1)
        return invalid(QStringLiteral("minimumCalls must be at least 1 (got %1)").arg(minimumCalls));
    if (!(failureRateThreshold > 0.0 && failureRateThreshold <= 1.0))
        return invalid(QStringLiteral("failureRateThreshold must be in (0, 1] (got %1)").arg(failureRateThreshold));
    if (!(slowCallRateThreshold > 0.0))
        return invalid(QStringLiteral("slowCallRateThreshold must be above 0 (got %1)").arg(slowCallRateThreshold));
    if (slowCallDuration.count() < 0)
        return invalid(QStringLiteral("slowCallDuration must not be negative"));
    if (waitInOpen.count() < 0)
        return invalid(QStringLiteral("waitInOpen must not be negative"));
    if (permittedCallsInHalfOpen < 1)
        return invalid(QStringLiteral("permittedCallsInHalfOpen must be at least 1 (got %1)").arg(permittedCallsInHalfOpen));
    if (halfOpenTrialTimeout.count() <= 0)
        return invalid(QStringLiteral("halfOpenTrialTimeout must be positive"));
    return {};
}

CircuitBreaker::CircuitBreaker(CircuitBreakerConfig config, const Clock& clock)
    : m_config(sanitized(std::move(config))),
      m_clock(clock),
      // A count-based window never holds more than windowSize calls: asking for more would mean
      // the circuit could never open (resilience4j caps it the same way).
      m_minimumCalls(m_config.windowType == CircuitBreakerConfig::WindowType::CountBased
                         ? std::min(m_config.minimumCalls, m_config.windowSize)
                         : m_config.minimumCalls),
      m_stateWord(packState(1, CircuitState::Closed)),
      m_trials(std::size_t(m_config.permittedCallsInHalfOpen))
{
    if (m_config.windowType == CircuitBreakerConfig::WindowType::CountBased)
        m_outcomes.assign(std::size_t(m_config.windowSize), 0);
    else
        m_buckets.assign(std::size_t(m_config.windowSize), SecondBucket{});
    m_lastSecond = secondOf(m_clock.now());
}

CircuitState CircuitBreaker::currentState() const
{
    return CircuitState(m_stateWord.load(std::memory_order_acquire) & kStateMask);
}

quint64 CircuitBreaker::currentGeneration() const
{
    return m_stateWord.load(std::memory_order_acquire) >> kStateBits;
}

long long CircuitBreaker::secondOf(Clock::TimePoint time)
{
    return duration_cast<std::chrono::seconds>(time.time_since_epoch()).count();
}

Result<CircuitBreaker::Permit> CircuitBreaker::tryAcquire()
{
    // Fast paths without the mutex: the state and its generation come from one atomic word, so a
    // permit never pairs a CLOSED decision with a later generation.
    const quint64 word = m_stateWord.load(std::memory_order_acquire);
    const auto fastState = CircuitState(word & kStateMask);
    if (fastState == CircuitState::Closed || fastState == CircuitState::Disabled)
        return Permit{word >> kStateBits, false, -1};
    if (fastState == CircuitState::ForcedOpen) {
        m_notPermitted.fetch_add(1, std::memory_order_relaxed);
        return refuse(CircuitState::ForcedOpen, {});
    }
    if (fastState == CircuitState::Open) {
        const auto now = m_clock.now();
        if (nanosOf(now) < m_openUntilNanos.load(std::memory_order_acquire)) {
            m_notPermitted.fetch_add(1, std::memory_order_relaxed);
            return refuse(CircuitState::Open, now);
        }
    }

    // OPEN past its wait, or HALF_OPEN: decide under the mutex so exactly
    // permittedCallsInHalfOpen trial permits exist per half-open period however many threads race.
    std::optional<Permit> permit;
    CircuitState refusedIn = CircuitState::Open;
    Clock::TimePoint now;
    bool notify = false;
    {
        Lock lock(m_mutex);
        now = m_clock.now();
        if (currentState() == CircuitState::Open && nanosOf(now) >= m_openUntilNanos.load(std::memory_order_relaxed))
            transitionTo(CircuitState::HalfOpen, now);
        if (currentState() == CircuitState::HalfOpen)
            expireOverdueTrials(now);
        const CircuitState state = currentState();
        switch (state) {
        case CircuitState::Closed:
        case CircuitState::Disabled:
            permit = Permit{currentGeneration(), false, -1};
            break;
        case CircuitState::HalfOpen:
            if (m_trialsGranted < int(m_trials.size())) {
                const int slot = m_trialsGranted++;
                m_trials[std::size_t(slot)] = TrialCall{now, false};
                permit = Permit{currentGeneration(), true, slot};
            }
            break;
        case CircuitState::Open:
        case CircuitState::ForcedOpen:
            break;
        }
        refusedIn = state;
        notify = !m_pendingNotifications.empty();
    }
    if (notify)
        deliverNotifications();
    if (permit)
        return *permit;
    m_notPermitted.fetch_add(1, std::memory_order_relaxed);
    // The message is built outside the mutex: formatting is the slowest part of a refusal.
    return refuse(refusedIn, now);
}

Result<CircuitBreaker::Permit> CircuitBreaker::refuse(CircuitState state, Clock::TimePoint now) const
{
    QString message;
    switch (state) {
    case CircuitState::HalfOpen:
        message = QStringLiteral("circuit half-open: failing fast while %1 trial call(s) test the server")
                      .arg(m_config.permittedCallsInHalfOpen);
        break;
    case CircuitState::ForcedOpen:
        message = QStringLiteral("circuit forced open by an operator: failing fast");
        break;
    default: {
        const long long remainingNanos = std::max(0LL, m_openUntilNanos.load(std::memory_order_relaxed) - nanosOf(now));
        const long long remainingMs = (remainingNanos + 999'999) / 1'000'000;  // round up: never "retry in 0 ms" early
        message = QStringLiteral("circuit open: failing fast (retry in %1 ms)").arg(remainingMs);
        break;
    }
    }
    return Error{ErrorKind::CircuitOpen, message, {}, {}, {}, false};
}

void CircuitBreaker::onSuccess(const Permit& permit, nanoseconds duration)
{
    onResult(permit, false, duration);
}

void CircuitBreaker::onFailure(const Permit& permit, nanoseconds duration)
{
    onResult(permit, true, duration);
}

void CircuitBreaker::onResult(const Permit& permit, bool failed, nanoseconds duration)
{
    // Stale permits and DISABLED (records nothing) return before the mutex.
    const quint64 word = m_stateWord.load(std::memory_order_acquire);
    const auto fastState = CircuitState(word & kStateMask);
    if ((word >> kStateBits) != permit.generation
        || (fastState != CircuitState::Closed && fastState != CircuitState::HalfOpen))
        return;

    const bool slow = duration > m_config.slowCallDuration;
    // Only the time-based window needs the time on the CLOSED path; read it before the mutex to
    // keep the critical section short.
    const bool timeBased = m_config.windowType == CircuitBreakerConfig::WindowType::TimeBased;
    const Clock::TimePoint now = timeBased ? m_clock.now() : Clock::TimePoint{};
    bool notify = false;
    {
        Lock lock(m_mutex);
        if (currentGeneration() != permit.generation)
            return;  // the circuit moved on while we waited for the mutex
        switch (currentState()) {
        case CircuitState::Closed:
            if (permit.trial)
                return;
            recordInWindow(failed, slow, now);
            if (windowTrips())
                transitionTo(CircuitState::Open, m_clock.now());
            break;
        case CircuitState::HalfOpen:
            if (!permit.trial || permit.trialSlot < 0 || permit.trialSlot >= m_trialsGranted
                || m_trials[std::size_t(permit.trialSlot)].reported)
                return;  // not a trial of this period, or reported twice
            recordTrial(permit.trialSlot, failed, slow, m_clock.now());
            break;
        default:
            return;
        }
        notify = !m_pendingNotifications.empty();
    }
    if (notify)
        deliverNotifications();
}

void CircuitBreaker::recordInWindow(bool failed, bool slow, Clock::TimePoint now)
{
    if (m_config.windowType == CircuitBreakerConfig::WindowType::CountBased) {
        unsigned char& slot = m_outcomes[std::size_t(m_next)];
        if (m_calls == m_config.windowSize) {  // full: the oldest outcome drops out
            m_failed -= slot & 1;
            m_slow -= (slot >> 1) & 1;
        } else {
            ++m_calls;
        }
        slot = static_cast<unsigned char>((failed ? 1 : 0) | (slow ? 2 : 0));
        m_failed += failed ? 1 : 0;
        m_slow += slow ? 1 : 0;
        m_next = (m_next + 1) % m_config.windowSize;
        return;
    }
    advanceWindow(secondOf(now));
    SecondBucket& bucket = m_buckets[std::size_t(m_lastSecond % m_config.windowSize)];
    ++bucket.calls;
    ++m_calls;
    if (failed) {
        ++bucket.failed;
        ++m_failed;
    }
    if (slow) {
        ++bucket.slow;
        ++m_slow;
    }
}

void CircuitBreaker::advanceWindow(long long second) const
{
    // A thread that read the clock just before another one advanced the window records into the
    // newest second rather than one that may already have been recycled.
    if (second <= m_lastSecond)
        return;
    const long long size = m_config.windowSize;
    if (second - m_lastSecond >= size) {
        for (SecondBucket& bucket : m_buckets)
            bucket = SecondBucket{};
        m_calls = m_failed = m_slow = 0;
    } else {
        // Each second we step into reuses the slot of the second that just left the window.
        for (long long s = m_lastSecond + 1; s <= second; ++s) {
            SecondBucket& bucket = m_buckets[std::size_t(s % size)];
            m_calls -= bucket.calls;
            m_failed -= bucket.failed;
            m_slow -= bucket.slow;
            bucket = SecondBucket{s, 0, 0, 0};
        }
    }
    m_lastSecond = second;
}

void CircuitBreaker::clearWindow() const
{
    std::fill(m_outcomes.begin(), m_outcomes.end(), 0);
    std::fill(m_buckets.begin(), m_buckets.end(), SecondBucket{});
    m_next = 0;
    m_calls = m_failed = m_slow = 0;
}

bool CircuitBreaker::windowTrips() const
{
    if (m_calls < m_minimumCalls)
        return false;
    const double calls = m_calls;
    return m_failed / calls >= m_config.failureRateThreshold || m_slow / calls >= m_config.slowCallRateThreshold;
}

void CircuitBreaker::recordTrial(int slot, bool failed, bool slow, Clock::TimePoint now) const
{
    m_trials[std::size_t(slot)].reported = true;
    ++m_trialsReported;
    m_trialFailures += failed ? 1 : 0;
    m_trialSlow += slow ? 1 : 0;
    // Rates over all permitted trials, so they are the lowest the final rates can still be: once
    // they reach a threshold, waiting for the other trials cannot change the verdict.
    const double permitted = double(m_trials.size());
    if (m_trialFailures / permitted >= m_config.failureRateThreshold
        || m_trialSlow / permitted >= m_config.slowCallRateThreshold)
        transitionTo(CircuitState::Open, now);
    else if (m_trialsReported == int(m_trials.size()))
        transitionTo(CircuitState::Closed, now);
}

bool CircuitBreaker::expireOverdueTrials(Clock::TimePoint now) const
{
    for (int i = 0; i < m_trialsGranted; ++i) {
        const TrialCall& trial = m_trials[std::size_t(i)];
        if (!trial.reported && now - trial.grantedAt > m_config.halfOpenTrialTimeout) {
            // A trial that never came back (hung, or its caller forgot to report) is the most
            // likely sign the server is still unwell: count it as failed and try again later.
            ++m_trialsReported;
            ++m_trialFailures;
            transitionTo(CircuitState::Open, now);
            return true;
        }
    }
    return false;
}

void CircuitBreaker::transitionTo(CircuitState to, Clock::TimePoint now) const
{
    const CircuitState from = currentState();
    switch (to) {
    case CircuitState::Closed:
    case CircuitState::ForcedOpen:
    case CircuitState::Disabled:
        clearWindow();
        m_lastSecond = secondOf(now);
        break;
    case CircuitState::Open:
        // The CLOSED window stays as it was so metrics() can show why the circuit opened.
        m_openUntilNanos.store(nanosOf(now + m_config.waitInOpen), std::memory_order_release);
        break;
    case CircuitState::HalfOpen:
        std::fill(m_trials.begin(), m_trials.end(), TrialCall{});
        m_trialsGranted = m_trialsReported = m_trialFailures = m_trialSlow = 0;
        break;
    }
    // Published last, so a lock-free reader that sees the new state also sees openUntil.
    m_stateWord.store(packState(currentGeneration() + 1, to), std::memory_order_release);
    if (from != to) {
        ++m_transitions;
        m_pendingNotifications.emplace_back(from, to);
    }
}

void CircuitBreaker::deliverNotifications() const
{
    // One thread at a time drains the queue, so the listener sees transitions in the order they
    // happened even when two threads caused consecutive ones; the mutex is released around each
    // call so the listener can call back into the breaker.
    Lock lock(m_mutex);
    if (m_notifying)
        return;  // the thread already delivering will pick ours up
    m_notifying = true;
    m_notifyingThread = std::this_thread::get_id();
    while (!m_pendingNotifications.empty()) {
        const auto [from, to] = m_pendingNotifications.front();
        m_pendingNotifications.pop_front();
        std::shared_ptr<const StateListener> listener = m_listener;
        if (!listener || !*listener)
            continue;
        m_listenerRunning = true;
        lock.unlock();
        (*listener)(from, to);
        listener.reset();  // outside the mutex, in case this was the last reference
        lock.lock();
        m_listenerRunning = false;
        m_listenerDone.notify_all();
    }
    m_notifying = false;
    m_notifyingThread = {};
}

void CircuitBreaker::forceOpen()
{
    operatorTransition(CircuitState::ForcedOpen, false);
}

void CircuitBreaker::disable()
{
    operatorTransition(CircuitState::Disabled, false);
}

void CircuitBreaker::reset()
{
    // Even from CLOSED: a new generation, so calls started before the reset do not land in the
    // fresh window.
    operatorTransition(CircuitState::Closed, true);
}

void CircuitBreaker::operatorTransition(CircuitState to, bool evenWhenAlreadyThere)
{
    bool notify = false;
    {
        Lock lock(m_mutex);
        if (evenWhenAlreadyThere || currentState() != to)
            transitionTo(to, m_clock.now());
        notify = !m_pendingNotifications.empty();
    }
    if (notify)
        deliverNotifications();
}

CircuitState CircuitBreaker::state() const
{
    const CircuitState fast = currentState();
    if (fast != CircuitState::HalfOpen)
        return fast;
    CircuitState state;
    bool notify = false;
    {
        Lock lock(m_mutex);
        if (currentState() == CircuitState::HalfOpen)
            expireOverdueTrials(m_clock.now());
        state = currentState();
        notify = !m_pendingNotifications.empty();
    }
    if (notify)
        deliverNotifications();
    return state;
}

CircuitBreakerMetrics CircuitBreaker::metrics() const
{
    CircuitBreakerMetrics metrics;
    bool notify = false;
    {
        Lock lock(m_mutex);
        const auto now = m_clock.now();
        if (currentState() == CircuitState::HalfOpen)
            expireOverdueTrials(now);
        const CircuitState state = currentState();
        // Only a CLOSED window ages: an OPEN one is kept as it was when the circuit opened.
        if (state == CircuitState::Closed && m_config.windowType == CircuitBreakerConfig::WindowType::TimeBased)
            advanceWindow(secondOf(now));
        metrics.state = state;
        if (state == CircuitState::HalfOpen) {
            metrics.bufferedCalls = m_trialsReported;
            metrics.failedCalls = m_trialFailures;
            metrics.slowCalls = m_trialSlow;
            if (m_trialsReported >= int(m_trials.size())) {
                metrics.failureRate = double(m_trialFailures) / m_trialsReported;
                metrics.slowCallRate = double(m_trialSlow) / m_trialsReported;
            }
        } else {
            metrics.bufferedCalls = m_calls;
            metrics.failedCalls = m_failed;
            metrics.slowCalls = m_slow;
            if (m_calls >= m_minimumCalls) {
                metrics.failureRate = double(m_failed) / m_calls;
                metrics.slowCallRate = double(m_slow) / m_calls;
            }
        }
        metrics.transitions = m_transitions;
        notify = !m_pendingNotifications.empty();
    }
    metrics.notPermittedCalls = m_notPermitted.load(std::memory_order_relaxed);
    if (notify)
        deliverNotifications();
    return metrics;
}

void CircuitBreaker::setStateListener(StateListener listener)
{
    auto shared = std::make_shared<const StateListener>(std::move(listener));
    std::shared_ptr<const StateListener> previous;
    Lock lock(m_mutex);
    previous = std::exchange(m_listener, std::move(shared));
    // Wait out a call of the previous listener on another thread, so an owner that clears the
    // listener in its destructor is not called afterwards. From inside the listener itself (same
    // thread) there is nothing to wait for: the call in progress is the caller's own.
    m_listenerDone.wait(lock, [this] {
        return !m_listenerRunning || m_notifyingThread == std::this_thread::get_id();
    });
    lock.unlock();
    previous.reset();  // outside the mutex: destroying captured state may call back in
}

} // namespace ops::services
