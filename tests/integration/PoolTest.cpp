// SPDX-License-Identifier: MIT
// The pool against a real server, directly and through PgBouncer in transaction mode.
#include "PgBouncer.h"
#include "TestCluster.h"

#include "db/Pool.h"

#include <QCoreApplication>
#include <QThread>

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>
#include <set>

using namespace ops::services;
using ops::testing::PgBouncer;
using ops::testing::TestCluster;
using namespace std::chrono_literals;

namespace {

enum class Target { Direct, PgBouncerTransactionMode };

std::string targetName(const ::testing::TestParamInfo<Target>& info)
{
    return info.param == Target::Direct ? "Direct" : "PgBouncer";
}

class PoolTest : public ::testing::TestWithParam<Target> {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_direct = database.value();
        m_target = m_direct;
        if (GetParam() == Target::PgBouncerTransactionMode) {
            auto bouncer = PgBouncer::start(TestCluster::shared().server().socketDirectory());
            ASSERT_TRUE(bouncer.ok()) << bouncer.error().toString().toStdString();
            m_bouncer = std::move(bouncer.value());
            m_target = m_bouncer->options(m_direct.database());
        }
        m_admin = TestCluster::shared().connect(m_direct.database());
        ASSERT_TRUE(m_admin);
    }

    PoolConfig config() const
    {
        PoolConfig config;
        config.connection = m_target;
        config.direct = m_direct;
        config.throughTransactionPooler = GetParam() == Target::PgBouncerTransactionMode;
        config.maxSize = 5;
        config.minIdle = 1;
        config.housekeepingInterval = 50ms;
        return config;
    }

    static Result<qint64> backendPid(Pool& pool)
    {
        return pool.withClient(QStringLiteral("GET /pid"), [](Connection& c) -> Result<qint64> {
            auto pid = c.exec(QStringLiteral("SELECT pg_backend_pid()"));
            if (!pid)
                return pid.error();
            return pid->toInt64(0, 0);
        }, CallOptions::idempotentUnit());
    }

    ConnectionOptions m_direct;
    ConnectionOptions m_target;
    std::unique_ptr<PgBouncer> m_bouncer;
    std::unique_ptr<Connection> m_admin;
};

} // namespace

TEST_P(PoolTest, EightThreadsTenThousandUnitsEachAllCorrectNoneLost)
{
    Pool pool(config());
    constexpr int threads = 8;
    constexpr int unitsPerThread = 10000;
    std::atomic<int> correct{0};
    std::atomic<int> wrong{0};
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            for (int i = 0; i < unitsPerThread; ++i) {
                const qint64 value = qint64(t) * 1'000'000 + i;
                auto doubled = pool.withClient(QStringLiteral("GET /api/double"), [value](Connection& c) -> Result<qint64> {
                    auto result = c.exec(QStringLiteral("SELECT $1::bigint * 2"), {value});
                    if (!result)
                        return result.error();
                    return result->toInt64(0, 0);
                }, CallOptions::idempotentUnit());
                if (doubled && doubled.value() == value * 2)
                    ++correct;
                else
                    ++wrong;
            }
        });
    }
    for (auto& worker : workers)
        worker.join();
    EXPECT_EQ(correct.load(), threads * unitsPerThread);
    EXPECT_EQ(wrong.load(), 0);
    const PoolMetrics metrics = pool.metrics();
    EXPECT_EQ(metrics.calls, quint64(threads * unitsPerThread));
    EXPECT_EQ(metrics.failures, 0u);
    EXPECT_LE(metrics.total, 5);
    EXPECT_LE(metrics.connectionsCreated, 5u) << "connections are reused, never opened per unit";
    EXPECT_EQ(metrics.queryLatency.count > 0, true);
}

TEST_P(PoolTest, TerminatedBackendsAreReplacedWithoutTheCallerSeeingAnError)
{
    Pool pool(config());
    // Warm up several connections at once.
    std::latch together(4);
    std::vector<std::thread> warmers;
    for (int i = 0; i < 4; ++i) {
        warmers.emplace_back([&] {
            (void)pool.withClient(QStringLiteral("warm"), [&](Connection& c) -> Result<bool> {
                together.arrive_and_wait();
                return c.exec(QStringLiteral("SELECT 1")).ok();
            }, CallOptions::idempotentUnit());
        });
    }
    for (auto& warmer : warmers)
        warmer.join();
    ASSERT_GE(pool.metrics().idle, 4);

    auto killed = m_admin->exec(QStringLiteral("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                               "WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend'"),
                                {m_direct.database()});
    ASSERT_TRUE(killed.ok());
    ASSERT_GE(killed->toInt64(0, 0), 1);

    for (int i = 0; i < 20; ++i) {
        auto pid = backendPid(pool);
        ASSERT_TRUE(pid.ok()) << "call " << i << ": " << pid.error().toString().toStdString();
    }
    EXPECT_EQ(pool.metrics().failures, 0u);
}

TEST_P(PoolTest, AcquireTimesOutWithPoolExhaustedWhenEveryConnectionIsHeld)
{
    PoolConfig small = config();
    small.maxSize = 2;
    small.acquireTimeout = 300ms;
    Pool pool(small);
    std::latch holding(3);
    std::latch release(1);
    std::vector<std::thread> holders;
    for (int i = 0; i < 2; ++i) {
        holders.emplace_back([&] {
            (void)pool.withClient(QStringLiteral("POST /hold"), [&](Connection&) -> Result<bool> {
                holding.count_down();
                release.wait();
                return true;
            });
        });
    }
    holding.arrive_and_wait();
    auto refused = pool.withClient(QStringLiteral("GET /api/contacts"), [](Connection&) -> Result<bool> { return true; });
    release.count_down();
    for (auto& holder : holders)
        holder.join();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::PoolExhausted);
    EXPECT_TRUE(refused.error().message.contains(QLatin1String("GET /api/contacts")));
    EXPECT_EQ(pool.metrics().exhausted, 1u);
}

TEST_P(PoolTest, LeakDetectionWarnsWithTheHoldersLabelAndAgainWhenItComesBack)
{
    PoolConfig leaky = config();
    leaky.leakDetectionThreshold = 200ms;
    Pool pool(leaky);
    std::mutex mutex;
    std::vector<std::tuple<QString, qint64, bool>> reports;
    pool.setLeakListener([&](const QString& label, std::chrono::milliseconds held, bool returned) {
        std::lock_guard lock(mutex);
        reports.emplace_back(label, held.count(), returned);
    });
    auto slow = pool.withClient(QStringLiteral("POST /api/slow-report"), [](Connection&) -> Result<bool> {
        QThread::msleep(600);
        return true;
    });
    ASSERT_TRUE(slow.ok());
    (void)pool.withClient(QStringLiteral("GET /fast"), [](Connection&) -> Result<bool> { return true; });
    std::lock_guard lock(mutex);
    ASSERT_EQ(reports.size(), 2u);
    EXPECT_EQ(std::get<0>(reports[0]), QStringLiteral("POST /api/slow-report"));
    EXPECT_GE(std::get<1>(reports[0]), 200);
    EXPECT_FALSE(std::get<2>(reports[0]));
    EXPECT_TRUE(std::get<2>(reports[1]));
    EXPECT_GE(std::get<1>(reports[1]), 600);
    EXPECT_EQ(pool.metrics().leaksDetected, 1u);
}

TEST_P(PoolTest, ConnectionsAreRecycledAfterTheirMaximumLifetime)
{
    PoolConfig shortLived = config();
    shortLived.maxLifetime = 1000ms;
    shortLived.minIdle = 1;
    Pool pool(shortLived);
    ASSERT_TRUE(backendPid(pool).ok());
    const quint64 createdBefore = pool.metrics().connectionsCreated;
    QThread::msleep(1300);
    ASSERT_TRUE(backendPid(pool).ok());
    const PoolMetrics metrics = pool.metrics();
    EXPECT_GT(metrics.connectionsCreated, createdBefore);
    EXPECT_GE(metrics.connectionsClosed, 1u);
}

TEST_P(PoolTest, ShutdownWaitsForRunningWorkAndRefusesNewWork)
{
    Pool pool(config());
    std::latch started(2);
    auto running = std::async(std::launch::async, [&] {
        return pool.withClient(QStringLiteral("GET /slow"), [&](Connection& c) -> Result<QString> {
            started.count_down();
            auto slept = c.exec(QStringLiteral("SELECT 'finished' FROM pg_sleep(0.4)"));
            if (!slept)
                return slept.error();
            return slept->scalar();
        });
    });
    started.arrive_and_wait();
    auto shutdown = std::async(std::launch::async, [&] { return pool.shutdown(5s); });
    QThread::msleep(100);
    auto refused = pool.withClient(QStringLiteral("GET /late"), [](Connection&) -> Result<bool> { return true; });
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::ShuttingDown);
    auto finished = running.get();
    ASSERT_TRUE(finished.ok()) << finished.error().toString().toStdString();
    EXPECT_EQ(finished.value(), QStringLiteral("finished"));
    EXPECT_TRUE(shutdown.get());
    EXPECT_EQ(pool.metrics().total, 0);
}

TEST_P(PoolTest, FiftyRequestsOnAnEmptyPoolGrowItOneConnectionAtATime)
{
    PoolConfig lazy = config();
    lazy.minIdle = 0;
    Pool pool(lazy);
    std::vector<std::thread> requests;
    std::atomic<int> ok{0};
    for (int i = 0; i < 50; ++i) {
        requests.emplace_back([&] {
            auto done = pool.withClient(QStringLiteral("GET /burst"), [](Connection& c) -> Result<bool> {
                return c.exec(QStringLiteral("SELECT pg_sleep(0.01)")).ok();
            }, CallOptions::idempotentUnit());
            if (done && done.value())
                ++ok;
        });
    }
    for (auto& request : requests)
        request.join();
    EXPECT_EQ(ok.load(), 50);
    const PoolMetrics metrics = pool.metrics();
    EXPECT_LE(metrics.connectionsCreated, 5u);
    EXPECT_EQ(metrics.exhausted, 0u) << "callers waited for the pool instead of failing";
    EXPECT_EQ(metrics.connectFailures, 0u);
}

TEST_P(PoolTest, ATransactionIsRetriedWholeOnSerializationFailure)
{
    ASSERT_TRUE(m_admin->execScript(QStringLiteral("CREATE TABLE public.counter (n int); INSERT INTO public.counter VALUES (0);")).ok());
    Pool pool(config());
    int attempts = 0;
    auto updated = pool.inTransaction(QStringLiteral("POST /api/counter"), [&](Connection& c) -> Result<bool> {
        ++attempts;
        if (auto bumped = c.exec(QStringLiteral("UPDATE public.counter SET n = n + 1")); !bumped)
            return bumped.error();
        if (attempts == 1) {
            auto conflict = c.exec(QStringLiteral("DO $$BEGIN RAISE EXCEPTION 'conflict' USING ERRCODE = '40001'; END$$"));
            return conflict.error();
        }
        return true;
    });
    ASSERT_TRUE(updated.ok()) << updated.error().toString().toStdString();
    EXPECT_EQ(attempts, 2);
    // The first attempt was rolled back: the counter moved once.
    EXPECT_EQ(m_admin->exec(QStringLiteral("SELECT n FROM public.counter"))->scalar(), QStringLiteral("1"));
    EXPECT_EQ(pool.metrics().retries, 1u);
}

TEST_P(PoolTest, AFailedTransactionLeavesNothingAndTheConnectionComesBackClean)
{
    ASSERT_TRUE(m_admin->execScript(QStringLiteral("CREATE TABLE public.items (k text PRIMARY KEY);")).ok());
    PoolConfig one = config();
    one.maxSize = 1;
    Pool pool(one);
    auto failed = pool.inTransaction(QStringLiteral("POST /api/items"), [](Connection& c) -> Result<bool> {
        if (auto inserted = c.exec(QStringLiteral("INSERT INTO public.items VALUES ('a')")); !inserted)
            return inserted.error();
        auto duplicate = c.exec(QStringLiteral("INSERT INTO public.items VALUES ('a')"));
        return duplicate ? Result<bool>(true) : Result<bool>(duplicate.error());
    });
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().sqlstate, QStringLiteral("23505"));
    EXPECT_EQ(pool.metrics().retries, 0u) << "a constraint violation is not transient";
    EXPECT_EQ(m_admin->exec(QStringLiteral("SELECT count(*) FROM public.items"))->scalar(), QStringLiteral("0"));

    // A unit that forgets its COMMIT: the pool rolls it back before anyone else gets the connection.
    (void)pool.withClient(QStringLiteral("POST /forgetful"), [](Connection& c) -> Result<bool> {
        (void)c.exec(QStringLiteral("BEGIN"));
        return c.exec(QStringLiteral("INSERT INTO public.items VALUES ('b')")).ok();
    });
    auto status = pool.withClient(QStringLiteral("GET /status"), [](Connection& c) -> Result<int> {
        return int(c.transactionStatus());
    });
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(status.value(), int(PQTRANS_IDLE));
    EXPECT_EQ(m_admin->exec(QStringLiteral("SELECT count(*) FROM public.items"))->scalar(), QStringLiteral("0"));
}

TEST_P(PoolTest, AsyncUnitsRunOffTheCallersThreadAndContinueOnIt)
{
    Pool pool(config());
    QObject context;
    QThread* const mainThread = QThread::currentThread();
    std::atomic<QThread*> workThread{nullptr};
    QThread* continuationThread = nullptr;
    std::optional<qint64> answer;
    pool.withClientAsync(QStringLiteral("GET /async"), [&](Connection& c) -> Result<qint64> {
            workThread = QThread::currentThread();
            auto result = c.exec(QStringLiteral("SELECT 41 + 1"));
            if (!result)
                return result.error();
            return result->toInt64(0, 0);
        }, CallOptions::idempotentUnit())
        .then(&context, [&](const Result<qint64>& result) {
            continuationThread = QThread::currentThread();
            if (result)
                answer = result.value();
        });
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!answer && std::chrono::steady_clock::now() < deadline)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    ASSERT_TRUE(answer.has_value());
    EXPECT_EQ(*answer, 42);
    EXPECT_NE(workThread.load(), mainThread);
    EXPECT_EQ(continuationThread, mainThread);
}

TEST_P(PoolTest, ACallsDeadlineCancelsItsStatementAndTheConnectionServesTheNextCall)
{
    PoolConfig one = config();
    one.maxSize = 1;
    Pool pool(one);
    CallOptions impatient;
    impatient.deadline = 300ms;
    const auto started = std::chrono::steady_clock::now();
    auto slow = pool.withClient(QStringLiteral("GET /api/report"), [](Connection& c) -> Result<bool> {
        auto slept = c.exec(QStringLiteral("SELECT pg_sleep(5)"));
        return slept ? Result<bool>(true) : Result<bool>(slept.error());
    }, impatient);
    ASSERT_FALSE(slow.ok());
    EXPECT_EQ(slow.error().kind, ErrorKind::Timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 4s);
    auto next = backendPid(pool);
    EXPECT_TRUE(next.ok()) << next.error().toString().toStdString();
}

// The breaker against a server that goes away and comes back, directly and behind PgBouncer
// (which keeps accepting clients and reports the missing server on each statement).
TEST_P(PoolTest, CircuitOpensWhenTheServerStopsFailsFastAndClosesWhenItReturns)
{
    PoolConfig config = this->config();
    config.maxSize = 3;
    config.minIdle = 0;
    config.acquireTimeout = 1000ms;
    config.connectTimeout = 1000ms;
    config.housekeepingInterval = 50ms;
    config.retry.maxAttempts = 1;
    config.breaker.windowSize = 4;
    config.breaker.minimumCalls = 4;
    config.breaker.failureRateThreshold = 0.5;
    config.breaker.waitInOpen = 700ms;
    config.breaker.permittedCallsInHalfOpen = 1;
    Pool pool(config);
    std::mutex mutex;
    std::vector<std::pair<CircuitState, CircuitState>> transitions;
    pool.circuitBreaker().setStateListener([&](CircuitState from, CircuitState to) {
        std::lock_guard lock(mutex);
        transitions.emplace_back(from, to);
    });
    auto ping = [&pool] {
        return pool.withClient(QStringLiteral("GET /api/health"), [](Connection& c) -> Result<bool> {
            auto one = c.exec(QStringLiteral("SELECT 1"));
            return one ? Result<bool>(true) : Result<bool>(one.error());
        }, CallOptions::idempotentUnit());
    };
    ASSERT_TRUE(ping().ok());

    ASSERT_TRUE(TestCluster::shared().stop().ok());
    int failuresUntilOpen = 0;
    while (pool.circuitBreaker().state() == CircuitState::Closed && failuresUntilOpen < 20) {
        auto failed = ping();
        ASSERT_FALSE(failed.ok());
        EXPECT_TRUE(failed.error().kind == ErrorKind::Connection || failed.error().kind == ErrorKind::Timeout)
            << failed.error().toString().toStdString();
        ++failuresUntilOpen;
    }
    EXPECT_EQ(pool.circuitBreaker().state(), CircuitState::Open);
    EXPECT_LE(failuresUntilOpen, 4);

    const quint64 connectFailuresWhenOpened = pool.metrics().connectFailures;
    for (int i = 0; i < 10; ++i) {
        auto fast = ping();
        ASSERT_FALSE(fast.ok());
        EXPECT_EQ(fast.error().kind, ErrorKind::CircuitOpen);
    }
    EXPECT_EQ(pool.metrics().connectFailures, connectFailuresWhenOpened) << "OPEN never touches the network";

    auto restarted = TestCluster::shared().start();
    ASSERT_TRUE(restarted.ok()) << restarted.error().toString().toStdString();
    // Work resumes by itself: after waitInOpen a trial call goes through. (A pooler may refuse
    // the first trials while it waits to retry its server login; the breaker reopens and tries
    // again, so keep calling as a user would.)
    Result<bool> recovered = Error::make(ErrorKind::Internal, QStringLiteral("not tried"));
    const auto giveUp = std::chrono::steady_clock::now() + 30s;
    while (!recovered.ok() && std::chrono::steady_clock::now() < giveUp) {
        QThread::msleep(200);
        recovered = ping();
    }
    ASSERT_TRUE(recovered.ok()) << recovered.error().toString().toStdString();
    EXPECT_EQ(pool.circuitBreaker().state(), CircuitState::Closed);
    std::lock_guard lock(mutex);
    ASSERT_GE(transitions.size(), 3u);
    EXPECT_EQ(transitions.front(), std::make_pair(CircuitState::Closed, CircuitState::Open));
    EXPECT_EQ(transitions[1], std::make_pair(CircuitState::Open, CircuitState::HalfOpen));
    EXPECT_EQ(transitions.back(), std::make_pair(CircuitState::HalfOpen, CircuitState::Closed));
}

INSTANTIATE_TEST_SUITE_P(Targets, PoolTest, ::testing::Values(Target::Direct, Target::PgBouncerTransactionMode), targetName);

TEST(PoolCircuitTest, AnUnreachableServerIsReportedAsConnectFailedWithTheReason)
{
    auto options = ConnectionOptions::fromConnectionString(
        QStringLiteral("host=%1 port=5432 dbname=nowhere user=postgres").arg(TestCluster::scratchRoot() + QStringLiteral("/no-server-here")));
    ASSERT_TRUE(options.ok());
    PoolConfig config;
    config.connection = options.value();
    config.minIdle = 0;
    config.acquireTimeout = 2000ms;
    config.retry.maxAttempts = 1;
    Pool pool(config);
    auto failed = pool.withClient(QStringLiteral("GET /x"), [](Connection&) -> Result<bool> { return true; });
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().kind, ErrorKind::Connection);
    EXPECT_TRUE(failed.error().message.startsWith(QLatin1String("connect failed:"))) << failed.error().message.toStdString();
    EXPECT_TRUE(failed.error().message.contains(QLatin1String("No such file"))) << failed.error().message.toStdString();
}
