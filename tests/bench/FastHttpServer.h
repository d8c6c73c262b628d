// SPDX-License-Identifier: MIT
#pragma once

// FastHttpServer: the smallest HTTP/1.x server that answers as fast as the kernel allows, so a
// benchmark of HTTP *clients* (the load test engine against Apache Bench) measures the clients and
// not the server. The demo platform's single Qt thread saturates at ~45k req/s, below what both
// clients can send.
//
// Every request gets the same fixed `200 OK` with Content-Length. Connections follow HTTP rules:
// HTTP/1.1 stays open unless the request says `Connection: close`; HTTP/1.0 (what ab sends) is
// closed after the response unless the request says `Connection: keep-alive` (ab -k), and then the
// answer says `Connection: keep-alive` as ab expects. Request bodies are not supported (GET only).
//
// Threads: `threads` worker threads, each with its own SO_REUSEPORT listening socket on the same
// 127.0.0.1 port (the kernel spreads new connections over them) and its own epoll loop; nothing
// is shared between workers. start() and stop() are called from one thread; the destructor stops.

#include <QString>

#include <atomic>
#include <thread>
#include <vector>

class FastHttpServer final {
public:
    explicit FastHttpServer(int threads) : m_threadCount(threads < 1 ? 1 : threads) {}
    ~FastHttpServer() { stop(); }
    FastHttpServer(const FastHttpServer&) = delete;
    FastHttpServer& operator=(const FastHttpServer&) = delete;

    // Listens on 127.0.0.1 on a free port and starts the workers. Returns an error text, empty on
    // success.
    QString start();
    void stop();

    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    // Requests answered so far (all workers).
    long long answered() const { return m_answered.load(std::memory_order_relaxed); }

private:
    void serve(int listenFd);

    const int m_threadCount;
    int m_port = 0;
    int m_stopFd = -1;  // an eventfd: written once by stop(), wakes every worker's epoll
    std::vector<int> m_listenFds;
    std::vector<std::thread> m_workers;
    std::atomic<long long> m_answered{0};
};
