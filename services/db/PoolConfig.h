// SPDX-License-Identifier: MIT
#pragma once

// PoolConfig: every knob of the connection pool, with defaults that follow the pool-sizing rule
// (cores x 2 + 1) rather than a large number, and the environment names the team already uses:
// DATABASE_URL, DATABASE_POOLER_URL, DB_POOL_MAX, DB_MAX_RETRIES, DB_CIRCUIT_THRESHOLD,
// DB_CIRCUIT_WAIT_MS, DB_ACQUIRE_TIMEOUT_MS. Invalid values are refused with a message naming the
// variable. A value type.

#include "common/Result.h"
#include "db/CircuitBreaker.h"
#include "db/ConnectionOptions.h"
#include "db/RetryPolicy.h"

#include <QProcessEnvironment>

#include <chrono>

namespace ops::services {

struct PoolConfig {
    using ms = std::chrono::milliseconds;

    ConnectionOptions connection;    // where units of work go (a transaction pooler is fine)
    ConnectionOptions direct;        // a session connection for LISTEN (defaults to `connection`)
    bool throughTransactionPooler = false;  // DATABASE_POOLER_URL was used for `connection`

    int minIdle = 1;
    int maxSize = defaultMaxSize();
    ms acquireTimeout{5000};
    ms connectTimeout{5000};
    ms idleTimeout{10 * 60 * 1000};  // idle connections above minIdle are closed after this
    ms maxLifetime{30 * 60 * 1000};  // every connection is replaced after this, minus up to 10% jitter
    ms keepaliveInterval{2 * 60 * 1000};  // an idle connection is pinged this often
    ms aliveBypassWindow{500};      // a connection used this recently is handed out unchecked
    ms validationThreshold{1000};   // checkout of a connection idle longer than this pings it first
    ms leakDetectionThreshold{30000};  // warn when a unit of work holds a connection this long; 0 = off
    ms housekeepingInterval{500};

    RetryConfig retry;
    CircuitBreakerConfig breaker;

    static int defaultMaxSize();

    // Applies the environment on top of `base`. DATABASE_POOLER_URL (if set) carries units of work
    // and DATABASE_URL becomes the direct connection for LISTEN.
    static Result<PoolConfig> fromEnvironment(const QProcessEnvironment& environment, PoolConfig base);
    static Result<PoolConfig> fromEnvironment(const QProcessEnvironment& environment);
    Result<void> validate() const;
};

} // namespace ops::services
