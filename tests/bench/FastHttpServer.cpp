// SPDX-License-Identifier: MIT
#include "FastHttpServer.h"

#include <cerrno>
#include <cstring>
#include <string>
#include <string_view>
#include <unordered_map>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace {

constexpr std::string_view keepAliveResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: keep-alive\r\n\r\nok\n";
constexpr std::string_view closeResponse =
    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n";
constexpr std::size_t maxHeadBytes = 64 * 1024;  // a client sending more without "\r\n\r\n" is cut off

bool startsWithNoCase(std::string_view text, std::string_view prefix)
{
    return text.size() >= prefix.size() && ::strncasecmp(text.data(), prefix.data(), prefix.size()) == 0;
}

bool containsNoCase(std::string_view text, std::string_view word)
{
    for (std::size_t i = 0; i + word.size() <= text.size(); ++i)
        if (::strncasecmp(text.data() + i, word.data(), word.size()) == 0)
            return true;
    return false;
}

// Whether the connection stays open after answering the request whose head (request line and
// headers, without the final blank line) is `head`: HTTP/1.1 unless "Connection: close",
// HTTP/1.0 only with "Connection: keep-alive".
bool keepsAlive(std::string_view head)
{
    std::size_t lineEnd = head.find("\r\n");
    const std::string_view requestLine = head.substr(0, lineEnd);
    bool keep = !(requestLine.size() >= 8 && requestLine.substr(requestLine.size() - 8) == "HTTP/1.0");
    while (lineEnd != std::string_view::npos) {
        const std::size_t start = lineEnd + 2;
        lineEnd = head.find("\r\n", start);
        const std::string_view line = head.substr(start, lineEnd == std::string_view::npos ? std::string_view::npos : lineEnd - start);
        if (startsWithNoCase(line, "connection:")) {
            if (containsNoCase(line, "close"))
                keep = false;
            else if (containsNoCase(line, "keep-alive"))
                keep = true;
        }
    }
    return keep;
}

struct Connection {
    std::string received;  // bytes of a request head not complete yet
    std::string unsent;    // response bytes the socket did not take yet
    bool closeAfterSend = false;
    bool waitingToSend = false;  // registered for EPOLLOUT as well
};

// Sends what is pending; false when the connection broke.
bool sendPending(int epoll, int fd, Connection& connection)
{
    while (!connection.unsent.empty()) {
        const ssize_t n = ::send(fd, connection.unsent.data(), connection.unsent.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno != EAGAIN)
            return false;
        if (n < 0)
            break;  // the socket buffer is full: wait for EPOLLOUT
        connection.unsent.erase(0, std::size_t(n));
    }
    const bool wantOutput = !connection.unsent.empty();
    if (wantOutput != connection.waitingToSend) {
        epoll_event event{};
        event.events = EPOLLIN | (wantOutput ? EPOLLOUT : 0u);
        event.data.fd = fd;
        ::epoll_ctl(epoll, EPOLL_CTL_MOD, fd, &event);
        connection.waitingToSend = wantOutput;
    }
    return true;
}

// One readiness event on a client connection; false when it is to be closed. The epoll set is
// level-triggered, so one recv() per event is enough: bytes left over report again.
bool onReady(int epoll, int fd, Connection& connection, uint32_t events, long long& answered)
{
    if (events & EPOLLERR)
        return false;
    if (!connection.unsent.empty()) {
        if (!sendPending(epoll, fd, connection))
            return false;
        if (!connection.unsent.empty())
            return true;
        if (connection.closeAfterSend)
            return false;
    }
    if (!(events & (EPOLLIN | EPOLLHUP)))
        return true;
    char buffer[16 * 1024];
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n == 0)
        return false;  // the client closed
    if (n < 0)
        return errno == EAGAIN || errno == EINTR;
    if (connection.closeAfterSend)
        return true;  // bytes after a last request are ignored until the response is out
    connection.received.append(buffer, std::size_t(n));
    std::size_t headEnd;
    while ((headEnd = connection.received.find("\r\n\r\n")) != std::string::npos) {
        const bool keep = keepsAlive(std::string_view(connection.received).substr(0, headEnd));
        connection.received.erase(0, headEnd + 4);
        connection.unsent += keep ? keepAliveResponse : closeResponse;
        ++answered;
        if (!keep) {
            connection.closeAfterSend = true;
            connection.received.clear();
            break;
        }
    }
    if (connection.received.size() > maxHeadBytes)
        return false;
    if (!sendPending(epoll, fd, connection))
        return false;
    return !(connection.closeAfterSend && connection.unsent.empty());
}

} // namespace

QString FastHttpServer::start()
{
    m_stopFd = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (m_stopFd < 0)
        return QStringLiteral("eventfd: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
    for (int t = 0; t < m_threadCount; ++t) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            return QStringLiteral("socket: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        m_listenFds.push_back(fd);
        const int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = htons(quint16(m_port));  // 0 for the first socket: a free port
        if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(fd, 4096) != 0)
            return QStringLiteral("bind/listen on 127.0.0.1:%1: %2").arg(m_port).arg(QString::fromLocal8Bit(std::strerror(errno)));
        if (m_port == 0) {
            socklen_t length = sizeof address;
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
            m_port = ntohs(address.sin_port);
        }
    }
    for (int fd : m_listenFds)
        m_workers.emplace_back([this, fd] { serve(fd); });
    return {};
}

void FastHttpServer::stop()
{
    if (m_stopFd >= 0) {
        const uint64_t one = 1;
        (void)!::write(m_stopFd, &one, sizeof one);  // never read: stays readable for every worker
    }
    for (std::thread& worker : m_workers)
        worker.join();
    m_workers.clear();
    for (int fd : m_listenFds)
        ::close(fd);
    m_listenFds.clear();
    if (m_stopFd >= 0)
        ::close(m_stopFd);
    m_stopFd = -1;
}

void FastHttpServer::serve(int listenFd)
{
    const int epoll = ::epoll_create1(EPOLL_CLOEXEC);
    for (int fd : {listenFd, m_stopFd}) {
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = fd;
        ::epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event);
    }
    std::unordered_map<int, Connection> connections;
    epoll_event events[256];
    bool running = true;
    while (running) {
        const int ready = ::epoll_wait(epoll, events, 256, -1);
        long long answered = 0;
        for (int i = 0; i < ready; ++i) {
            const int fd = events[i].data.fd;
            if (fd == m_stopFd) {
                running = false;
            } else if (fd == listenFd) {
                int client;
                while ((client = ::accept4(listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
                    const int one = 1;
                    ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                    epoll_event event{};
                    event.events = EPOLLIN;
                    event.data.fd = client;
                    ::epoll_ctl(epoll, EPOLL_CTL_ADD, client, &event);
                    connections[client] = Connection{};
                }
            } else if (auto it = connections.find(fd); it != connections.end()) {
                if (!onReady(epoll, fd, it->second, events[i].events, answered)) {
                    ::close(fd);  // also leaves the epoll set
                    connections.erase(it);
                }
            }
        }
        if (answered)
            m_answered.fetch_add(answered, std::memory_order_relaxed);
    }
    for (const auto& [fd, connection] : connections)
        ::close(fd);
    ::close(epoll);
}
