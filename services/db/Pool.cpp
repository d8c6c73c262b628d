// SPDX-License-Identifier: MIT
#include "db/Pool.h"

#include "db/DbError.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcPool, "ops.db.pool", QtInfoMsg)

namespace ops::services {

using std::chrono::duration_cast;
using std::chrono::milliseconds;
using SteadyTime = std::chrono::steady_clock;

struct Pool::PooledConnection {
    std::unique_ptr<Connection> connection;
    Clock::TimePoint createdAt;
    Clock::TimePoint expiresAt;
    Clock::TimePoint lastUsed;  // returned to the pool, or validated
};

struct Pool::Lease {
    std::unique_ptr<PooledConnection> pooled;
    QString label;
    Clock::TimePoint since;
    bool leakReported = false;
};

namespace {
QString sqlStateClass(const Error& error)
{
    return error.sqlstate.size() >= 2 ? error.sqlstate.left(2) : QStringLiteral("--");
}
} // namespace

Pool::Pool(PoolConfig config, const Clock& clock)
    : m_config(std::move(config)),
      m_clock(clock),
      m_breaker(m_config.breaker, clock),
      m_retry(m_config.retry),
      m_budget(0.1, 3, std::chrono::seconds(10), clock),
      m_acquireWait(std::chrono::seconds(60), clock),
      m_queryLatency(std::chrono::seconds(60), clock)
{
    m_config.connection.connectTimeout = m_config.connectTimeout;
    m_workers.setMaxThreadCount(std::max(2, m_config.maxSize + 2));
    m_workers.setExpiryTimeout(60000);
    m_maintenanceThread = std::thread([this] { maintenanceLoop(); });
}

Pool::~Pool()
{
    shutdown();
}

void Pool::setLeakListener(std::function<void(const QString&, milliseconds, bool)> listener)
{
    std::lock_guard lock(m_mutex);
    m_leakListener = std::move(listener);
}

bool Pool::needsNewConnection() const
{
    if (m_closing || m_total >= m_config.maxSize)
        return false;
    return m_waiting > int(m_idle.size()) || int(m_idle.size()) < m_config.minIdle;
}

// A checked-out connection is used only if it looks alive, at a cost that grows with how long it
// sat idle: used within aliveBypassWindow, nothing (HikariCP's bypass: a syscall per checkout
// would double the pool's overhead, and housekeeping polls idle connections anyway); idle
// longer, a poll() of its socket for a goodbye from the server (no round trip); idle longer than
// validationThreshold, a real ping.
static bool stillUsable(Pool::PooledConnection& pooled, Clock::TimePoint now, const PoolConfig& config)
{
    if (now >= pooled.expiresAt)
        return false;
    if (now - pooled.lastUsed < config.aliveBypassWindow)
        return !pooled.connection->isBroken();
    if (!pooled.connection->pollAlive())
        return false;
    const milliseconds validationThreshold = config.validationThreshold;
    const milliseconds pingTimeout = config.connectTimeout;
    if (now - pooled.lastUsed > validationThreshold) {
        if (!pooled.connection->exec(QStringLiteral("SELECT 1"), {}, pingTimeout))
            return false;
        pooled.lastUsed = now;
    }
    return true;
}

Result<Pool::Lease*> Pool::acquire(const QString& label, Clock::TimePoint deadline)
{
    const auto started = m_clock.now();
    std::vector<std::unique_ptr<PooledConnection>> discarded;  // closed outside the lock
    std::unique_lock lock(m_mutex);
    if (m_closing)
        return Error::make(ErrorKind::ShuttingDown, QStringLiteral("the pool is shutting down"));
    ++m_waiting;
    const quint64 failuresAtStart = m_connectFailures;
    while (true) {
        while (!m_idle.empty()) {
            std::unique_ptr<PooledConnection> pooled = std::move(m_idle.back());
            m_idle.pop_back();
            lock.unlock();
            const bool usable = stillUsable(*pooled, m_clock.now(), m_config);
            lock.lock();
            if (!usable) {
                countRetired(true);
                discarded.push_back(std::move(pooled));
                continue;
            }
            --m_waiting;
            Lease& lease = m_leases.emplace_back();
            lease.pooled = std::move(pooled);
            lease.label = label;
            lease.since = m_clock.now();
            if (needsNewConnection())
                m_maintenance.notify_one();
            lock.unlock();
            m_acquireWait.record(m_clock.now() - started);
            return &lease;
        }
        if (m_closing) {
            --m_waiting;
            return Error::make(ErrorKind::ShuttingDown, QStringLiteral("the pool is shutting down"));
        }
        if (needsNewConnection())
            m_maintenance.notify_one();
        // With nothing checked out, a failed connect attempt means nothing will come back soon:
        // say so now, with the server's message, instead of waiting out the deadline.
        if (m_connectFailures != failuresAtStart && m_leases.empty() && m_lastConnectError) {
            --m_waiting;
            Error error = *m_lastConnectError;
            error.message = QStringLiteral("connect failed: %1").arg(error.message);
            return error;
        }
        if (m_available.wait_until(lock, deadline) == std::cv_status::timeout && m_idle.empty()) {
            --m_waiting;
            const auto waited = duration_cast<milliseconds>(m_clock.now() - started).count();
            if (m_total >= m_config.maxSize) {
                ++m_exhausted;
                return Error::make(ErrorKind::PoolExhausted,
                                   QStringLiteral("pool exhausted: all %1 connections were in use for %2 ms (%3)")
                                       .arg(m_config.maxSize)
                                       .arg(waited)
                                       .arg(label));
            }
            if (m_lastConnectError) {
                Error error = *m_lastConnectError;
                error.message = QStringLiteral("connect failed: %1").arg(error.message);
                return error;
            }
            Error error = Error::make(ErrorKind::Timeout,
                                      QStringLiteral("no connection became available within %1 ms (%2)").arg(waited).arg(label));
            error.retryable = true;
            return error;
        }
    }
}

void Pool::release(Lease* lease)
{
    std::unique_ptr<PooledConnection> pooled = std::move(lease->pooled);
    Connection& connection = *pooled->connection;
    const auto heldFor = duration_cast<milliseconds>(m_clock.now() - lease->since);

    // Only a connection whose transaction state is known and idle may serve the next caller.
    bool reusable = !connection.isBroken();
    if (reusable) {
        switch (connection.transactionStatus()) {
        case PQTRANS_IDLE:
            break;
        case PQTRANS_INTRANS:
        case PQTRANS_INERROR:
            reusable = connection.exec(QStringLiteral("ROLLBACK"), {}, m_config.connectTimeout).ok()
                       && connection.transactionStatus() == PQTRANS_IDLE;
            break;
        default:  // ACTIVE or UNKNOWN: a statement is still running or the protocol state is lost
            reusable = false;
        }
    }

    std::function<void(const QString&, milliseconds, bool)> listener;
    const QString label = lease->label;
    bool reported = false;  // written by housekeeping under the mutex
    std::unique_ptr<PooledConnection> toClose;
    {
        std::lock_guard lock(m_mutex);
        reported = lease->leakReported;
        if (m_closing || m_clock.now() >= pooled->expiresAt)
            reusable = false;
        m_leases.remove_if([lease](const Lease& l) { return &l == lease; });
        if (reusable) {
            pooled->lastUsed = m_clock.now();
            m_idle.push_back(std::move(pooled));
            m_available.notify_one();
        } else {
            countRetired(connection.isBroken());
            if (connection.isBroken()) {
                // A lost connection usually means the server restarted or terminated backends: its
                // idle siblings are likely dead too, so each is pinged at its next checkout instead
                // of being handed out unchecked inside the alive-bypass window (otherwise a retry
                // can land on another dead connection and the caller sees the failure).
                for (auto& idle : m_idle)
                    idle->lastUsed = Clock::TimePoint{};
            }
            toClose = std::move(pooled);
            m_maintenance.notify_one();
        }
        if (m_leases.empty())
            m_drained.notify_all();
        if (reported)
            listener = m_leakListener;
    }
    if (reported) {
        qCWarning(lcPool).noquote() << QStringLiteral("connection held by \"%1\" came back after %2 ms")
                                           .arg(label)
                                           .arg(heldFor.count());
    }
    if (listener)
        listener(label, heldFor, true);
}

void Pool::housekeep(std::unique_lock<std::mutex>& lock)
{
    const auto now = m_clock.now();
    std::vector<std::unique_ptr<PooledConnection>> toClose;
    std::vector<std::pair<QString, milliseconds>> leaks;

    if (m_config.leakDetectionThreshold.count() > 0) {
        for (Lease& lease : m_leases) {
            const auto held = duration_cast<milliseconds>(now - lease.since);
            if (!lease.leakReported && held >= m_config.leakDetectionThreshold) {
                lease.leakReported = true;
                ++m_leaks;
                leaks.emplace_back(lease.label, held);
            }
        }
    }

    // Retire expired connections, and idle ones above minIdle past the idle timeout. Poll the
    // rest (no round trip) so a server restart is noticed while the console is quiet.
    int idleCount = int(m_idle.size());
    for (auto it = m_idle.begin(); it != m_idle.end();) {
        PooledConnection& pooled = **it;
        const bool expired = now >= pooled.expiresAt;
        const bool surplus = idleCount > m_config.minIdle && now - pooled.lastUsed >= m_config.idleTimeout;
        const bool dead = !pooled.connection->pollAlive();
        if (expired || surplus || dead) {
            toClose.push_back(std::move(*it));
            it = m_idle.erase(it);
            --idleCount;
            countRetired(dead);
        } else {
            ++it;
        }
    }

    // Keepalive: ping the connection idle the longest, one per round, outside the lock.
    std::unique_ptr<PooledConnection> stale;
    if (!m_idle.empty() && now - m_idle.front()->lastUsed >= m_config.keepaliveInterval) {
        stale = std::move(m_idle.front());
        m_idle.pop_front();
    }
    auto listener = m_leakListener;
    lock.unlock();
    for (const auto& [label, held] : leaks) {
        qCWarning(lcPool).noquote() << QStringLiteral("possible connection leak: \"%1\" has held a connection for %2 ms")
                                           .arg(label)
                                           .arg(held.count());
        if (listener)
            listener(label, held, false);
    }
    toClose.clear();
    bool alive = false;
    if (stale)
        alive = stale->connection->exec(QStringLiteral("SELECT 1"), {}, m_config.connectTimeout).ok();
    lock.lock();
    if (stale) {
        if (alive && !m_closing) {
            stale->lastUsed = m_clock.now();
            m_idle.push_front(std::move(stale));
            m_available.notify_one();
        } else {
            countRetired(false);
            lock.unlock();
            stale.reset();
            lock.lock();
        }
    }
}

void Pool::maintenanceLoop()
{
    std::unique_lock lock(m_mutex);
    auto nextHousekeeping = m_clock.now();
    while (!m_closing) {
        if (m_clock.now() >= nextHousekeeping) {
            housekeep(lock);
            nextHousekeeping = m_clock.now() + m_config.housekeepingInterval;
            continue;
        }
        if (needsNewConnection() && !m_connecting && m_clock.now() >= m_nextConnectAttempt) {
            // One connect at a time, by this thread only: callers never open connections.
            m_connecting = true;
            ++m_total;
            lock.unlock();
            auto opened = Connection::open(m_config.connection, m_config.connectTimeout);
            lock.lock();
            m_connecting = false;
            if (opened && !m_closing) {
                auto pooled = std::make_unique<PooledConnection>();
                pooled->connection = std::move(opened.value());
                pooled->createdAt = m_clock.now();
                // Up to 10% earlier than maxLifetime, so connections made together do not all
                // expire together.
                const auto jitter = milliseconds(qint64(m_config.maxLifetime.count() * 0.1 * (std::rand() / double(RAND_MAX))));
                pooled->expiresAt = pooled->createdAt + m_config.maxLifetime - jitter;
                pooled->lastUsed = pooled->createdAt;
                m_idle.push_back(std::move(pooled));
                ++m_created;
                m_lastConnectError.reset();
                m_connectBackoff = milliseconds(0);
                m_available.notify_one();
            } else {
                --m_total;
                if (!opened) {
                    ++m_connectFailures;
                    m_lastConnectError = opened.error();
                    m_connectBackoff = std::min(milliseconds(5000), std::max(milliseconds(100), m_connectBackoff * 2));
                    m_nextConnectAttempt = m_clock.now() + m_connectBackoff;
                    qCDebug(lcPool).noquote() << "connect failed:" << opened.error().toString();
                    m_available.notify_all();
                }
            }
            continue;
        }
        auto wakeAt = nextHousekeeping;
        if (needsNewConnection() && m_nextConnectAttempt > m_clock.now())
            wakeAt = std::min(wakeAt, m_nextConnectAttempt);
        m_maintenance.wait_until(lock, wakeAt);
    }
}

void Pool::countRetired(bool broken)
{
    --m_total;
    ++m_closed;
    if (broken)
        ++m_broken;
}

void Pool::recordFailure(const Error& error)
{
    std::lock_guard lock(m_mutex);
    ++m_failures;
    if (error.kind == ErrorKind::Timeout)
        ++m_timeouts;
    ++m_failuresByClass[sqlStateClass(error)];
}

Result<void> Pool::run(const QString& label, const CallOptions& options, bool transaction,
                       const std::function<std::optional<Error>(Connection&)>& work)
{
    const auto started = m_clock.now();
    const auto deadline = options.deadline ? started + *options.deadline : Clock::TimePoint::max();
    {
        std::lock_guard lock(m_mutex);
        ++m_calls;
    }
    auto permit = m_breaker.tryAcquire();
    if (!permit) {
        recordFailure(permit.error());
        return permit.error();
    }
    m_budget.recordCall();

    for (int attempt = 1;; ++attempt) {
        std::optional<Error> error;
        bool statementSent = false;
        auto lease = acquire(label, std::min(deadline, m_clock.now() + m_config.acquireTimeout));
        if (!lease) {
            error = lease.error();
        } else {
            Connection& connection = *(*lease)->pooled->connection;
            if (options.deadline)
                connection.setDeadline(deadline);
            const auto queryStarted = m_clock.now();
            if (!transaction) {
                error = work(connection);
                statementSent = connection.lastStatementSent();
            } else {
                error = [&]() -> std::optional<Error> {
                    if (auto begun = connection.exec(QStringLiteral("BEGIN")); !begun)
                        return begun.error();
                    if (options.statementTimeout) {
                        auto set = connection.exec(QStringLiteral("SELECT set_config('statement_timeout', $1, true)"),
                                                   {QString::number(options.statementTimeout->count())});
                        if (!set)
                            return set.error();
                    }
                    if (auto failed = work(connection)) {
                        connection.setDeadline(std::nullopt);  // the rollback must run even after a deadline
                        if (!connection.isBroken())
                            (void)connection.exec(QStringLiteral("ROLLBACK"));
                        return failed;
                    }
                    auto committed = connection.exec(QStringLiteral("COMMIT"));
                    // A COMMIT that got no answer may or may not have happened: not safe to repeat.
                    statementSent = !committed && committed.error().kind == ErrorKind::Connection;
                    return committed ? std::nullopt : std::optional<Error>(committed.error());
                }();
            }
            m_queryLatency.record(m_clock.now() - queryStarted);
            connection.setDeadline(std::nullopt);
            release(lease.value());
        }

        if (!error) {
            m_breaker.onSuccess(permit.value(), m_clock.now() - started);
            return {};
        }
        const RetryDecision decision =
            m_retry.decide(*error, attempt, options.idempotent, statementSent, deadline, m_clock, &m_budget);
        const bool breakerOpen = m_breaker.state() == CircuitState::Open || m_breaker.state() == CircuitState::ForcedOpen;
        if (!decision.retry || breakerOpen) {
            // The unit counts once in the breaker's window, with its final outcome; only
            // connectivity failures count against the server.
            if (dberror::isConnectivityFailure(*error))
                m_breaker.onFailure(permit.value(), m_clock.now() - started);
            else
                m_breaker.onSuccess(permit.value(), m_clock.now() - started);
            recordFailure(*error);
            return *error;
        }
        {
            std::lock_guard lock(m_mutex);
            ++m_retries;
        }
        qCDebug(lcPool).noquote() << QStringLiteral("retrying \"%1\" in %2 ms after: %3")
                                         .arg(label)
                                         .arg(decision.delay.count())
                                         .arg(error->toString());
        std::this_thread::sleep_for(decision.delay);
    }
}

bool Pool::shutdown(milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    if (!m_maintenanceThread.joinable())
        return m_leases.empty();
    m_closing = true;
    m_available.notify_all();
    m_maintenance.notify_all();
    const bool drained = m_drained.wait_for(lock, timeout, [this] { return m_leases.empty(); });
    std::deque<std::unique_ptr<PooledConnection>> idle = std::move(m_idle);
    m_idle.clear();
    m_total -= int(idle.size());
    m_closed += idle.size();
    lock.unlock();
    idle.clear();
    m_maintenanceThread.join();
    m_workers.waitForDone(int(timeout.count()));
    if (!drained)
        qCWarning(lcPool) << "pool shut down with units of work still running";
    return drained;
}

PoolMetrics Pool::metrics() const
{
    PoolMetrics metrics;
    {
        std::lock_guard lock(m_mutex);
        metrics.total = m_total;
        metrics.idle = int(m_idle.size());
        metrics.inUse = int(m_leases.size());
        metrics.waiting = m_waiting;
        metrics.maxSize = m_config.maxSize;
        metrics.calls = m_calls;
        metrics.failures = m_failures;
        metrics.retries = m_retries;
        metrics.timeouts = m_timeouts;
        metrics.exhausted = m_exhausted;
        metrics.connectFailures = m_connectFailures;
        metrics.connectionsCreated = m_created;
        metrics.connectionsClosed = m_closed;
        metrics.brokenDiscarded = m_broken;
        metrics.leaksDetected = m_leaks;
        metrics.failuresBySqlStateClass = m_failuresByClass;
    }
    metrics.acquireWait = m_acquireWait.snapshot();
    metrics.queryLatency = m_queryLatency.snapshot();
    metrics.circuit = m_breaker.metrics();
    return metrics;
}

} // namespace ops::services
