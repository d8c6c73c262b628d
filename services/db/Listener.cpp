// SPDX-License-Identifier: MIT
#include "db/Listener.h"

#include "db/Connection.h"
#include "db/DbError.h"

#include <QFutureWatcher>
#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSocketNotifier>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <libpq-fe.h>

#include <algorithm>
#include <cstdint>
#include <utility>
#include <vector>

Q_LOGGING_CATEGORY(lcListener, "ops.db.listener", QtInfoMsg)

namespace ops::services {

namespace {

constexpr std::chrono::milliseconds firstBackoff{200};
constexpr std::chrono::milliseconds maxBackoff{10000};
// Bounds the worker's SET/LISTEN round trips: a server that accepted the connection but hangs
// must not keep the attempt (and its thread-pool thread) forever.
constexpr std::chrono::milliseconds setupStatementTimeout{10000};

using ConnectResult = Result<std::unique_ptr<Connection>>;

// Runs on a worker thread: blocking is fine here, and nothing in it touches the Listener.
ConnectResult connectAndListen(const ConnectionOptions& options, const QStringList& channels)
{
    auto opened = Connection::open(options, options.connectTimeout);
    if (!opened)
        return opened.error();
    std::unique_ptr<Connection> connection = std::move(opened.value());
    // Payloads are decoded as UTF-8 whatever the database's encoding: let the server convert.
    if (auto set = connection->exec(QStringLiteral("SET client_encoding TO 'UTF8'"), {}, setupStatementTimeout); !set)
        return set.error();
    for (const QString& channel : channels) {
        // The names are validated already; quoting keeps LISTEN safe even if that check changes.
        const QByteArray name = channel.toUtf8();
        char* quoted = PQescapeIdentifier(connection->raw(), name.constData(), size_t(name.size()));
        if (!quoted)
            return dberror::fromConnection(connection->raw(), ErrorKind::Internal);
        const QString statement = QStringLiteral("LISTEN ") + QString::fromUtf8(quoted);
        PQfreemem(quoted);
        if (auto listened = connection->exec(statement, {}, setupStatementTimeout); !listened)
            return listened.error();
    }
    return ConnectResult(std::move(connection));
}

} // namespace

Listener::Listener(ConnectionOptions directOptions, QStringList channels, QObject* parent)
    : QObject(parent),
      // The user's connection string still wins; otherwise pg_stat_activity shows what this is.
      m_options(directOptions.withApplicationName(QStringLiteral("ops-console listener")))
{
    QStringList invalid;
    for (const QString& channel : channels) {
        if (!isValidChannel(channel)) {
            invalid << QLatin1Char('\'') + channel.left(80) + QLatin1Char('\'');
        } else if (!m_channelSet.contains(channel)) {
            m_channelSet.insert(channel);
            m_channels << channel;
        }
    }
    if (!invalid.isEmpty()) {
        m_invalidChannels = Error::make(
            ErrorKind::InvalidInput,
            QStringLiteral("invalid LISTEN channel name(s) %1: use lower-case identifiers matching ^[a-z_][a-z0-9_]{0,62}$")
                .arg(invalid.join(QStringLiteral(", "))));
    } else if (m_channels.isEmpty()) {
        m_invalidChannels = Error::make(ErrorKind::InvalidInput, QStringLiteral("no channels to LISTEN on"));
    }
    if (m_invalidChannels)
        qCWarning(lcListener).noquote() << m_invalidChannels->message;

    m_reconnectTimer = new QTimer(this);
    m_reconnectTimer->setSingleShot(true);
    connect(m_reconnectTimer, &QTimer::timeout, this, &Listener::beginAttempt);
}

Listener::~Listener()
{
    stop();
}

bool Listener::isValidChannel(const QString& channel)
{
    // anchoredPattern, not ^...$: PCRE's $ also matches before a trailing newline.
    static const QRegularExpression pattern(QRegularExpression::anchoredPattern(QStringLiteral("[a-z_][a-z0-9_]{0,62}")));
    return pattern.match(channel).hasMatch();
}

std::chrono::milliseconds Listener::backoffCeiling(int attempt)
{
    const int doublings = std::clamp(attempt, 0, 16);  // 200 ms << 16 is far past the cap already
    return std::min<std::chrono::milliseconds>(maxBackoff, firstBackoff * (std::int64_t(1) << doublings));
}

void Listener::start()
{
    if (m_running)
        return;
    if (m_invalidChannels) {
        emit disconnected(*m_invalidChannels);
        return;
    }
    m_running = true;
    m_failedAttempts = 0;
    m_reportedDown = false;
    beginAttempt();
}

void Listener::stop()
{
    m_running = false;
    ++m_generation;  // a delivery loop in progress (stop() called from a slot) ends here
    m_reconnectTimer->stop();
    if (m_pending) {
        // The worker keeps running to its end; its result (an open connection, maybe) is then
        // destroyed on the worker thread, so this thread never waits for it.
        delete std::exchange(m_pending, nullptr);
    }
    closeConnection();
    m_failedAttempts = 0;
    m_reportedDown = false;
}

bool Listener::isConnected() const
{
    return m_connection != nullptr;
}

void Listener::beginAttempt()
{
    if (!m_running || m_pending || m_connection)
        return;
    qCDebug(lcListener) << "connecting to" << m_options.displayLocation() << "attempt" << m_failedAttempts + 1;
    m_pending = new QFutureWatcher<ConnectResult>(this);
    connect(m_pending, &QFutureWatcherBase::finished, this, &Listener::attemptFinished);
    m_pending->setFuture(QtConcurrent::run([options = m_options, channels = m_channels] {
        return connectAndListen(options, channels);
    }));
}

void Listener::attemptFinished()
{
    QFutureWatcher<ConnectResult>* watcher = std::exchange(m_pending, nullptr);
    if (!watcher)
        return;
    watcher->deleteLater();
    QFuture<ConnectResult> future = watcher->future();
    ConnectResult outcome = future.resultCount() > 0
                                ? future.takeResult()
                                : ConnectResult(Error::make(ErrorKind::Internal, QStringLiteral("the connect task produced no result")));
    if (!m_running)
        return;  // the connection, if any, closes here
    if (outcome) {
        adopt(std::move(outcome).value());
        return;
    }
    ++m_failedAttempts;
    qCDebug(lcListener) << "connect attempt failed:" << outcome.error().toString();
    scheduleReconnect();
    if (!m_reportedDown) {
        m_reportedDown = true;
        qCWarning(lcListener).noquote() << "not listening:" << outcome.error().toString() << "- retrying";
        emit disconnected(outcome.error());  // last: the slot may stop or delete this listener
    }
}

void Listener::adopt(std::unique_ptr<Connection> connection)
{
    // From here on only non-blocking calls touch the connection on this thread. In non-blocking
    // mode even PQfinish's goodbye message cannot make this thread wait.
    PQsetnonblocking(connection->raw(), 1);
    PQsetNoticeReceiver(connection->raw(), &Listener::receiveNotice, this);
    m_connection = std::move(connection);
    m_notifier = new QSocketNotifier(m_connection->socket(), QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &Listener::readAvailable);
    m_failedAttempts = 0;
    m_reportedDown = false;
    qCInfo(lcListener).noquote() << "listening on" << m_channels.join(QStringLiteral(", ")) << "via"
                                 << m_options.displayLocation() << "backend pid" << m_connection->backendPid();

    const quint64 generation = m_generation;
    QPointer<Listener> self(this);
    emit connected();
    if (!self || generation != m_generation || !m_connection)
        return;
    // The LISTEN round trips may have absorbed notifications into libpq's queue already; the
    // socket will not announce those again.
    readAvailable();
}

void Listener::readAvailable()
{
    if (!m_connection)
        return;
    PGconn* conn = m_connection->raw();
    const bool consumed = PQconsumeInput(conn) == 1;

    struct Received {
        QString channel;
        QString payload;
        int senderPid = 0;
    };
    std::vector<Received> received;
    while (PGnotify* notify = PQnotifies(conn)) {
        received.push_back({QString::fromUtf8(notify->relname), QString::fromUtf8(notify->extra), notify->be_pid});
        PQfreemem(notify);
    }
    const bool healthy = consumed && PQstatus(conn) == CONNECTION_OK;
    Error reason;
    if (!healthy) {
        reason = dberror::fromConnection(conn);
        if (m_serverGoodbye) {
            // "terminating connection due to administrator command" says more than "server closed".
            const QString closed = reason.message.section(QLatin1Char('\n'), 0, 0);
            reason = *m_serverGoodbye;
            reason.detail = closed;
        }
    }

    // Notifications that arrived before the connection broke are still delivered, before disconnected().
    const quint64 generation = m_generation;
    QPointer<Listener> self(this);
    for (const Received& one : received) {
        if (!m_channelSet.contains(one.channel)) {
            qCDebug(lcListener) << "ignoring a notification on" << one.channel;
            continue;
        }
        emit notification(one.channel, one.payload, one.senderPid);
        if (!self || generation != m_generation)
            return;  // a slot stopped or deleted the listener
    }
    if (!healthy)
        connectionLost(reason);
}

void Listener::connectionLost(const Error& reason)
{
    qCWarning(lcListener).noquote() << "connection lost:" << reason.toString() << "- reconnecting";
    closeConnection();
    m_failedAttempts = 0;
    scheduleReconnect();
    if (!m_reportedDown) {
        m_reportedDown = true;
        emit disconnected(reason);  // last: the slot may stop or delete this listener
    }
}

void Listener::scheduleReconnect()
{
    if (!m_running)
        return;
    // Equal jitter: between half and all of the ceiling, so consoles that lost the same server
    // at the same moment do not come back in lockstep, and no retry is ever immediate.
    const qint64 ceiling = backoffCeiling(m_failedAttempts).count();
    const qint64 delay = ceiling / 2 + qint64(QRandomGenerator::global()->bounded(quint32(ceiling / 2 + 1)));
    qCDebug(lcListener) << "reconnecting in" << delay << "ms";
    m_reconnectTimer->start(std::chrono::milliseconds(delay));
}

void Listener::closeConnection()
{
    // The notifier goes first: a notifier left watching a closed (and soon reused) descriptor
    // would fire for somebody else's socket. deleteLater because this may run inside its own
    // activated() signal.
    if (m_notifier) {
        m_notifier->setEnabled(false);
        disconnect(m_notifier, nullptr, this, nullptr);
        m_notifier->deleteLater();
        m_notifier = nullptr;
    }
    m_connection.reset();
    m_serverGoodbye.reset();
}

void Listener::receiveNotice(void* listener, const PGresult* notice)
{
    // An idle connection receives the server's FATAL (shutdown, pg_terminate_backend) as a notice
    // just before the socket closes: keep it as the reason for disconnected().
    auto* self = static_cast<Listener*>(listener);
    const QString severity = QString::fromLatin1(PQresultErrorField(notice, PG_DIAG_SEVERITY_NONLOCALIZED));
    if (severity == QLatin1String("FATAL") || severity == QLatin1String("PANIC")) {
        Error error = dberror::fromResult(notice, nullptr);
        error.kind = ErrorKind::Connection;
        error.retryable = true;
        self->m_serverGoodbye = error;
    }
    qCDebug(lcListener).noquote() << "server notice:" << QString::fromUtf8(PQresultErrorMessage(notice)).trimmed();
}

} // namespace ops::services
