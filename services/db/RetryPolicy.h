// SPDX-License-Identifier: MIT
#pragma once

// RetryPolicy: decides whether a failed unit of work is tried again and after how long
// (exponential backoff with full jitter). RetryBudget: keeps retries to a small share of all calls
// (Finagle-style), so a struggling server is not hit by a retry storm on top of its normal load.
//
// A retry happens only when all of these hold, checked in this order (the first that fails is the
// RetryDecision's reason):
//   1. the error kind is not CircuitOpen, ShuttingDown, PoolExhausted, InvalidInput, Permission,
//      Query or Internal (retrying cannot help those);
//   2. error.retryable is true (set for Connection and Transient failures and connect timeouts);
//   3. the statement was not sent, or the unit is idempotent, or the SQLSTATE is 40001
//      (serialization failure) or 40P01 (deadlock): the server rolled those back, so nothing was
//      written; any other failure after sending a non-idempotent write might have committed;
//   4. attemptsMade < maxAttempts;
//   5. the jittered delay ends before the deadline (a retry that would start at or after the
//      deadline has no time left to run);
//   6. the budget (when given) grants a withdrawal; it is asked last, so only retries that
//      actually happen spend it.
//
// Thread-safety: both classes may be used from any thread concurrently (a mutex guards the random
// generator and the budget's buckets). Errors: none; decisions are values with a reason for logs.

#include "common/Result.h"
#include "db/Clock.h"

#include <QString>

#include <chrono>
#include <mutex>
#include <random>
#include <vector>

namespace ops::services {

struct RetryConfig {
    int maxAttempts = 3;  // total attempts including the first; 1 = never retry
    std::chrono::milliseconds initialBackoff{50};
    std::chrono::milliseconds maxBackoff{2000};
    double multiplier = 2.0;

    // InvalidInput naming the field when a value is out of range. RetryPolicy clamps instead
    // (maxAttempts to at least 1, backoffs to at least 0, multiplier to at least 1).
    Result<void> validate() const;
};

struct RetryDecision {
    bool retry = false;
    std::chrono::milliseconds delay{0};  // wait this long before the next attempt (when retry)
    QString reason;                      // why not / why, for logs
};

// Finagle-style retry budget over a sliding window of `ttl` seconds (per-second buckets): a retry
// is allowed while retries in the window < max(minRetriesPerSecond * ttl seconds,
// retryRatio * calls in the window). The floor lets a quiet client still retry a little; the ratio
// caps retries at about 10% of traffic under load. Calls are units of work (recordCall() once per
// unit, not per attempt).
class RetryBudget final {
public:
    explicit RetryBudget(double retryRatio = 0.1, int minRetriesPerSecond = 3,
                         std::chrono::seconds ttl = std::chrono::seconds(10),
                         const Clock& clock = SteadyClock::instance());
    RetryBudget(const RetryBudget&) = delete;
    RetryBudget& operator=(const RetryBudget&) = delete;

    void recordCall();
    // True (and the retry is counted) when the budget allows one more retry now.
    bool tryWithdraw();

    quint64 retriesRefused() const;     // since construction
    quint64 callsInWindow() const;
    quint64 retriesInWindow() const;

private:
    struct Bucket {
        quint64 calls = 0;
        quint64 retries = 0;
    };
    void advance(long long second) const;
    long long currentSecond() const;

    const double m_retryRatio = 0.1;
    const int m_minRetriesPerSecond = 3;
    const int m_ttlSeconds = 10;
    const Clock& m_clock;

    mutable std::mutex m_mutex;  // guards everything below
    mutable std::vector<Bucket> m_buckets;  // ring indexed by second % ttl
    mutable long long m_lastSecond = 0;
    mutable quint64 m_calls = 0;    // in the window
    mutable quint64 m_retries = 0;  // in the window
    quint64 m_refused = 0;
};

class RetryPolicy final {
public:
    explicit RetryPolicy(RetryConfig config = {}, quint64 seed = randomSeed());

    RetryDecision decide(const Error& error, int attemptsMade, bool idempotent, bool statementSent,
                         Clock::TimePoint deadline, const Clock& clock, RetryBudget* budget) const;

    // Full jitter: uniform in [0, backoffCap(retryNumber)], whole milliseconds. retryNumber is 1
    // for the first retry (after the first attempt failed).
    std::chrono::milliseconds backoff(int retryNumber) const;
    // min(maxBackoff, initialBackoff * multiplier^(retryNumber - 1)).
    std::chrono::milliseconds backoffCap(int retryNumber) const;

    const RetryConfig& config() const { return m_config; }

    static quint64 randomSeed();

private:
    const RetryConfig m_config;
    mutable std::mutex m_mutex;  // guards m_random
    mutable std::mt19937_64 m_random;
};

} // namespace ops::services
