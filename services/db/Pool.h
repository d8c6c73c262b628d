// SPDX-License-Identifier: MIT
#pragma once

// Pool: the console's embedded libpq connection pool, the way every feature reaches the database.
//
// - Callers block only on the pool. Connections are opened by the pool's maintenance thread, one
//   at a time, when there is demand or fewer than minIdle are idle: 50 requests on 5 idle
//   connections never cause a connect storm.
// - Every unit of work is labelled ("GET /api/contacts") and runs through the circuit breaker and
//   the retry policy: retry outside, the breaker counts the unit once, retries of writes only when
//   the caller marks the unit idempotent (serialization failures and deadlocks always: the server
//   rolled the transaction back).
// - A connection goes back to the idle set only when its transaction status is idle; an open or
//   failed transaction is rolled back, an unknown state is discarded. Broken connections (server
//   restart, pg_terminate_backend) are noticed at checkout without a round trip and replaced.
// - Nothing relies on session state across units of work (unnamed parameterised statements,
//   SET LOCAL via set_config(..., true)), so a PgBouncer/Supavisor transaction pooler is fine.
//
// Thread-safety: every public method may be called from any thread. withClient() and
// inTransaction() block the calling thread: call them from workers, or use the Async forms, which
// run on the pool's own worker threads and return a QFuture (attach continuations with
// .then(context, ...) so they land on the context's thread; the GUI thread never waits).
// Errors are Result values: PoolExhausted, CircuitOpen, Connection (with the server's message),
// Timeout, ShuttingDown, or the statement's own error with SQLSTATE.

#include "common/Result.h"
#include "db/CircuitBreaker.h"
#include "db/Clock.h"
#include "db/Connection.h"
#include "db/LatencyHistogram.h"
#include "db/PoolConfig.h"
#include "db/RetryPolicy.h"

#include <QFuture>
#include <QMap>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <condition_variable>
#include <deque>
#include <functional>
#include <list>
#include <mutex>
#include <thread>

namespace ops::services {

struct CallOptions {
    bool idempotent = false;  // safe to run twice: reads, or writes with an idempotency key
    std::optional<std::chrono::milliseconds> deadline;  // whole call incl. acquire and retries
    std::optional<std::chrono::milliseconds> statementTimeout;  // server side, inTransaction only

    // A unit that may run twice (a read, or a write with an idempotency key).
    static CallOptions idempotentUnit()
    {
        CallOptions options;
        options.idempotent = true;
        return options;
    }
};

struct PoolMetrics {
    int total = 0;
    int idle = 0;
    int inUse = 0;
    int waiting = 0;
    int maxSize = 0;
    LatencySnapshot acquireWait;
    LatencySnapshot queryLatency;
    quint64 calls = 0;
    quint64 failures = 0;
    quint64 retries = 0;
    quint64 timeouts = 0;
    quint64 exhausted = 0;
    quint64 connectFailures = 0;
    quint64 connectionsCreated = 0;
    quint64 connectionsClosed = 0;
    quint64 brokenDiscarded = 0;
    quint64 leaksDetected = 0;
    QMap<QString, quint64> failuresBySqlStateClass;  // "08", "40", "23", ... ; "--" without SQLSTATE
    CircuitBreakerMetrics circuit;
};

class Pool final {
public:
    explicit Pool(PoolConfig config, const Clock& clock = SteadyClock::instance());
    ~Pool();  // drains: see shutdown()
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;

    // One unit of work on a pooled connection. `work(Connection&)` returns a Result<T>; so does
    // this call: the unit's own error, or the pool's (exhausted, circuit open, connect failed...).
    template <typename Fn>
    auto withClient(const QString& label, Fn&& work, CallOptions options = {})
        -> decltype(work(std::declval<Connection&>()))
    {
        return runUnit(label, std::forward<Fn>(work), options, false);
    }

    // BEGIN; work; COMMIT (ROLLBACK on error). A serialization failure or deadlock retries the
    // whole unit; the server-side statement timeout is SET LOCAL.
    template <typename Fn>
    auto inTransaction(const QString& label, Fn&& work, CallOptions options = {})
        -> decltype(work(std::declval<Connection&>()))
    {
        return runUnit(label, std::forward<Fn>(work), options, true);
    }

    template <typename Fn>
    auto withClientAsync(const QString& label, Fn work, CallOptions options = {})
        -> QFuture<decltype(work(std::declval<Connection&>()))>
    {
        return QtConcurrent::run(&m_workers, [this, label, work = std::move(work), options]() mutable {
            return withClient(label, work, options);
        });
    }

    template <typename Fn>
    auto inTransactionAsync(const QString& label, Fn work, CallOptions options = {})
        -> QFuture<decltype(work(std::declval<Connection&>()))>
    {
        return QtConcurrent::run(&m_workers, [this, label, work = std::move(work), options]() mutable {
            return inTransaction(label, work, options);
        });
    }

    // Refuses new work, waits up to `timeout` for running units to finish, closes every connection.
    // Returns false when units were still running at the timeout (their connections are closed
    // when they return).
    bool shutdown(std::chrono::milliseconds timeout = std::chrono::seconds(10));

    PoolMetrics metrics() const;
    CircuitBreaker& circuitBreaker() { return m_breaker; }
    const PoolConfig& config() const { return m_config; }

    // Warnings about connections held too long go here too (besides the log): label, held for.
    void setLeakListener(std::function<void(const QString& label, std::chrono::milliseconds heldFor, bool returned)> listener);

    struct PooledConnection;  // defined in Pool.cpp

private:
    struct Lease;
    // Adapts a typed unit of work to run(): the outcome is kept here, run() sees only its error.
    template <typename Fn>
    auto runUnit(const QString& label, Fn&& work, const CallOptions& options, bool transaction)
        -> decltype(work(std::declval<Connection&>()))
    {
        using R = decltype(work(std::declval<Connection&>()));
        std::optional<R> outcome;
        Result<void> status = run(label, options, transaction, [&](Connection& connection) -> std::optional<Error> {
            outcome.emplace(work(connection));
            if (outcome->ok())
                return std::nullopt;
            return outcome->error();
        });
        if (!status)
            return R(status.error());
        return std::move(*outcome);
    }

    Result<void> run(const QString& label, const CallOptions& options, bool transaction,
                     const std::function<std::optional<Error>(Connection&)>& work);
    Result<Lease*> acquire(const QString& label, Clock::TimePoint deadline);
    void release(Lease* lease);
    void maintenanceLoop();
    void housekeep(std::unique_lock<std::mutex>& lock);
    bool needsNewConnection() const;
    // A connection left the pool for good (m_mutex held); `broken` when the server or network killed it.
    void countRetired(bool broken);
    void recordFailure(const Error& error);

    PoolConfig m_config;
    const Clock& m_clock;
    CircuitBreaker m_breaker;
    RetryPolicy m_retry;
    RetryBudget m_budget;
    LatencyHistogram m_acquireWait;
    LatencyHistogram m_queryLatency;
    QThreadPool m_workers;

    mutable std::mutex m_mutex;
    std::condition_variable m_available;   // a connection became idle, or the pool closed
    std::condition_variable m_maintenance; // demand changed, or time to housekeep
    std::condition_variable m_drained;     // the last lease came back
    std::deque<std::unique_ptr<PooledConnection>> m_idle;  // back = most recently used
    std::list<Lease> m_leases;
    int m_total = 0;
    int m_waiting = 0;
    bool m_connecting = false;
    bool m_closing = false;
    std::optional<Error> m_lastConnectError;
    Clock::TimePoint m_nextConnectAttempt{};
    std::chrono::milliseconds m_connectBackoff{0};
    std::function<void(const QString&, std::chrono::milliseconds, bool)> m_leakListener;

    quint64 m_calls = 0, m_failures = 0, m_retries = 0, m_timeouts = 0, m_exhausted = 0, m_connectFailures = 0,
            m_created = 0, m_closed = 0, m_broken = 0, m_leaks = 0;
    QMap<QString, quint64> m_failuresByClass;

    std::thread m_maintenanceThread;  // last: started after everything above exists
};

} // namespace ops::services
