// SPDX-License-Identifier: MIT
#include "db/Connection.h"

#include "db/DbError.h"

#include <QLoggingCategory>
#include <QRegularExpression>

#include <poll.h>

Q_LOGGING_CATEGORY(lcConnection, "ops.db.connection", QtWarningMsg)

namespace ops::services {

using Clock = std::chrono::steady_clock;

QString QueryResult::text(int row, int column) const
{
    if (!m_result || isNull(row, column))
        return {};
    return QString::fromUtf8(PQgetvalue(m_result.get(), row, column), PQgetlength(m_result.get(), row, column));
}

QByteArray QueryResult::bytes(int row, int column) const
{
    if (!m_result || isNull(row, column))
        return {};
    return QByteArray(PQgetvalue(m_result.get(), row, column), PQgetlength(m_result.get(), row, column));
}

QDateTime QueryResult::toDateTime(int row, int column) const
{
    if (!m_result || isNull(row, column))
        return {};
    // PostgreSQL prints "2026-11-22 20:57:11.123+00"; Qt wants a 'T' and a full offset.
    QString value = text(row, column);
    value.replace(10, 1, QLatin1Char('T'));
    static const QRegularExpression shortOffset(QStringLiteral("([+-]\\d\\d)$"));
    value.replace(shortOffset, QStringLiteral("\\1:00"));
    return QDateTime::fromString(value, Qt::ISODateWithMs);
}

qint64 QueryResult::affectedRows() const
{
    return m_result ? QByteArray(PQcmdTuples(m_result.get())).toLongLong() : 0;
}

static void forwardNotice(void*, const char* message)
{
    qCDebug(lcConnection) << "server notice:" << QString::fromUtf8(message).trimmed();
}

Connection::Connection(PGconn* conn) : m_conn(conn), m_cancel(PQgetCancel(conn))
{
    PQsetNoticeProcessor(m_conn, &forwardNotice, nullptr);
}

Connection::~Connection()
{
    if (m_cancel)
        PQfreeCancel(m_cancel);
    PQfinish(m_conn);
}

Result<std::unique_ptr<Connection>> Connection::open(const ConnectionOptions& options,
                                                     std::chrono::milliseconds timeout)
{
    const LibpqParameters parameters = options.libpqParameters();

    PGconn* conn = PQconnectStartParams(parameters.keywords(), parameters.values(), 1);
    if (!conn)
        return Error::make(ErrorKind::Connection, QStringLiteral("out of memory starting a connection"));
    if (PQstatus(conn) == CONNECTION_BAD) {
        Error error = dberror::fromConnection(conn);
        PQfinish(conn);
        return error;
    }

    // Drive the non-blocking handshake ourselves so the deadline holds for DNS-resolved hosts,
    // TLS negotiation and a server that accepts TCP but never answers.
    const auto deadline = Clock::now() + timeout;
    PostgresPollingStatusType status = PGRES_POLLING_WRITING;
    while (status != PGRES_POLLING_OK) {
        if (status == PGRES_POLLING_FAILED) {
            Error error = dberror::fromConnection(conn);
            PQfinish(conn);
            return error;
        }
        const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (remaining.count() <= 0) {
            PQfinish(conn);
            Error error = Error::make(ErrorKind::Timeout,
                                      QStringLiteral("connecting to %1 took longer than %2 ms")
                                          .arg(options.displayLocation())
                                          .arg(timeout.count()));
            error.retryable = true;
            return error;
        }
        pollfd fd{PQsocket(conn), static_cast<short>(status == PGRES_POLLING_READING ? POLLIN : POLLOUT), 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(remaining.count()));
        if (ready < 0 && errno != EINTR) {
            PQfinish(conn);
            return Error::make(ErrorKind::Connection, QStringLiteral("poll failed while connecting"));
        }
        if (ready > 0 || fd.fd < 0)
            status = PQconnectPoll(conn);
    }
    return std::unique_ptr<Connection>(new Connection(conn));
}

Result<void> Connection::waitReadable(Clock::time_point deadline)
{
    while (true) {
        const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (remaining.count() <= 0)
            return Error::make(ErrorKind::Timeout, QStringLiteral("statement deadline expired"));
        pollfd fd{PQsocket(m_conn), POLLIN, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(std::min<qint64>(remaining.count(), 1'000'000)));
        if (ready < 0 && errno == EINTR)
            continue;
        if (ready != 0)
            return {};
    }
}

QueryResult Connection::collectResults(std::optional<Error>& error)
{
    // A statement may yield several results; keep the last good one, or the first error.
    QueryResult last;
    while (PGresult* result = PQgetResult(m_conn)) {
        const ExecStatusType status = PQresultStatus(result);
        const bool good = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY
                          || status == PGRES_COPY_IN || status == PGRES_COPY_OUT;
        if (!good && !error)
            error = dberror::fromResult(result, m_conn);
        if (status == PGRES_COPY_IN || status == PGRES_COPY_OUT) {
            // COPY is not driven through exec(); end it so the connection stays usable.
            PQclear(result);
            if (status == PGRES_COPY_IN)
                PQputCopyEnd(m_conn, "COPY is not supported through exec()");
            continue;
        }
        last = QueryResult(result);
        if (PQstatus(m_conn) == CONNECTION_BAD)
            break;
    }
    if (!error && PQstatus(m_conn) == CONNECTION_BAD)
        error = dberror::fromConnection(m_conn);
    return last;
}

Result<QueryResult> Connection::exec(const QString& sql, const SqlParams& params,
                                     std::optional<std::chrono::milliseconds> timeout)
{
    m_lastStatementSent = false;
    if (isBroken())
        return Error{ErrorKind::Connection, QStringLiteral("connection is broken"), {}, {}, {}, true};

    std::vector<const char*> values;
    std::vector<int> lengths;
    values.reserve(params.size());
    lengths.reserve(params.size());
    for (const SqlValue& value : params) {
        values.push_back(value.isNull() ? nullptr : value.text().constData());
        lengths.push_back(value.isNull() ? 0 : int(value.text().size()));
    }
    const QByteArray statement = sql.toUtf8();
    if (!PQsendQueryParams(m_conn, statement.constData(), int(params.size()), nullptr, values.data(),
                           lengths.data(), nullptr, 0)) {
        return dberror::fromConnection(m_conn);
    }
    m_lastStatementSent = true;

    // Blocking mode: PQsendQueryParams has flushed the whole statement before returning.
    const auto started = Clock::now();
    auto deadline = timeout ? Clock::now() + *timeout : Clock::time_point::max();
    if (m_deadline && *m_deadline < deadline)
        deadline = *m_deadline;
    while (PQisBusy(m_conn)) {
        Result<void> ready = waitReadable(deadline);
        if (!ready) {
            // Ask the server to stop, then give it a moment to answer; a server that does not
            // answer a cancel leaves the connection in an unknown state, so it is closed.
            cancel();
            const auto grace = Clock::now() + std::chrono::seconds(2);
            while (PQisBusy(m_conn) && waitReadable(grace) && PQconsumeInput(m_conn)) {}
            if (PQisBusy(m_conn)) {
                m_broken = true;
            } else {
                std::optional<Error> ignored;
                collectResults(ignored);
            }
            return Error::make(ErrorKind::Timeout,
                               QStringLiteral("statement cancelled: its deadline passed after %1 ms")
                                   .arg(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count()));
        }
        if (!PQconsumeInput(m_conn))
            return dberror::fromConnection(m_conn);
    }
    std::optional<Error> error;
    QueryResult result = collectResults(error);
    if (error)
        return *error;
    return result;
}

Result<void> Connection::execScript(const QString& sql)
{
    m_lastStatementSent = true;
    PGresult* raw = PQexec(m_conn, sql.toUtf8().constData());
    QueryResult result(raw);
    const ExecStatusType status = PQresultStatus(raw);
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY)
        return {};
    return dberror::fromResult(raw, m_conn);
}

TlsSession Connection::tlsSession() const
{
    TlsSession session;
    session.inUse = PQsslInUse(m_conn) == 1;
    if (session.inUse) {
        session.protocol = QString::fromLatin1(PQsslAttribute(m_conn, "protocol"));
        session.cipher = QString::fromLatin1(PQsslAttribute(m_conn, "cipher"));
    }
    return session;
}

bool Connection::cancel()
{
    if (!m_cancel)
        return false;
    char message[256] = {};
    return PQcancel(m_cancel, message, sizeof message) == 1;
}

bool Connection::pollAlive()
{
    if (isBroken())
        return false;
    pollfd fd{PQsocket(m_conn), POLLIN, 0};
    if (::poll(&fd, 1, 0) > 0) {
        // Something arrived while idle: usually the server's FATAL before it closed the socket.
        if (!PQconsumeInput(m_conn))
            return false;
        while (PGnotify* notify = PQnotifies(m_conn))
            PQfreemem(notify);
    }
    return PQstatus(m_conn) == CONNECTION_OK;
}

} // namespace ops::services
