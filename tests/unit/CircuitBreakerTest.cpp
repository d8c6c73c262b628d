// SPDX-License-Identifier: MIT
// The breaker's state machine, driven by a ManualClock: no sleeping, no network.

#include "db/CircuitBreaker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <mutex>
#include <ostream>
#include <thread>
#include <utility>
#include <vector>

namespace ops::services {
// Readable names in assertion messages; static so another test file may define its own.
[[maybe_unused]] static void PrintTo(CircuitState state, std::ostream* out)
{
    *out << circuitStateName(state).toStdString();
}
} // namespace ops::services

namespace {

using namespace ops::services;
using namespace std::chrono_literals;
using Transition = std::pair<CircuitState, CircuitState>;

CircuitBreakerConfig countConfig()
{
    CircuitBreakerConfig config;
    config.windowType = CircuitBreakerConfig::WindowType::CountBased;
    config.windowSize = 10;
    config.minimumCalls = 10;
    config.failureRateThreshold = 0.5;
    config.slowCallRateThreshold = 1.0;
    config.slowCallDuration = 100ms;
    config.waitInOpen = 30s;
    config.permittedCallsInHalfOpen = 3;
    config.halfOpenTrialTimeout = 10s;
    return config;
}

// One call through the breaker; false when the breaker refused it.
bool call(CircuitBreaker& breaker, bool fail, std::chrono::nanoseconds duration = 1ms)
{
    auto permit = breaker.tryAcquire();
    if (!permit)
        return false;
    if (fail)
        breaker.onFailure(permit.value(), duration);
    else
        breaker.onSuccess(permit.value(), duration);
    return true;
}

void trip(CircuitBreaker& breaker)
{
    for (int i = 0; i < 100 && breaker.state() == CircuitState::Closed; ++i)
        ASSERT_TRUE(call(breaker, true));
    ASSERT_EQ(breaker.state(), CircuitState::Open);
}

TEST(CircuitBreakerTest, StateNames)
{
    EXPECT_EQ(circuitStateName(CircuitState::Closed), QStringLiteral("CLOSED"));
    EXPECT_EQ(circuitStateName(CircuitState::Open), QStringLiteral("OPEN"));
    EXPECT_EQ(circuitStateName(CircuitState::HalfOpen), QStringLiteral("HALF_OPEN"));
    EXPECT_EQ(circuitStateName(CircuitState::ForcedOpen), QStringLiteral("FORCED_OPEN"));
    EXPECT_EQ(circuitStateName(CircuitState::Disabled), QStringLiteral("DISABLED"));
}

TEST(CircuitBreakerTest, DoesNotOpenBeforeMinimumCallsHoweverManyFail)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    for (int i = 0; i < 9; ++i)
        ASSERT_TRUE(call(breaker, true));
    EXPECT_EQ(breaker.state(), CircuitState::Closed);
    const auto before = breaker.metrics();
    EXPECT_EQ(before.bufferedCalls, 9);
    EXPECT_EQ(before.failedCalls, 9);
    EXPECT_EQ(before.failureRate, -1.0) << "below minimumCalls the rate is not reported";

    ASSERT_TRUE(call(breaker, false));  // the 10th call: 9/10 failed
    EXPECT_EQ(breaker.state(), CircuitState::Open);
    EXPECT_DOUBLE_EQ(breaker.metrics().failureRate, 0.9);
}

TEST(CircuitBreakerTest, OpensExactlyWhenTheFailureRateReachesTheThreshold)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    for (int i = 0; i < 6; ++i)
        ASSERT_TRUE(call(breaker, false));
    for (int i = 0; i < 4; ++i)
        ASSERT_TRUE(call(breaker, true));
    EXPECT_EQ(breaker.state(), CircuitState::Closed) << "4/10 is below 0.5";
    EXPECT_DOUBLE_EQ(breaker.metrics().failureRate, 0.4);

    // The window slides: the oldest success drops out and 5/10 have failed.
    ASSERT_TRUE(call(breaker, true));
    EXPECT_EQ(breaker.state(), CircuitState::Open);
    const auto metrics = breaker.metrics();
    EXPECT_EQ(metrics.bufferedCalls, 10);
    EXPECT_EQ(metrics.failedCalls, 5);
    EXPECT_DOUBLE_EQ(metrics.failureRate, 0.5);
    EXPECT_EQ(metrics.transitions, 1u);
}

TEST(CircuitBreakerTest, MinimumCallsAboveACountWindowIsCappedToTheWindow)
{
    ManualClock clock;
    auto config = countConfig();
    config.windowSize = 4;
    config.minimumCalls = 100;
    CircuitBreaker breaker(config, clock);
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(call(breaker, true));
    EXPECT_EQ(breaker.state(), CircuitState::Closed);
    ASSERT_TRUE(call(breaker, true));
    EXPECT_EQ(breaker.state(), CircuitState::Open);
}

TEST(CircuitBreakerTest, FailsFastWhileOpenWithoutCallingAnything)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    trip(breaker);
    const auto opened = breaker.metrics();

    int workDone = 0;
    for (int i = 0; i < 25; ++i) {
        auto permit = breaker.tryAcquire();
        ASSERT_FALSE(permit.ok());
        EXPECT_EQ(permit.error().kind, ErrorKind::CircuitOpen);
        EXPECT_FALSE(permit.error().retryable);
        if (permit)
            ++workDone;
    }
    EXPECT_EQ(workDone, 0);
    auto refused = breaker.tryAcquire();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message, QStringLiteral("circuit open: failing fast (retry in 30000 ms)"));

    clock.advance(30s - 1ms);
    refused = breaker.tryAcquire();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message, QStringLiteral("circuit open: failing fast (retry in 1 ms)"));

    const auto after = breaker.metrics();
    EXPECT_EQ(after.state, CircuitState::Open);
    EXPECT_EQ(after.notPermittedCalls, opened.notPermittedCalls + 27);
    EXPECT_EQ(after.transitions, opened.transitions) << "refusals change nothing else";
    EXPECT_EQ(after.bufferedCalls, opened.bufferedCalls);
    EXPECT_EQ(after.failedCalls, opened.failedCalls);
}

TEST(CircuitBreakerTest, StateReportsOpenUntilATryAcquireAfterTheWait)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    trip(breaker);
    clock.advance(31s);
    EXPECT_EQ(breaker.state(), CircuitState::Open) << "state() does not perform the OPEN -> HALF_OPEN move";
    auto permit = breaker.tryAcquire();
    ASSERT_TRUE(permit.ok());
    EXPECT_TRUE(permit->trial);
    EXPECT_EQ(breaker.state(), CircuitState::HalfOpen);
}

TEST(CircuitBreakerTest, HalfOpenAdmitsExactlyThePermittedTrialsUnderRacingThreads)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    trip(breaker);
    clock.advance(30s);

    constexpr int kThreads = 8;
    constexpr int kAttemptsEach = 2000;
    std::latch start(kThreads);
    std::atomic<int> granted{0};
    std::atomic<int> refused{0};
    std::atomic<int> nonTrial{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&] {
            start.arrive_and_wait();
            for (int i = 0; i < kAttemptsEach; ++i) {
                auto permit = breaker.tryAcquire();
                if (permit) {
                    granted.fetch_add(1);
                    if (!permit->trial)
                        nonTrial.fetch_add(1);
                } else {
                    EXPECT_EQ(permit.error().kind, ErrorKind::CircuitOpen);
                    refused.fetch_add(1);
                }
            }
        });
    }
    for (auto& thread : threads)
        thread.join();

    EXPECT_EQ(granted.load(), 3);
    EXPECT_EQ(nonTrial.load(), 0);
    EXPECT_EQ(refused.load(), kThreads * kAttemptsEach - 3);
    EXPECT_EQ(breaker.state(), CircuitState::HalfOpen);
    EXPECT_EQ(breaker.metrics().transitions, 2u) << "CLOSED->OPEN, OPEN->HALF_OPEN, once";
}

TEST(CircuitBreakerTest, SuccessfulTrialsCloseWithAnEmptyWindow)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    trip(breaker);
    clock.advance(30s);
    std::vector<CircuitBreaker::Permit> trials;
    for (int i = 0; i < 3; ++i) {
        auto permit = breaker.tryAcquire();
        ASSERT_TRUE(permit.ok());
        trials.push_back(permit.value());
    }
    EXPECT_FALSE(breaker.tryAcquire().ok()) << "a fourth caller fails fast";

    breaker.onSuccess(trials[0], 1ms);
    breaker.onSuccess(trials[1], 1ms);
    EXPECT_EQ(breaker.state(), CircuitState::HalfOpen) << "waits for every trial";
    breaker.onSuccess(trials[1], 1ms);  // a duplicate report must not stand in for trial 2
    EXPECT_EQ(breaker.state(), CircuitState::HalfOpen);
    breaker.onSuccess(trials[2], 1ms);
    EXPECT_EQ(breaker.state(), CircuitState::Closed);
    const auto metrics = breaker.metrics();
    EXPECT_EQ(metrics.bufferedCalls, 0);
    EXPECT_EQ(metrics.failedCalls, 0);
    EXPECT_TRUE(call(breaker, false));
}

TEST(CircuitBreakerTest, OneTrialFailureBelowTheThresholdStillCloses)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    trip(breaker);
    clock.advance(30s);
    auto a = breaker.tryAcquire();
    auto b = breaker.tryAcquire();
    auto c = breaker.tryAcquire();
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    breaker.onFailure(a.value(), 1ms);
    EXPECT_EQ(breaker.state(), CircuitState::HalfOpen) << "1/3 can still end below 0.5";
    breaker.onSuccess(b.value(), 1ms);
    breaker.onSuccess(c.value(), 1ms);
    EXPECT_EQ(breaker.state(), CircuitState::Closed);
}

TEST(CircuitBreakerTest, TrialFailuresReopenAsSoonAsTheVerdictIsCertain)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    trip(breaker);
    clock.advance(30s);
    auto a = breaker.tryAcquire();
    auto b = breaker.tryAcquire();
    auto c = breaker.tryAcquire();
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    breaker.onFailure(a.value(), 1ms);
    breaker.onFailure(b.value(), 1ms);  // 2/3 >= 0.5 whatever c reports
    EXPECT_EQ(breaker.state(), CircuitState::Open);
    breaker.onSuccess(c.value(), 1ms);  // late, from the finished half-open period
    EXPECT_EQ(breaker.state(), CircuitState::Open);

    auto refused = breaker.tryAcquire();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message, QStringLiteral("circuit open: failing fast (retry in 30000 ms)"))
        << "the wait starts again from the reopening";
}

TEST(CircuitBreakerTest, AllTrialsFailingWithASingleTrialReopens)
{
    ManualClock clock;
    auto config = countConfig();
    config.permittedCallsInHalfOpen = 1;
    CircuitBreaker breaker(config, clock);
    trip(breaker);
    clock.advance(30s);
    ASSERT_TRUE(call(breaker, true));
    EXPECT_EQ(breaker.state(), CircuitState::Open);
    clock.advance(30s);
    ASSERT_TRUE(call(breaker, false));
    EXPECT_EQ(breaker.state(), CircuitState::Closed);
}

TEST(CircuitBreakerTest, ATrialThatNeverReportsReopensAfterTheTrialTimeout)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    trip(breaker);
    clock.advance(30s);
    auto hung = breaker.tryAcquire();
    ASSERT_TRUE(hung.ok());
    auto quick = breaker.tryAcquire();
    ASSERT_TRUE(quick.ok());
    breaker.onSuccess(quick.value(), 1ms);

    clock.advance(10s);
    EXPECT_EQ(breaker.state(), CircuitState::HalfOpen) << "exactly at the timeout the trial is not late yet";
    clock.advance(1ms);
    EXPECT_EQ(breaker.state(), CircuitState::Open) << "state() applies the trial timeout lazily";
    EXPECT_FALSE(breaker.tryAcquire().ok());

    breaker.onSuccess(hung.value(), 1ms);  // far too late: from an older generation
    EXPECT_EQ(breaker.state(), CircuitState::Open);
    const auto metrics = breaker.metrics();
    EXPECT_EQ(metrics.transitions, 3u);  // CLOSED->OPEN->HALF_OPEN->OPEN
}

TEST(CircuitBreakerTest, TheTrialTimeoutIsAlsoNoticedByTryAcquire)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    std::vector<Transition> seen;
    breaker.setStateListener([&](CircuitState from, CircuitState to) { seen.emplace_back(from, to); });
    trip(breaker);
    clock.advance(30s);
    ASSERT_TRUE(breaker.tryAcquire().ok());
    clock.advance(11s);
    auto refused = breaker.tryAcquire();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message, QStringLiteral("circuit open: failing fast (retry in 30000 ms)"));
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[2], Transition(CircuitState::HalfOpen, CircuitState::Open));
}

TEST(CircuitBreakerTest, ResultsFromAnEarlierGenerationAreIgnored)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    auto inFlight = breaker.tryAcquire();  // a CLOSED permit whose call is still running
    ASSERT_TRUE(inFlight.ok());
    trip(breaker);
    clock.advance(30s);
    auto trial = breaker.tryAcquire();
    ASSERT_TRUE(trial.ok());
    EXPECT_GT(trial->generation, inFlight->generation);

    // The old call's failure must count neither in the trials nor anywhere else.
    breaker.onFailure(inFlight.value(), 1ms);
    breaker.onFailure(inFlight.value(), 1ms);
    EXPECT_EQ(breaker.state(), CircuitState::HalfOpen);
    EXPECT_EQ(breaker.metrics().failedCalls, 0);

    // And a CLOSED permit from before a reset does not land in the fresh window.
    breaker.reset();
    auto beforeReset = breaker.tryAcquire();
    ASSERT_TRUE(beforeReset.ok());
    breaker.reset();
    breaker.onFailure(beforeReset.value(), 1ms);
    EXPECT_EQ(breaker.metrics().bufferedCalls, 0);
}

TEST(CircuitBreakerTest, SlowCallsOpenTheCircuit)
{
    ManualClock clock;
    auto config = countConfig();
    config.minimumCalls = 4;
    config.windowSize = 4;
    config.slowCallRateThreshold = 0.5;
    CircuitBreaker breaker(config, clock);
    ASSERT_TRUE(call(breaker, false, 100ms));  // exactly slowCallDuration: not slow
    ASSERT_TRUE(call(breaker, false, 1ms));
    ASSERT_TRUE(call(breaker, false, 101ms));
    EXPECT_EQ(breaker.metrics().slowCalls, 1);
    ASSERT_TRUE(call(breaker, false, 5s));
    EXPECT_EQ(breaker.state(), CircuitState::Open) << "2/4 slow successes";
    const auto metrics = breaker.metrics();
    EXPECT_EQ(metrics.failedCalls, 0);
    EXPECT_EQ(metrics.slowCalls, 2);
    EXPECT_DOUBLE_EQ(metrics.slowCallRate, 0.5);
}

TEST(CircuitBreakerTest, TheDefaultSlowThresholdOpensOnlyWhenEveryCallIsSlow)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);  // slowCallRateThreshold 1.0
    ASSERT_TRUE(call(breaker, false, 1ms));
    for (int i = 0; i < 9; ++i)
        ASSERT_TRUE(call(breaker, false, 1s));
    EXPECT_EQ(breaker.state(), CircuitState::Closed) << "9/10 slow";
    ASSERT_TRUE(call(breaker, false, 1s));  // the fast one drops out: 10/10 slow
    EXPECT_EQ(breaker.state(), CircuitState::Open);
}

TEST(CircuitBreakerTest, ASlowCallRateAboveOneNeverOpens)
{
    ManualClock clock;
    auto config = countConfig();
    config.slowCallRateThreshold = 1.01;
    CircuitBreaker breaker(config, clock);
    for (int i = 0; i < 50; ++i)
        ASSERT_TRUE(call(breaker, false, 10s));
    EXPECT_EQ(breaker.state(), CircuitState::Closed);
}

TEST(CircuitBreakerTest, ForcedOpenRefusesEvenAfterTheWait)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    breaker.forceOpen();
    EXPECT_EQ(breaker.state(), CircuitState::ForcedOpen);
    clock.advance(1h);
    auto refused = breaker.tryAcquire();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::CircuitOpen);
    EXPECT_FALSE(refused.error().retryable);
    EXPECT_EQ(breaker.state(), CircuitState::ForcedOpen);
    EXPECT_EQ(breaker.metrics().notPermittedCalls, 1u);
    breaker.reset();
    EXPECT_EQ(breaker.state(), CircuitState::Closed);
    EXPECT_TRUE(call(breaker, false));
}

TEST(CircuitBreakerTest, DisabledPermitsEverythingAndRecordsNothing)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    trip(breaker);
    breaker.disable();
    for (int i = 0; i < 100; ++i)
        ASSERT_TRUE(call(breaker, true, 10s));
    EXPECT_EQ(breaker.state(), CircuitState::Disabled);
    const auto metrics = breaker.metrics();
    EXPECT_EQ(metrics.bufferedCalls, 0);
    EXPECT_EQ(metrics.failedCalls, 0);

    breaker.reset();
    EXPECT_EQ(breaker.state(), CircuitState::Closed);
    for (int i = 0; i < 9; ++i)
        ASSERT_TRUE(call(breaker, true));
    EXPECT_EQ(breaker.state(), CircuitState::Closed) << "the window starts empty after reset";
}

TEST(CircuitBreakerTest, TheListenerSeesEveryTransitionInOrderWithoutTheLockHeld)
{
    ManualClock clock;
    auto config = countConfig();
    config.permittedCallsInHalfOpen = 1;
    CircuitBreaker breaker(config, clock);
    std::vector<Transition> seen;
    std::vector<CircuitState> reportedInside;
    breaker.setStateListener([&](CircuitState from, CircuitState to) {
        seen.emplace_back(from, to);
        // Calling back in would deadlock if the listener ran under the breaker's mutex.
        reportedInside.push_back(breaker.metrics().state);
    });

    trip(breaker);                    // CLOSED -> OPEN
    clock.advance(30s);
    ASSERT_TRUE(call(breaker, true)); // OPEN -> HALF_OPEN -> OPEN
    clock.advance(30s);
    ASSERT_TRUE(call(breaker, false)); // OPEN -> HALF_OPEN -> CLOSED
    breaker.forceOpen();              // CLOSED -> FORCED_OPEN
    breaker.forceOpen();              // no change, no notification
    breaker.disable();                // FORCED_OPEN -> DISABLED
    breaker.reset();                  // DISABLED -> CLOSED
    breaker.reset();                  // CLOSED again: no notification

    const std::vector<Transition> expected = {
        {CircuitState::Closed, CircuitState::Open},
        {CircuitState::Open, CircuitState::HalfOpen},
        {CircuitState::HalfOpen, CircuitState::Open},
        {CircuitState::Open, CircuitState::HalfOpen},
        {CircuitState::HalfOpen, CircuitState::Closed},
        {CircuitState::Closed, CircuitState::ForcedOpen},
        {CircuitState::ForcedOpen, CircuitState::Disabled},
        {CircuitState::Disabled, CircuitState::Closed},
    };
    EXPECT_EQ(seen, expected);
    EXPECT_EQ(breaker.metrics().transitions, expected.size());
    ASSERT_EQ(reportedInside.size(), expected.size());
    EXPECT_EQ(reportedInside.back(), CircuitState::Closed);
}

TEST(CircuitBreakerTest, ClearingTheListenerWaitsForACallInProgressOnAnotherThread)
{
    // An owner clears the listener in its destructor: once setStateListener() has returned, the old
    // listener must not be running.
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    std::atomic<bool> running{false};
    std::atomic<bool> release{false};
    std::atomic<int> calls{0};
    breaker.setStateListener([&](CircuitState, CircuitState) {
        running = true;
        calls.fetch_add(1);
        while (!release)
            std::this_thread::yield();
        running = false;
    });
    std::thread transition([&] { breaker.forceOpen(); });
    while (!running)
        std::this_thread::yield();

    std::atomic<bool> clearing{false};
    std::atomic<bool> cleared{false};
    std::atomic<bool> listenerRanAfterClear{false};
    std::thread owner([&] {
        clearing = true;
        breaker.setStateListener({});
        listenerRanAfterClear = running.load();
        cleared = true;
    });
    while (!clearing)
        std::this_thread::yield();
    // Give the owner ample chance to return early if it did not wait (no sleeping: bounded yields).
    for (int i = 0; i < 20000 && !cleared; ++i)
        std::this_thread::yield();
    EXPECT_FALSE(cleared.load()) << "setStateListener returned while the old listener was running";
    release = true;
    transition.join();
    owner.join();
    EXPECT_TRUE(cleared.load());
    EXPECT_FALSE(listenerRanAfterClear.load());

    breaker.reset();  // a transition after clearing reaches nobody
    EXPECT_EQ(calls.load(), 1);
}

TEST(CircuitBreakerTest, AListenerMayReplaceItselfWithoutDeadlocking)
{
    ManualClock clock;
    CircuitBreaker breaker(countConfig(), clock);
    int first = 0;
    int second = 0;
    breaker.setStateListener([&](CircuitState, CircuitState) {
        ++first;
        breaker.setStateListener([&](CircuitState, CircuitState) { ++second; });
    });
    breaker.forceOpen();
    breaker.reset();
    EXPECT_EQ(first, 1);
    EXPECT_EQ(second, 1);
}

TEST(CircuitBreakerTest, ConcurrentTransitionsReachTheListenerInOrder)
{
    // Many threads drive the breaker around its cycle at once; whatever interleaving happens, the
    // notifications must form a chain (each `from` is the previous `to`), starting at CLOSED.
    ManualClock clock;
    auto config = countConfig();
    config.windowSize = 2;
    config.minimumCalls = 2;
    config.waitInOpen = 0ms;
    config.permittedCallsInHalfOpen = 1;
    CircuitBreaker breaker(config, clock);
    std::mutex mutex;
    std::vector<Transition> seen;
    breaker.setStateListener([&](CircuitState from, CircuitState to) {
        std::lock_guard lock(mutex);
        seen.emplace_back(from, to);
    });
    std::latch start(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int i = 0; i < 2000; ++i)
                (void)call(breaker, (i + t) % 3 != 0);
        });
    }
    for (auto& thread : threads)
        thread.join();
    (void)breaker.state();

    std::lock_guard lock(mutex);
    ASSERT_FALSE(seen.empty());
    EXPECT_EQ(seen.front().first, CircuitState::Closed);
    for (std::size_t i = 1; i < seen.size(); ++i)
        ASSERT_EQ(seen[i].first, seen[i - 1].second) << "at notification " << i;
    EXPECT_EQ(seen.back().second, breaker.state());
    EXPECT_EQ(breaker.metrics().transitions, seen.size());
}

TEST(CircuitBreakerTest, ManyThreadsRecordingInClosedKeepExactCounts)
{
    ManualClock clock;
    auto config = countConfig();
    config.windowSize = 1000;
    config.minimumCalls = 1000;
    CircuitBreaker breaker(config, clock);
    std::latch start(4);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            start.arrive_and_wait();
            for (int i = 0; i < 250; ++i)
                ASSERT_TRUE(call(breaker, i % 5 == 0));  // 20% fail: stays closed
        });
    }
    for (auto& thread : threads)
        thread.join();
    const auto metrics = breaker.metrics();
    EXPECT_EQ(metrics.state, CircuitState::Closed);
    EXPECT_EQ(metrics.bufferedCalls, 1000);
    EXPECT_EQ(metrics.failedCalls, 200);
    EXPECT_DOUBLE_EQ(metrics.failureRate, 0.2);
}

TEST(CircuitBreakerTest, TimeBasedWindowForgetsSecondsThatLeftIt)
{
    ManualClock clock;
    CircuitBreakerConfig config;
    config.windowType = CircuitBreakerConfig::WindowType::TimeBased;
    config.windowSize = 10;  // seconds
    config.minimumCalls = 4;
    config.failureRateThreshold = 0.5;
    CircuitBreaker breaker(config, clock);

    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(call(breaker, true));
    clock.advance(5s);
    ASSERT_TRUE(call(breaker, false));
    EXPECT_EQ(breaker.metrics().bufferedCalls, 4);
    EXPECT_EQ(breaker.state(), CircuitState::Open) << "3 of 4 in the last 10 s failed";

    breaker.reset();
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(call(breaker, true));
    clock.advance(10s);  // those three are now 10 s old: out of the window
    EXPECT_EQ(breaker.metrics().bufferedCalls, 0);
    for (int i = 0; i < 3; ++i)
        ASSERT_TRUE(call(breaker, true));
    EXPECT_EQ(breaker.state(), CircuitState::Closed) << "only 3 calls in the window";

    clock.advance(9s);  // the second batch is 9 s old: still inside
    ASSERT_TRUE(call(breaker, false));
    EXPECT_EQ(breaker.state(), CircuitState::Open) << "3 failures + 1 success in the window";
    EXPECT_EQ(breaker.metrics().bufferedCalls, 4);
}

TEST(CircuitBreakerTest, TimeBasedWindowSpreadOverSecondsAgesOneSecondAtATime)
{
    ManualClock clock;
    CircuitBreakerConfig config;
    config.windowType = CircuitBreakerConfig::WindowType::TimeBased;
    config.windowSize = 3;
    config.minimumCalls = 100;
    CircuitBreaker breaker(config, clock);
    for (int second = 0; second < 3; ++second) {
        for (int i = 0; i <= second; ++i)  // 1, 2, 3 calls in seconds 0, 1, 2
            ASSERT_TRUE(call(breaker, i == 0));
        clock.advance(1s);
    }
    // Now in second 3: second 0 (1 call, failed) has left the window.
    auto metrics = breaker.metrics();
    EXPECT_EQ(metrics.bufferedCalls, 5);
    EXPECT_EQ(metrics.failedCalls, 2);
    clock.advance(1s);
    metrics = breaker.metrics();
    EXPECT_EQ(metrics.bufferedCalls, 3);
    EXPECT_EQ(metrics.failedCalls, 1);
    clock.advance(1h);
    EXPECT_EQ(breaker.metrics().bufferedCalls, 0);
}

TEST(CircuitBreakerTest, ConfigValidationNamesTheField)
{
    CircuitBreakerConfig config;
    EXPECT_TRUE(config.validate().ok());
    config.failureRateThreshold = 0.0;
    auto invalid = config.validate();
    ASSERT_FALSE(invalid.ok());
    EXPECT_EQ(invalid.error().kind, ErrorKind::InvalidInput);
    EXPECT_TRUE(invalid.error().message.contains(QLatin1String("failureRateThreshold")));
    config = {};
    config.permittedCallsInHalfOpen = 0;
    invalid = config.validate();
    ASSERT_FALSE(invalid.ok());
    EXPECT_TRUE(invalid.error().message.contains(QLatin1String("permittedCallsInHalfOpen")));
}

} // namespace
