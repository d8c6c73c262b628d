// SPDX-License-Identifier: MIT
// Retry decisions, full-jitter backoff and the retry budget, on a ManualClock.

#include "db/RetryPolicy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <latch>
#include <thread>
#include <vector>

namespace {

using namespace ops::services;
using namespace std::chrono_literals;

constexpr quint64 kSeed = 20240611;

Error failure(ErrorKind kind, bool retryable, const QString& sqlstate = {})
{
    Error error = Error::make(kind, QStringLiteral("boom"));
    error.retryable = retryable;
    error.sqlstate = sqlstate;
    return error;
}

Clock::TimePoint noDeadline()
{
    return Clock::TimePoint::max();
}

TEST(RetryPolicyTest, KindsThatRetryingCannotFixAreNeverRetriedEvenWhenMarkedRetryable)
{
    ManualClock clock;
    RetryPolicy policy({}, kSeed);
    for (ErrorKind kind : {ErrorKind::CircuitOpen, ErrorKind::ShuttingDown, ErrorKind::PoolExhausted,
                           ErrorKind::InvalidInput, ErrorKind::Permission, ErrorKind::Query, ErrorKind::Internal}) {
        const auto decision = policy.decide(failure(kind, true), 1, true, false, noDeadline(), clock, nullptr);
        EXPECT_FALSE(decision.retry) << errorKindName(kind).toStdString();
        EXPECT_TRUE(decision.reason.contains(QLatin1String("never retried"))) << decision.reason.toStdString();
    }
}

TEST(RetryPolicyTest, RetryableConnectionTransientAndTimeoutFailuresAreRetried)
{
    ManualClock clock;
    RetryPolicy policy({}, kSeed);
    for (ErrorKind kind : {ErrorKind::Connection, ErrorKind::Transient, ErrorKind::Timeout}) {
        const auto decision = policy.decide(failure(kind, true), 1, true, false, noDeadline(), clock, nullptr);
        EXPECT_TRUE(decision.retry) << errorKindName(kind).toStdString() << ": " << decision.reason.toStdString();
        EXPECT_GE(decision.delay.count(), 0);
        EXPECT_LE(decision.delay.count(), 50);
    }
}

TEST(RetryPolicyTest, OnlyErrorsMarkedRetryableAreRetried)
{
    ManualClock clock;
    RetryPolicy policy({}, kSeed);
    for (ErrorKind kind : {ErrorKind::Connection, ErrorKind::Transient, ErrorKind::Timeout, ErrorKind::NotFound, ErrorKind::Io}) {
        const auto decision = policy.decide(failure(kind, false), 1, true, false, noDeadline(), clock, nullptr);
        EXPECT_FALSE(decision.retry) << errorKindName(kind).toStdString();
        EXPECT_TRUE(decision.reason.contains(QLatin1String("not retryable"))) << decision.reason.toStdString();
    }
}

TEST(RetryPolicyTest, ASentNonIdempotentStatementIsNotRetried)
{
    ManualClock clock;
    RetryPolicy policy({}, kSeed);
    const Error broken = failure(ErrorKind::Connection, true, QStringLiteral("08006"));
    EXPECT_FALSE(policy.decide(broken, 1, false, true, noDeadline(), clock, nullptr).retry) << "the write may have happened";
    EXPECT_TRUE(policy.decide(broken, 1, true, true, noDeadline(), clock, nullptr).retry) << "idempotent: safe";
    EXPECT_TRUE(policy.decide(broken, 1, false, false, noDeadline(), clock, nullptr).retry) << "never reached the server";

    const Error tooMany = failure(ErrorKind::Transient, true, QStringLiteral("53300"));
    EXPECT_FALSE(policy.decide(tooMany, 1, false, true, noDeadline(), clock, nullptr).retry);
}

TEST(RetryPolicyTest, SerializationFailuresAndDeadlocksAreRetriedEvenAfterAWriteWasSent)
{
    ManualClock clock;
    RetryPolicy policy({}, kSeed);
    for (const char* sqlstate : {"40001", "40P01"}) {
        const auto decision = policy.decide(failure(ErrorKind::Transient, true, QLatin1String(sqlstate)), 1, false, true,
                                            noDeadline(), clock, nullptr);
        EXPECT_TRUE(decision.retry) << sqlstate << ": " << decision.reason.toStdString();
    }
    // Still subject to the other rules.
    EXPECT_FALSE(policy.decide(failure(ErrorKind::Transient, false, QStringLiteral("40001")), 1, false, true,
                               noDeadline(), clock, nullptr).retry);
    EXPECT_FALSE(policy.decide(failure(ErrorKind::Transient, true, QStringLiteral("40001")), 3, false, true,
                               noDeadline(), clock, nullptr).retry);
}

TEST(RetryPolicyTest, StopsAtMaxAttempts)
{
    ManualClock clock;
    RetryPolicy policy(RetryConfig{3, 50ms, 2000ms, 2.0}, kSeed);
    const Error error = failure(ErrorKind::Connection, true);
    EXPECT_TRUE(policy.decide(error, 1, true, false, noDeadline(), clock, nullptr).retry);
    EXPECT_TRUE(policy.decide(error, 2, true, false, noDeadline(), clock, nullptr).retry);
    const auto last = policy.decide(error, 3, true, false, noDeadline(), clock, nullptr);
    EXPECT_FALSE(last.retry);
    EXPECT_TRUE(last.reason.contains(QLatin1String("3 attempt"))) << last.reason.toStdString();

    RetryPolicy once(RetryConfig{1, 50ms, 2000ms, 2.0}, kSeed);
    EXPECT_FALSE(once.decide(error, 1, true, false, noDeadline(), clock, nullptr).retry);
}

TEST(RetryPolicyTest, DoesNotRetryWhenTheDelayWouldReachTheDeadline)
{
    ManualClock clock;
    RetryPolicy policy(RetryConfig{100, 100ms, 100ms, 1.0}, kSeed);  // delays uniform in [0, 100] ms
    const Error error = failure(ErrorKind::Connection, true);

    EXPECT_FALSE(policy.decide(error, 1, true, false, clock.now(), clock, nullptr).retry) << "deadline now";
    EXPECT_FALSE(policy.decide(error, 1, true, false, clock.now() - 1s, clock, nullptr).retry) << "deadline passed";
    for (int i = 0; i < 50; ++i)
        EXPECT_TRUE(policy.decide(error, 1, true, false, clock.now() + 101ms, clock, nullptr).retry);

    // With 50 ms left, delays of 50 ms or more are refused and shorter ones allowed.
    int allowed = 0;
    int refused = 0;
    for (int i = 0; i < 400; ++i) {
        const auto decision = policy.decide(error, 1, true, false, clock.now() + 50ms, clock, nullptr);
        if (decision.retry) {
            ++allowed;
            EXPECT_LT(decision.delay, 50ms);
        } else {
            ++refused;
            EXPECT_TRUE(decision.reason.contains(QLatin1String("deadline"))) << decision.reason.toStdString();
        }
    }
    EXPECT_GT(allowed, 100);
    EXPECT_GT(refused, 100);
}

TEST(RetryPolicyTest, ARefusingBudgetStopsTheRetry)
{
    ManualClock clock;
    RetryPolicy policy({}, kSeed);
    RetryBudget budget(0.1, 0, 10s, clock);  // no floor and no calls: nothing to spend
    const auto decision = policy.decide(failure(ErrorKind::Connection, true), 1, true, false, noDeadline(), clock, &budget);
    EXPECT_FALSE(decision.retry);
    EXPECT_TRUE(decision.reason.contains(QLatin1String("budget"))) << decision.reason.toStdString();
    EXPECT_EQ(budget.retriesRefused(), 1u);

    // The budget is asked last: a decision refused for another reason spends nothing.
    RetryBudget roomy(0.1, 3, 10s, clock);
    EXPECT_FALSE(policy.decide(failure(ErrorKind::Query, true), 1, true, false, noDeadline(), clock, &roomy).retry);
    EXPECT_EQ(roomy.retriesInWindow(), 0u);
    EXPECT_TRUE(policy.decide(failure(ErrorKind::Connection, true), 1, true, false, noDeadline(), clock, &roomy).retry);
    EXPECT_EQ(roomy.retriesInWindow(), 1u);
}

TEST(RetryPolicyTest, BackoffCapGrowsExponentiallyUpToMaxBackoff)
{
    RetryPolicy policy(RetryConfig{10, 50ms, 2000ms, 2.0}, kSeed);
    EXPECT_EQ(policy.backoffCap(1), 50ms);
    EXPECT_EQ(policy.backoffCap(2), 100ms);
    EXPECT_EQ(policy.backoffCap(3), 200ms);
    EXPECT_EQ(policy.backoffCap(6), 1600ms);
    EXPECT_EQ(policy.backoffCap(7), 2000ms);
    EXPECT_EQ(policy.backoffCap(100000), 2000ms) << "no overflow for absurd retry numbers";
}

TEST(RetryPolicyTest, JitteredDelaysCoverTheWholeRangeAndNeverExceedTheCap)
{
    RetryPolicy policy(RetryConfig{10, 50ms, 2000ms, 2.0}, kSeed);
    for (int retry = 1; retry <= 8; ++retry) {
        const auto cap = policy.backoffCap(retry);
        auto lowest = cap;
        auto highest = 0ms;
        for (int i = 0; i < 2000; ++i) {
            const auto delay = policy.backoff(retry);
            ASSERT_GE(delay, 0ms);
            ASSERT_LE(delay, cap) << "retry " << retry;
            lowest = std::min(lowest, delay);
            highest = std::max(highest, delay);
        }
        // Full jitter: the samples reach both ends of [0, cap], not a band near the cap.
        EXPECT_LE(lowest.count(), cap.count() / 20) << "retry " << retry;
        EXPECT_GE(highest.count(), cap.count() * 19 / 20) << "retry " << retry;
    }
}

TEST(RetryPolicyTest, TheSameSeedGivesTheSameDelays)
{
    RetryPolicy a({}, 7);
    RetryPolicy b({}, 7);
    RetryPolicy c({}, 8);
    std::vector<long long> fromA;
    std::vector<long long> fromB;
    std::vector<long long> fromC;
    for (int i = 0; i < 50; ++i) {
        fromA.push_back(a.backoff(5).count());
        fromB.push_back(b.backoff(5).count());
        fromC.push_back(c.backoff(5).count());
    }
    EXPECT_EQ(fromA, fromB);
    EXPECT_NE(fromA, fromC);
}

TEST(RetryPolicyTest, BackoffIsSafeFromManyThreads)
{
    RetryPolicy policy({}, kSeed);
    std::latch start(4);
    std::atomic<int> outOfRange{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            start.arrive_and_wait();
            for (int i = 0; i < 5000; ++i) {
                const auto delay = policy.backoff(3);
                if (delay < 0ms || delay > 200ms)
                    outOfRange.fetch_add(1);
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(outOfRange.load(), 0);
}

TEST(RetryPolicyTest, ConfigValidationNamesTheField)
{
    EXPECT_TRUE(RetryConfig{}.validate().ok());
    auto invalid = RetryConfig{0, 50ms, 2000ms, 2.0}.validate();
    ASSERT_FALSE(invalid.ok());
    EXPECT_EQ(invalid.error().kind, ErrorKind::InvalidInput);
    EXPECT_TRUE(invalid.error().message.contains(QLatin1String("maxAttempts")));
    invalid = RetryConfig{3, 50ms, 2000ms, 0.5}.validate();
    ASSERT_FALSE(invalid.ok());
    EXPECT_TRUE(invalid.error().message.contains(QLatin1String("multiplier")));
}

TEST(RetryBudgetTest, AQuietClientMayRetryUpToTheFloor)
{
    ManualClock clock;
    RetryBudget budget(0.1, 3, 10s, clock);
    budget.recordCall();
    for (int i = 0; i < 30; ++i)
        ASSERT_TRUE(budget.tryWithdraw()) << "retry " << i;
    EXPECT_FALSE(budget.tryWithdraw());
    EXPECT_EQ(budget.retriesRefused(), 1u);

    clock.advance(9s);
    EXPECT_FALSE(budget.tryWithdraw()) << "the 30 retries are still in the window";
    clock.advance(1s);
    EXPECT_EQ(budget.retriesInWindow(), 0u);
    EXPECT_TRUE(budget.tryWithdraw()) << "they left the window";
    EXPECT_EQ(budget.retriesRefused(), 2u);
}

TEST(RetryBudgetTest, UnderLoadRetriesStayAtTheRatioOfCalls)
{
    ManualClock clock;
    RetryBudget budget(0.1, 3, 10s, clock);
    // 100 s at 100 calls a second, every call failing and asking for a retry.
    quint64 calls = 0;
    quint64 granted = 0;
    quint64 grantedAfterWarmUp = 0;
    quint64 callsAfterWarmUp = 0;
    for (int second = 0; second < 100; ++second) {
        for (int i = 0; i < 100; ++i) {
            budget.recordCall();
            ++calls;
            const bool ok = budget.tryWithdraw();
            granted += ok ? 1 : 0;
            if (second >= 10) {
                ++callsAfterWarmUp;
                grantedAfterWarmUp += ok ? 1 : 0;
            }
            // A granted retry never takes the window past its allowance. (Ageing can leave it
            // above: a second with calls but no retries may leave the window first.)
            if (ok) {
                ASSERT_LE(budget.retriesInWindow(), std::max<quint64>(30, (budget.callsInWindow() + 9) / 10));
            }
        }
        clock.advance(1s);
    }
    const double ratio = double(granted) / double(calls);
    EXPECT_LE(ratio, 0.101);
    EXPECT_GE(ratio, 0.095);
    EXPECT_NEAR(double(grantedAfterWarmUp) / double(callsAfterWarmUp), 0.10, 0.002);
    EXPECT_EQ(budget.retriesRefused(), calls - granted);
}

TEST(RetryBudgetTest, BudgetHoldsUnderManyThreads)
{
    ManualClock clock;
    RetryBudget budget(0.1, 0, 10s, clock);
    std::latch start(4);
    std::atomic<quint64> granted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            start.arrive_and_wait();
            for (int i = 0; i < 2500; ++i) {
                budget.recordCall();
                if (budget.tryWithdraw())
                    granted.fetch_add(1);
            }
        });
    }
    for (auto& thread : threads)
        thread.join();
    EXPECT_EQ(budget.callsInWindow(), 10000u);
    EXPECT_LE(granted.load(), 1000u);
    EXPECT_GE(granted.load(), 990u);
    EXPECT_EQ(budget.retriesInWindow(), granted.load());
    EXPECT_EQ(budget.retriesRefused(), 10000u - granted.load());
}

} // namespace
