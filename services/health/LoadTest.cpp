// SPDX-License-Identifier: MIT
#include "health/LoadTest.h"

#include "health/HttpResponseParser.h"

#include <QThread>
#include <QUrl>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace ops::services {

double nearestRankPercentile(const std::vector<double>& sorted, double p)
{
    if (sorted.empty())
        return 0;
    const auto rank = std::size_t(std::ceil(p / 100.0 * double(sorted.size())));
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

namespace {

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

const char* errorKindFor(int error)
{
    switch (error) {
    case ECONNREFUSED: return LoadTestErrors::refused;
    case ECONNRESET:
    case EPIPE:
    case ECONNABORTED: return LoadTestErrors::closed;
    case ETIMEDOUT: return LoadTestErrors::timeout;
    default: return LoadTestErrors::socket;
    }
}

struct Target {
    sockaddr_storage address{};
    socklen_t addressLength = 0;
    QByteArray request;  // the same bytes for every request
    bool keepAlive = true;  // false: the request says `Connection: close`, so the client closes too
};

// What one worker measured; merged after all workers end.
struct WorkerTally {
    std::vector<double> latenciesMs;
    QMap<QString, qint64> errors;
    qint64 succeeded = 0;
};

// One worker thread: an epoll loop over `slots` connections, each carrying one request at a time.
class Worker final {
public:
    Worker(const Target& target, int slotCount, qint64 timeoutNs, int total, std::atomic<int>& next,
           std::atomic<qint64>& completed, const std::atomic<bool>& cancelled)
        : m_target(target), m_slots(std::size_t(slotCount)), m_timeoutNs(timeoutNs), m_total(total), m_next(next),
          m_completed(completed), m_cancelled(cancelled)
    {
    }

    WorkerTally run()
    {
        m_epoll = epoll_create1(EPOLL_CLOEXEC);
        for (Slot& slot : m_slots)
            m_idle.push_back(&slot);
        m_active = int(m_slots.size());
        std::vector<epoll_event> events(m_slots.size());
        while (true) {
            startIdle();
            if (m_active == 0 || m_cancelled.load(std::memory_order_relaxed))
                break;
            const int ready = epoll_wait(m_epoll, events.data(), int(events.size()), waitMs());
            for (int i = 0; i < ready; ++i)
                onEvent(*static_cast<Slot*>(events[std::size_t(i)].data.ptr), events[std::size_t(i)].events);
            expireDeadlines();
        }
        for (Slot& slot : m_slots)
            closeConnection(slot);
        ::close(m_epoll);
        return std::move(m_tally);
    }

private:
    struct Slot {
        int fd = -1;
        bool busy = false;        // carries a request
        bool connecting = false;
        bool reused = false;      // the request went out on a kept-alive connection
        bool registered = false;  // fd is in the epoll set
        int written = 0;
        qint64 startNs = 0;
        HttpResponseParser parser;
    };

    // Slots whose request ended get the next request number here, in a loop rather than by
    // recursion: a refused connect fails at once, and a million of those must not nest.
    void startIdle()
    {
        while (!m_idle.empty()) {
            Slot* slot = m_idle.back();
            m_idle.pop_back();
            if (m_cancelled.load(std::memory_order_relaxed) || m_next.fetch_add(1) >= m_total) {
                closeConnection(*slot);
                --m_active;
                continue;
            }
            begin(*slot);
        }
    }

    void begin(Slot& slot)
    {
        slot.busy = true;
        slot.written = 0;
        slot.startNs = nowNs();
        slot.parser.reset();
        slot.reused = slot.fd >= 0;
        if (slot.fd < 0)
            connectSlot(slot);
        else
            writeRequest(slot);
    }

    void connectSlot(Slot& slot)
    {
        slot.fd = ::socket(m_target.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (slot.fd < 0)
            return fail(slot, errorKindFor(errno));
        // Nagle only holds back data sent while earlier data is unacknowledged: a connection that
        // carries one request never needs TCP_NODELAY, and that is a syscall per request saved.
        if (m_target.keepAlive) {
            const int one = 1;
            ::setsockopt(slot.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        }
        slot.registered = false;
        if (::connect(slot.fd, reinterpret_cast<const sockaddr*>(&m_target.address), m_target.addressLength) == 0)
            return writeRequest(slot);
        if (errno != EINPROGRESS)
            return fail(slot, errorKindFor(errno));
        slot.connecting = true;
        watch(slot);
    }

    // Edge-triggered, for reading and writing, once per connection: no epoll_ctl per request
    // (ab's loop changes its poll set for every request; this is one syscall fewer each time).
    // Edge-triggered means every read and write goes on until EAGAIN, which both do.
    void watch(Slot& slot)
    {
        if (slot.registered)
            return;
        epoll_event event{};
        event.events = EPOLLIN | EPOLLOUT | EPOLLET;
        event.data.ptr = &slot;
        ::epoll_ctl(m_epoll, EPOLL_CTL_ADD, slot.fd, &event);
        slot.registered = true;
    }

    void writeRequest(Slot& slot)
    {
        const QByteArray& request = m_target.request;
        while (slot.written < request.size()) {
            const ssize_t n = ::send(slot.fd, request.constData() + slot.written, std::size_t(request.size() - slot.written), MSG_NOSIGNAL);
            if (n < 0 && errno == EAGAIN)
                return watch(slot);  // the next EPOLLOUT edge continues
            if (n < 0)
                return brokenConnection(slot, errno);
            slot.written += int(n);
        }
        watch(slot);
    }

    void onEvent(Slot& slot, uint32_t what)
    {
        if (!slot.busy || slot.fd < 0)
            return;
        if (slot.connecting) {
            // Writable without an error condition means connected; only a failed connect needs
            // SO_ERROR, which saves a syscall per connection when each request opens one.
            if (what & (EPOLLERR | EPOLLHUP)) {
                int error = 0;
                socklen_t length = sizeof error;
                ::getsockopt(slot.fd, SOL_SOCKET, SO_ERROR, &error, &length);
                return fail(slot, errorKindFor(error != 0 ? error : ECONNRESET));
            }
            if (!(what & EPOLLOUT))
                return;
            slot.connecting = false;
            return writeRequest(slot);
        }
        if (slot.written < m_target.request.size())
            return writeRequest(slot);
        if (what & (EPOLLIN | EPOLLERR | EPOLLHUP))
            readResponse(slot);
    }

    void readResponse(Slot& slot)
    {
        char buffer[64 * 1024];
        while (true) {
            const ssize_t n = ::recv(slot.fd, buffer, sizeof buffer, 0);
            if (n > 0) {
                switch (slot.parser.feed(buffer, std::size_t(n))) {
                case HttpResponseParser::Progress::Done: return finish(slot);
                case HttpResponseParser::Progress::Invalid: return fail(slot, LoadTestErrors::invalid);
                case HttpResponseParser::Progress::NeedMore: continue;
                }
            }
            if (n == 0) {
                if (slot.parser.finishAtEof())
                    return finish(slot);
                return brokenConnection(slot, ECONNRESET);
            }
            if (errno == EAGAIN)
                return;
            if (errno != EINTR)
                return brokenConnection(slot, errno);
        }
    }

    // A kept-alive connection the server closed between requests is not the request's fault: send
    // it again on a new connection (its clock keeps running). Anything else is an error.
    void brokenConnection(Slot& slot, int error)
    {
        if (slot.reused && !slot.parser.receivedAnything()) {
            closeConnection(slot);
            slot.reused = false;
            slot.written = 0;
            return connectSlot(slot);
        }
        fail(slot, errorKindFor(error));
    }

    void finish(Slot& slot)
    {
        const int status = slot.parser.status();
        m_tally.latenciesMs.push_back(double(nowNs() - slot.startNs) / 1e6);
        if (status >= 200 && status < 300)
            ++m_tally.succeeded;
        else
            ++m_tally.errors[QString::fromLatin1(status >= 500 ? LoadTestErrors::http5xx
                                                 : status >= 400 ? LoadTestErrors::http4xx
                                                                 : LoadTestErrors::httpOther)];
        if (!m_target.keepAlive || !slot.parser.keepAlive())
            closeConnection(slot);
        ended(slot);
    }

    void fail(Slot& slot, const char* kind)
    {
        ++m_tally.errors[QString::fromLatin1(kind)];
        closeConnection(slot);
        ended(slot);
    }

    void ended(Slot& slot)
    {
        slot.busy = false;
        slot.connecting = false;
        m_completed.fetch_add(1, std::memory_order_relaxed);
        m_idle.push_back(&slot);
    }

    void closeConnection(Slot& slot)
    {
        if (slot.fd >= 0)
            ::close(slot.fd);  // also leaves the epoll set
        slot.fd = -1;
        slot.registered = false;
        slot.connecting = false;
    }

    int waitMs() const
    {
        // Wake up for the earliest deadline, and at least every 50 ms to notice a cancel.
        qint64 earliest = std::numeric_limits<qint64>::max();
        for (const Slot& slot : m_slots)
            if (slot.busy)
                earliest = std::min(earliest, slot.startNs + m_timeoutNs);
        const qint64 left = (earliest - nowNs()) / 1000000 + 1;
        return int(std::clamp<qint64>(left, 0, 50));
    }

    void expireDeadlines()
    {
        const qint64 now = nowNs();
        for (Slot& slot : m_slots)
            if (slot.busy && now - slot.startNs >= m_timeoutNs)
                fail(slot, LoadTestErrors::timeout);
    }

    const Target& m_target;
    std::vector<Slot> m_slots;
    std::vector<Slot*> m_idle;
    const qint64 m_timeoutNs;
    const int m_total;
    std::atomic<int>& m_next;
    std::atomic<qint64>& m_completed;
    const std::atomic<bool>& m_cancelled;
    int m_epoll = -1;
    int m_active = 0;
    WorkerTally m_tally;
};

Result<Target> resolve(const QUrl& url, bool keepAlive)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const QByteArray host = url.host().toUtf8();
    const QByteArray port = QByteArray::number(url.port(80));
    if (const int error = ::getaddrinfo(host.constData(), port.constData(), &hints, &found); error != 0 || !found)
        return Error::make(ErrorKind::Connection, QStringLiteral("cannot resolve %1: %2").arg(url.host(), QString::fromLocal8Bit(gai_strerror(error))));
    Target target;
    std::memcpy(&target.address, found->ai_addr, found->ai_addrlen);
    target.addressLength = found->ai_addrlen;
    ::freeaddrinfo(found);
    QByteArray path = url.path(QUrl::FullyEncoded).toUtf8();
    if (path.isEmpty())
        path = "/";
    if (url.hasQuery())
        path += '?' + url.query(QUrl::FullyEncoded).toUtf8();
    const QByteArray hostHeader = url.port() > 0 ? host + ':' + port : host;
    target.request = "GET " + path + " HTTP/1.1\r\nHost: " + hostHeader
                     + "\r\nUser-Agent: ops-console-loadtest\r\nAccept: */*\r\n"
                     + (keepAlive ? "" : "Connection: close\r\n") + "\r\n";
    target.keepAlive = keepAlive;
    return target;
}

} // namespace

Result<void> LoadTestEngine::validate(const LoadTestConfig& config)
{
    const QUrl url(config.url, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty())
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("not a valid URL: \"%1\"").arg(config.url));
    if (url.scheme() != QLatin1String("http"))
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("only http:// URLs can be load tested (got \"%1\")").arg(url.scheme()));
    if (config.requests < 1)
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("the number of requests must be at least 1"));
    if (config.concurrency < 1 || config.concurrency > config.requests)
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("concurrency must be between 1 and the number of requests"));
    if (config.concurrency > 20000)
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("concurrency above 20000 is not supported"));
    if (config.timeout.count() < 1)
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("the timeout must be at least 1 ms"));
    return {};
}

Result<LoadTestResult> LoadTestEngine::run()
{
    if (auto valid = validate(m_config); !valid)
        return valid.error();
    auto target = resolve(QUrl(m_config.url), m_config.keepAlive);
    if (!target)
        return target.error();

    const int threads = std::clamp(m_config.threads > 0 ? m_config.threads : QThread::idealThreadCount(), 1, m_config.concurrency);
    LoadTestResult result;
    result.url = m_config.url;
    result.requests = m_config.requests;
    result.concurrency = m_config.concurrency;
    result.timeoutMs = int(m_config.timeout.count());
    result.startedAt = QDateTime::currentDateTimeUtc();
    const qint64 timeoutNs = std::chrono::duration_cast<std::chrono::nanoseconds>(m_config.timeout).count();
    std::atomic<int> next{0};
    std::vector<WorkerTally> tallies(static_cast<std::size_t>(threads));
    std::vector<std::thread> workers;
    const qint64 started = nowNs();
    for (int t = 0; t < threads; ++t) {
        // Concurrency split as evenly as it goes: 50 over 2 threads is 25 + 25.
        const int share = m_config.concurrency / threads + (t < m_config.concurrency % threads ? 1 : 0);
        workers.emplace_back([&, t, share] {
            Worker worker(target.value(), share, timeoutNs, m_config.requests, next, m_completed, m_cancelled);
            tallies[std::size_t(t)] = worker.run();
        });
    }
    for (std::thread& worker : workers)
        worker.join();
    result.elapsedSeconds = double(nowNs() - started) / 1e9;

    std::vector<double> latencies;
    for (WorkerTally& tally : tallies) {
        latencies.insert(latencies.end(), tally.latenciesMs.begin(), tally.latenciesMs.end());
        result.succeeded += tally.succeeded;
        for (auto it = tally.errors.cbegin(); it != tally.errors.cend(); ++it)
            result.errors[it.key()] += it.value();
    }
    result.completed = m_completed.load();
    result.cancelled = m_cancelled.load() && result.completed < m_config.requests;
    std::sort(latencies.begin(), latencies.end());
    result.p50Ms = nearestRankPercentile(latencies, 50);
    result.p95Ms = nearestRankPercentile(latencies, 95);
    result.p99Ms = nearestRankPercentile(latencies, 99);
    result.maxMs = latencies.empty() ? 0 : latencies.back();
    result.meanMs = latencies.empty() ? 0 : std::accumulate(latencies.begin(), latencies.end(), 0.0) / double(latencies.size());
    return result;
}

} // namespace ops::services
