// SPDX-License-Identifier: MIT
// pool_bench: the pool against the physical limit of the same server, in one run.
//   - select-only throughput through the pool (4 workers) vs pgbench -S -c 4 -j 2 -M extended
//     (the pool sends unnamed parameterised statements: the extended protocol, as -M extended);
//   - the pool vs opening a new connection per query (the cost the pool saves);
//   - uncontended acquire+release (median ns) and with 4 threads contending;
//   - fail-fast latency while the circuit is OPEN (median ns).
// Prints key=value lines; the last one is pool_vs_pgbench_ratio=<number>.
// OPS_BENCH_SECONDS (default 5) sets the length of each throughput run, OPS_BENCH_ROUNDS (default 3)
// how many pgbench/pool pairs alternate (the medians are compared).

#include "db/EmbeddedPostgres.h"
#include "db/Pool.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTextStream>

#include <algorithm>
#include <atomic>
#include <random>
#include <thread>

#include <sys/stat.h>

using namespace ops::services;
using BenchClock = std::chrono::steady_clock;

namespace {

QTextStream out(stdout);

constexpr int scale = 10;  // pgbench_accounts rows: scale x 100,000

[[noreturn]] void fail(const QString& message)
{
    QTextStream(stderr) << "pool_bench: " << message << '\n';
    std::exit(1);
}

QString runTool(const QString& program, const QStringList& arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    if (!process.waitForFinished(600000) || process.exitCode() != 0)
        fail(QStringLiteral("%1 failed: %2").arg(program, QString::fromLocal8Bit(process.readAll())));
    return QString::fromLocal8Bit(process.readAll());
}

double pgbenchTps(const QString& bin, const EmbeddedPostgres& server, int seconds)
{
    const QString output = runTool(bin + QStringLiteral("/pgbench"),
                                   {QStringLiteral("-h"), server.socketDirectory(), QStringLiteral("-p"), QStringLiteral("5432"),
                                    QStringLiteral("-U"), server.superuser(), QStringLiteral("-S"), QStringLiteral("-M"),
                                    QStringLiteral("extended"), QStringLiteral("-c"), QStringLiteral("4"), QStringLiteral("-j"),
                                    QStringLiteral("2"), QStringLiteral("-T"), QString::number(seconds), QStringLiteral("ops")});
    static const QRegularExpression tps(QStringLiteral("tps = ([0-9.]+) \\(without initial connection time\\)"));
    const auto match = tps.match(output);
    if (!match.hasMatch())
        fail(QStringLiteral("cannot read pgbench's tps from: ") + output);
    return match.captured(1).toDouble();
}

// Runs `work` on `threads` threads for `seconds`, returns operations per second.
template <typename Work>
double throughput(int threads, double seconds, Work work)
{
    std::atomic<bool> stop{false};
    std::atomic<long long> operations{0};
    std::vector<std::thread> workers;
    const auto started = BenchClock::now();
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&, t] {
            std::mt19937 random(t + 1);
            long long mine = 0;
            while (!stop.load(std::memory_order_relaxed)) {
                if (!work(random))
                    fail(QStringLiteral("a unit of work failed during the throughput run"));
                ++mine;
            }
            operations += mine;
        });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    stop = true;
    for (auto& worker : workers)
        worker.join();
    return double(operations.load()) / std::chrono::duration<double>(BenchClock::now() - started).count();
}

// Median nanoseconds per call over batches of `batch` calls on `threads` threads.
template <typename Work>
double medianNanos(int threads, int batches, int batch, Work work)
{
    std::vector<double> samples;
    std::mutex mutex;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t) {
        workers.emplace_back([&] {
            std::vector<double> mine;
            for (int b = 0; b < batches; ++b) {
                const auto started = BenchClock::now();
                for (int i = 0; i < batch; ++i)
                    work();
                mine.push_back(std::chrono::duration<double, std::nano>(BenchClock::now() - started).count() / batch);
            }
            std::lock_guard lock(mutex);
            samples.insert(samples.end(), mine.begin(), mine.end());
        });
    }
    for (auto& worker : workers)
        worker.join();
    std::nth_element(samples.begin(), samples.begin() + samples.size() / 2, samples.end());
    return samples[samples.size() / 2];
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication application(argc, argv);
    const int seconds = qEnvironmentVariableIsSet("OPS_BENCH_SECONDS") ? std::max(1, qEnvironmentVariableIntValue("OPS_BENCH_SECONDS")) : 5;
    const int rounds = qEnvironmentVariableIsSet("OPS_BENCH_ROUNDS") ? std::max(1, qEnvironmentVariableIntValue("OPS_BENCH_ROUNDS")) : 3;

    QTemporaryDir directory(QDir::tempPath() + QStringLiteral("/ops-pool-bench-XXXXXX"));
    ::chmod(QFile::encodeName(directory.path()).constData(), 0755);
    EmbeddedPostgresOptions options;
    options.dataDirectory = directory.path();
    options.durable = false;
    options.stopWhenProcessExits = true;
    EmbeddedPostgres server(options);
    if (auto started = server.start(); !started)
        fail(started.error().toString() + QLatin1Char('\n') + started.error().detail);
    const QString bin = EmbeddedPostgres::findServerBinaries().value();
    runTool(bin + QStringLiteral("/pgbench"), {QStringLiteral("-i"), QStringLiteral("-q"), QStringLiteral("-s"), QString::number(scale),
                                               QStringLiteral("-h"), server.socketDirectory(), QStringLiteral("-U"),
                                               server.superuser(), QStringLiteral("ops")});
    const int accounts = scale * 100000;
    auto selectOne = [accounts](Connection& connection, std::mt19937& random) {
        const int aid = int(random() % accounts) + 1;
        auto balance = connection.exec(QStringLiteral("SELECT abalance FROM pgbench_accounts WHERE aid = $1"), {aid});
        return balance.ok() && balance->rowCount() == 1;
    };

    out << "server=" << server.connectionOptions().displayLocation() << '\n';
    out << "seconds_per_run=" << seconds << "\nrounds=" << rounds << '\n';

    // 1. The physical limit: pgbench in the protocol mode the pool uses, alternated with the pool
    // over the same server and data, so drift in the machine's speed hits both alike. The median
    // of each is compared.
    PoolConfig config;
    config.connection = server.connectionOptions();
    config.direct = config.connection;
    config.maxSize = 4;
    config.minIdle = 4;
    Pool pool(config);
    auto poolRun = [&] {
        return throughput(4, seconds, [&](std::mt19937& random) {
            auto done = pool.withClient(QStringLiteral("bench select"), [&](Connection& c) -> Result<bool> {
                return selectOne(c, random);
            }, CallOptions::idempotentUnit());
            return done.ok() && done.value();
        });
    };
    std::vector<double> pgbenchRuns;
    std::vector<double> poolRuns;
    for (int round = 0; round < rounds; ++round) {
        pgbenchRuns.push_back(pgbenchTps(bin, server, seconds));
        poolRuns.push_back(poolRun());
        out << "round_" << round + 1 << "_pgbench_tps=" << qRound64(pgbenchRuns.back()) << " pool_tps="
            << qRound64(poolRuns.back()) << '\n' << Qt::flush;
    }
    const double pgbench = median(pgbenchRuns);
    const double poolTps = median(poolRuns);
    out << "pgbench_select_tps=" << qRound64(pgbench) << '\n';
    out << "pool_select_tps=" << qRound64(poolTps) << '\n' << Qt::flush;

    // 2. What the pool saves: a new connection per query.
    const double newConnectionTps = throughput(4, std::min(seconds, 5), [&](std::mt19937& random) {
        auto connection = Connection::open(server.connectionOptions(), std::chrono::seconds(10));
        return connection.ok() && selectOne(**connection, random);
    });
    out << "new_connection_per_query_tps=" << qRound64(newConnectionTps) << '\n';
    out << "pool_vs_new_connection_ratio=" << QString::number(poolTps / newConnectionTps, 'f', 1) << '\n' << Qt::flush;

    // 3. Acquire + release without a query: the pool's own overhead (breaker, retry, accounting).
    auto noop = [&pool] {
        (void)pool.withClient(QStringLiteral("bench noop"), [](Connection&) -> Result<bool> { return true; });
    };
    out << "acquire_release_uncontended_ns=" << qRound64(medianNanos(1, 200, 1000, noop)) << '\n';
    out << "acquire_release_4_threads_ns=" << qRound64(medianNanos(4, 100, 1000, noop)) << '\n';

    // 4. Fail fast while OPEN: no network, no connection.
    pool.circuitBreaker().forceOpen();
    const double failFast = medianNanos(1, 200, 1000, [&pool] {
        auto refused = pool.withClient(QStringLiteral("bench open"), [](Connection&) -> Result<bool> { return true; });
        if (refused.ok())
            fail(QStringLiteral("the forced-open circuit let a call through"));
    });
    out << "fail_fast_open_ns=" << qRound64(failFast) << '\n';
    pool.circuitBreaker().reset();
    pool.shutdown();
    (void)server.stop();

    out << "pool_vs_pgbench_ratio=" << QString::number(poolTps / pgbench, 'f', 3) << '\n';
    return 0;
}
