// SPDX-License-Identifier: MIT
#pragma once

// LoadTestEngine: the team's `ab -n 1000 -c 50` step, built in. Sends `requests` GET requests to
// one http:// URL with `concurrency` requests in flight, and reports success rate, throughput,
// latency percentiles and errors by kind.
//
// Why raw sockets and epoll instead of QNetworkAccessManager: QNAM keeps at most six connections
// per host and costs tens of microseconds of event-loop work per request; Apache Bench is a
// single-threaded epoll loop over non-blocking sockets, and the engine has to be at least as fast.
// Each worker thread runs its own epoll loop over its share of the connections; workers claim
// request numbers from one atomic counter, so exactly `requests` are sent. Connections are kept
// alive when the server allows it (HTTP/1.1 without `Connection: close`), otherwise a new one is
// opened per request, like ab without -k.
//
// Threads: run() blocks the calling thread (never call it on the GUI thread; LoadTestRunner runs
// it on a worker). cancel() and completed() may be called from any thread. Errors: run() returns
// an Error only for bad input (URL, numbers) or a host that does not resolve; everything that
// goes wrong with single requests is counted in the result.

#include "common/Result.h"

#include <QDateTime>
#include <QMap>
#include <QString>

#include <atomic>
#include <chrono>

namespace ops::services {

struct LoadTestConfig {
    QString url;                 // http://host[:port]/path?query (https is refused: no TLS here)
    int requests = 1000;         // N
    int concurrency = 50;        // C, at most N
    std::chrono::milliseconds timeout{10000};  // per request, from its start (connect included)
    int threads = 0;             // worker threads; 0: one per core, never more than C
    bool keepAlive = true;       // false: every request says `Connection: close` (a new connection
                                 // per request, what `ab` does without -k)
};

// Why a request did not succeed. Names are stable: they are stored and printed.
namespace LoadTestErrors {
inline constexpr const char* timeout = "timeout";
inline constexpr const char* refused = "connection_refused";
inline constexpr const char* closed = "connection_closed";  // reset or closed before a full response
inline constexpr const char* http4xx = "http_4xx";
inline constexpr const char* http5xx = "http_5xx";
inline constexpr const char* httpOther = "http_other";      // 1xx or 3xx
inline constexpr const char* invalid = "invalid_response";  // not HTTP
inline constexpr const char* socket = "socket_error";       // anything else the kernel reported
} // namespace LoadTestErrors

struct LoadTestResult {
    QString url;
    int requests = 0;
    int concurrency = 0;
    int timeoutMs = 0;
    QDateTime startedAt;
    double elapsedSeconds = 0;
    qint64 completed = 0;   // requests that ended (any outcome); < requests only when cancelled
    qint64 succeeded = 0;   // 2xx responses
    bool cancelled = false;
    // Latency of every request that got a whole response (any status), milliseconds.
    double p50Ms = 0, p95Ms = 0, p99Ms = 0, meanMs = 0, maxMs = 0;
    QMap<QString, qint64> errors;  // kind (LoadTestErrors) -> count

    double successRate() const { return completed ? 100.0 * double(succeeded) / double(completed) : 0; }
    // Requests ended per second of wall time (what ab calls "Requests per second").
    double throughput() const { return elapsedSeconds > 0 ? double(completed) / elapsedSeconds : 0; }
};

// The percentile p (0..100) of sorted values, nearest rank; 0 for no values.
double nearestRankPercentile(const std::vector<double>& sorted, double p);

class LoadTestEngine final {
public:
    explicit LoadTestEngine(LoadTestConfig config) : m_config(std::move(config)) {}

    // Checks the configuration without sending anything (also done by run()).
    static Result<void> validate(const LoadTestConfig& config);

    Result<LoadTestResult> run();
    void cancel() { m_cancelled.store(true); }
    qint64 completed() const { return m_completed.load(std::memory_order_relaxed); }
    int total() const { return m_config.requests; }

private:
    LoadTestConfig m_config;
    std::atomic<bool> m_cancelled{false};
    std::atomic<qint64> m_completed{0};
};

} // namespace ops::services
