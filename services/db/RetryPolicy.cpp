// SPDX-License-Identifier: MIT
#include "db/RetryPolicy.h"

#include <algorithm>
#include <cmath>

namespace ops::services {

using std::chrono::milliseconds;

namespace {

// The policy must not loop forever or wait a negative time because of a bad setting; validate()
// is where a bad setting gets reported to a person.
RetryConfig sanitized(RetryConfig config)
{
    config.maxAttempts = std::max(1, config.maxAttempts);
    config.initialBackoff = std::max(milliseconds(0), config.initialBackoff);
    config.maxBackoff = std::max(milliseconds(0), config.maxBackoff);
    if (!(config.multiplier >= 1.0))  // also catches NaN
        config.multiplier = 1.0;
    return config;
}

bool neverRetried(ErrorKind kind)
{
    switch (kind) {
    case ErrorKind::CircuitOpen:    // the breaker said no: retrying would defeat it
    case ErrorKind::ShuttingDown:   // nothing will accept the work
    case ErrorKind::PoolExhausted:  // the caller already waited its acquire deadline; more waiting adds load
    case ErrorKind::InvalidInput:
    case ErrorKind::Permission:
    case ErrorKind::Query:
    case ErrorKind::Internal:       // the same input gives the same answer
        return true;
    default:
        return false;
    }
}

// The server rolled the whole transaction back, so nothing was written and repeating it is safe
// even for a non-idempotent write.
bool rolledBackByServer(const Error& error)
{
    return error.sqlstate == QLatin1String("40001") || error.sqlstate == QLatin1String("40P01");
}

RetryDecision no(QString reason)
{
    return RetryDecision{false, milliseconds(0), std::move(reason)};
}

} // namespace

Result<void> RetryConfig::validate() const
{
    auto invalid = [](const QString& message) {
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("retry: ") + message);
    };
    if (maxAttempts < 1)
        return invalid(QStringLiteral("maxAttempts must be at least 1 (got %1)").arg(maxAttempts));
    if (initialBackoff.count() < 0 || maxBackoff.count() < 0)
        return invalid(QStringLiteral("backoff must not be negative"));
    if (maxBackoff < initialBackoff)
        return invalid(QStringLiteral("maxBackoff (%1 ms) is below initialBackoff (%2 ms)")
                           .arg(maxBackoff.count())
                           .arg(initialBackoff.count()));
    if (!(multiplier >= 1.0))
        return invalid(QStringLiteral("multiplier must be at least 1 (got %1)").arg(multiplier));
    return {};
}

// --- RetryBudget -------------------------------------------------------------------------------

RetryBudget::RetryBudget(double retryRatio, int minRetriesPerSecond, std::chrono::seconds ttl, const Clock& clock)
    : m_retryRatio(std::max(0.0, retryRatio)),
      m_minRetriesPerSecond(std::max(0, minRetriesPerSecond)),
      m_ttlSeconds(int(std::clamp<long long>(ttl.count(), 1, 3600))),
      m_clock(clock),
      m_buckets(std::size_t(m_ttlSeconds))
{
    m_lastSecond = currentSecond();
}

long long RetryBudget::currentSecond() const
{
    return std::chrono::duration_cast<std::chrono::seconds>(m_clock.now().time_since_epoch()).count();
}

void RetryBudget::advance(long long second) const
{
    if (second <= m_lastSecond)
        return;
    if (second - m_lastSecond >= m_ttlSeconds) {
        std::fill(m_buckets.begin(), m_buckets.end(), Bucket{});
        m_calls = m_retries = 0;
    } else {
        // Each second we step into reuses the slot of the second that just left the window.
        for (long long s = m_lastSecond + 1; s <= second; ++s) {
            Bucket& bucket = m_buckets[std::size_t(s % m_ttlSeconds)];
            m_calls -= bucket.calls;
            m_retries -= bucket.retries;
            bucket = Bucket{};
        }
    }
    m_lastSecond = second;
}

void RetryBudget::recordCall()
{
    const long long second = currentSecond();
    std::lock_guard lock(m_mutex);
    advance(second);
    ++m_buckets[std::size_t(m_lastSecond % m_ttlSeconds)].calls;
    ++m_calls;
}

bool RetryBudget::tryWithdraw()
{
    const long long second = currentSecond();
    std::lock_guard lock(m_mutex);
    advance(second);
    const double floor = double(m_minRetriesPerSecond) * m_ttlSeconds;
    const double allowance = std::max(floor, m_retryRatio * double(m_calls));
    if (double(m_retries) >= allowance) {
        ++m_refused;
        return false;
    }
    ++m_buckets[std::size_t(m_lastSecond % m_ttlSeconds)].retries;
    ++m_retries;
    return true;
}

quint64 RetryBudget::retriesRefused() const
{
    std::lock_guard lock(m_mutex);
    return m_refused;
}

quint64 RetryBudget::callsInWindow() const
{
    const long long second = currentSecond();
    std::lock_guard lock(m_mutex);
    advance(second);
    return m_calls;
}

quint64 RetryBudget::retriesInWindow() const
{
    const long long second = currentSecond();
    std::lock_guard lock(m_mutex);
    advance(second);
    return m_retries;
}

// --- RetryPolicy -------------------------------------------------------------------------------

RetryPolicy::RetryPolicy(RetryConfig config, quint64 seed)
    : m_config(sanitized(std::move(config))),
      m_random(seed)
{
}

quint64 RetryPolicy::randomSeed()
{
    std::random_device device;
    return (quint64(device()) << 32) ^ quint64(device());
}

milliseconds RetryPolicy::backoffCap(int retryNumber) const
{
    const int exponent = std::max(0, retryNumber - 1);
    // In double: initialBackoff * multiplier^n overflows an integer long before it stops
    // mattering, and the cap makes the precision irrelevant.
    const double uncapped = double(m_config.initialBackoff.count()) * std::pow(m_config.multiplier, exponent);
    const double cap = double(m_config.maxBackoff.count());
    return milliseconds(static_cast<long long>(std::min(uncapped, cap)));
}

milliseconds RetryPolicy::backoff(int retryNumber) const
{
    // Full jitter (AWS architecture blog, "Exponential Backoff And Jitter"): spreads clients that
    // failed together across the whole interval instead of retrying in lockstep.
    const long long cap = backoffCap(retryNumber).count();
    std::uniform_int_distribution<long long> uniform(0, cap);
    std::lock_guard lock(m_mutex);
    return milliseconds(uniform(m_random));
}

RetryDecision RetryPolicy::decide(const Error& error, int attemptsMade, bool idempotent, bool statementSent,
                                  Clock::TimePoint deadline, const Clock& clock, RetryBudget* budget) const
{
    if (neverRetried(error.kind))
        return no(QStringLiteral("%1 is never retried").arg(errorKindName(error.kind)));
    if (!error.retryable)
        return no(QStringLiteral("%1 is not retryable").arg(errorKindName(error.kind)));
    if (statementSent && !idempotent && !rolledBackByServer(error))
        return no(QStringLiteral("not idempotent and the statement was sent: it may have taken effect"));
    if (attemptsMade >= m_config.maxAttempts)
        return no(QStringLiteral("gave up after %1 attempt(s)").arg(attemptsMade));

    const milliseconds delay = backoff(attemptsMade);
    const Clock::TimePoint now = clock.now();
    // Compared as "time left" rather than now + delay: a caller without a deadline passes
    // TimePoint::max(), and adding to it would overflow.
    if (now >= deadline || deadline - now <= delay)
        return no(QStringLiteral("the deadline would pass before a retry in %1 ms").arg(delay.count()));
    if (budget && !budget->tryWithdraw())
        return no(QStringLiteral("retry budget exhausted"));
    return RetryDecision{true, delay,
                         QStringLiteral("retry %1 of %2 in %3 ms after %4")
                             .arg(attemptsMade)
                             .arg(m_config.maxAttempts - 1)
                             .arg(delay.count())
                             .arg(errorKindName(error.kind))};
}

} // namespace ops::services
