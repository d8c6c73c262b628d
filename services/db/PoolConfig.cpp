// SPDX-License-Identifier: MIT
#include "db/PoolConfig.h"

#include <QThread>

namespace ops::services {

int PoolConfig::defaultMaxSize()
{
    // The pool-sizing rule of thumb (cores x 2 + 1): more connections than that only queue
    // inside PostgreSQL instead of inside the pool.
    return std::max(1, QThread::idealThreadCount()) * 2 + 1;
}

namespace {
Result<qint64> integerVariable(const QProcessEnvironment& environment, const char* name, qint64 minimum, qint64 maximum,
                               qint64 fallback)
{
    const QString key = QString::fromLatin1(name);
    if (!environment.contains(key))
        return fallback;
    bool ok = false;
    const qint64 value = environment.value(key).trimmed().toLongLong(&ok);
    if (!ok || value < minimum || value > maximum)
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("%1 must be a whole number from %2 to %3, not \"%4\"")
                                                        .arg(key)
                                                        .arg(minimum)
                                                        .arg(maximum)
                                                        .arg(environment.value(key).left(40)));
    return value;
}
} // namespace

Result<PoolConfig> PoolConfig::fromEnvironment(const QProcessEnvironment& environment)
{
    return fromEnvironment(environment, PoolConfig());
}

Result<PoolConfig> PoolConfig::fromEnvironment(const QProcessEnvironment& environment, PoolConfig base)
{
    PoolConfig config = std::move(base);
    const QString databaseUrl = environment.value(QStringLiteral("DATABASE_URL"));
    const QString poolerUrl = environment.value(QStringLiteral("DATABASE_POOLER_URL"));
    if (!databaseUrl.isEmpty()) {
        auto parsed = ConnectionOptions::fromConnectionString(databaseUrl);
        if (!parsed)
            return Error::make(ErrorKind::InvalidInput, QStringLiteral("DATABASE_URL: %1").arg(parsed.error().message));
        config.connection = parsed.value();
        config.direct = parsed.value();
    }
    if (!poolerUrl.isEmpty()) {
        auto parsed = ConnectionOptions::fromConnectionString(poolerUrl);
        if (!parsed)
            return Error::make(ErrorKind::InvalidInput,
                               QStringLiteral("DATABASE_POOLER_URL: %1").arg(parsed.error().message));
        config.connection = parsed.value();
        config.throughTransactionPooler = true;
        if (databaseUrl.isEmpty())
            config.direct = parsed.value();  // LISTEN will not work through the pooler; say so at start
    }

    auto maxSize = integerVariable(environment, "DB_POOL_MAX", 1, 1000, config.maxSize);
    auto retries = integerVariable(environment, "DB_MAX_RETRIES", 0, 20, config.retry.maxAttempts - 1);
    auto threshold = integerVariable(environment, "DB_CIRCUIT_THRESHOLD", 1, 100,
                                     qint64(config.breaker.failureRateThreshold * 100 + 0.5));
    auto wait = integerVariable(environment, "DB_CIRCUIT_WAIT_MS", 100, 3'600'000, config.breaker.waitInOpen.count());
    auto acquire = integerVariable(environment, "DB_ACQUIRE_TIMEOUT_MS", 50, 600'000, config.acquireTimeout.count());
    for (const Result<qint64>* value : {&maxSize, &retries, &threshold, &wait, &acquire}) {
        if (!*value)
            return value->error();
    }
    config.maxSize = int(maxSize.value());
    config.minIdle = std::min(config.minIdle, config.maxSize);
    config.retry.maxAttempts = int(retries.value()) + 1;
    // DB_CIRCUIT_THRESHOLD is the failure rate in percent over the breaker's window.
    config.breaker.failureRateThreshold = double(threshold.value()) / 100.0;
    config.breaker.waitInOpen = ms(wait.value());
    config.acquireTimeout = ms(acquire.value());
    if (auto valid = config.validate(); !valid)
        return valid.error();
    return config;
}

Result<void> PoolConfig::validate() const
{
    if (maxSize < 1)
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("the pool needs at least one connection"));
    if (minIdle < 0 || minIdle > maxSize)
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("minIdle must be between 0 and the pool size"));
    if (acquireTimeout.count() <= 0 || connectTimeout.count() <= 0)
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("timeouts must be positive"));
    if (maxLifetime < std::chrono::seconds(1))
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("maxLifetime must be at least one second"));
    return {};
}

} // namespace ops::services
