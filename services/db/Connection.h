// SPDX-License-Identifier: MIT
#pragma once

// Connection: one libpq connection (RAII over PGconn*) and QueryResult (RAII over PGresult*).
// Every statement is parameterised (PQsendQueryParams, unnamed, text format), so it works through
// a transaction pooler. Calls block the calling thread: use a Connection only on a worker thread
// (the pool's), never on the GUI thread. One thread at a time. Errors come back as Result values
// with SQLSTATE and classification (see DbError.h).

#include "common/Result.h"
#include "db/ConnectionOptions.h"
#include "db/TransportSecurity.h"

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

namespace ops::services {

// One statement parameter, converted to PostgreSQL's text format. Null by default.
class SqlValue {
public:
    SqlValue() = default;
    SqlValue(std::nullopt_t) {}
    SqlValue(const QString& text) : m_text(text.toUtf8()) {}
    SqlValue(const char* text) : m_text(QByteArray(text)) {}
    SqlValue(const QByteArray& bytes) : m_text(bytes) {}
    SqlValue(int number) : m_text(QByteArray::number(number)) {}
    SqlValue(qint64 number) : m_text(QByteArray::number(number)) {}
    SqlValue(double number) : m_text(QByteArray::number(number, 'g', 17)) {}
    SqlValue(bool flag) : m_text(flag ? QByteArray("true") : QByteArray("false")) {}
    SqlValue(const QDateTime& time)
        : m_text(time.isValid() ? std::optional<QByteArray>(time.toUTC().toString(Qt::ISODateWithMs).toUtf8())
                                : std::nullopt) {}
    template <typename T>
    SqlValue(const std::optional<T>& value) { if (value) *this = SqlValue(*value); }

    bool isNull() const { return !m_text.has_value(); }
    const QByteArray& text() const { return *m_text; }

private:
    std::optional<QByteArray> m_text;
};
using SqlParams = std::vector<SqlValue>;

class QueryResult {
public:
    QueryResult() = default;
    explicit QueryResult(PGresult* result) : m_result(result, &PQclear) {}

    int rowCount() const { return m_result ? PQntuples(m_result.get()) : 0; }
    int columnCount() const { return m_result ? PQnfields(m_result.get()) : 0; }
    int column(const char* name) const { return m_result ? PQfnumber(m_result.get(), name) : -1; }
    bool isNull(int row, int column) const { return PQgetisnull(m_result.get(), row, column) == 1; }
    QString text(int row, int column) const;
    QByteArray bytes(int row, int column) const;
    qint64 toInt64(int row, int column) const { return bytes(row, column).toLongLong(); }
    double toDouble(int row, int column) const { return bytes(row, column).toDouble(); }
    bool toBool(int row, int column) const { return bytes(row, column) == "t"; }
    QDateTime toDateTime(int row, int column) const;  // timestamptz in ISO form (DateStyle ISO)
    qint64 affectedRows() const;  // INSERT/UPDATE/DELETE count, 0 otherwise
    // The first column of the first row, or a null QString: handy for scalar queries.
    QString scalar() const { return rowCount() > 0 && columnCount() > 0 ? text(0, 0) : QString(); }

private:
    std::shared_ptr<PGresult> m_result;  // shared so results can be returned by value cheaply
};

class Connection final {
public:
    ~Connection();
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Connects with a deadline enforced here (libpq's asynchronous connect ignores connect_timeout).
    static Result<std::unique_ptr<Connection>> open(const ConnectionOptions& options,
                                                    std::chrono::milliseconds timeout);

    // One parameterised statement. With a timeout the statement is cancelled when it expires
    // and a Timeout error is returned.
    Result<QueryResult> exec(const QString& sql, const SqlParams& params = {},
                             std::optional<std::chrono::milliseconds> timeout = std::nullopt);
    // Several statements in one string (simple protocol). Only for the console's own trusted SQL,
    // such as migration files: never for text that came from a user.
    Result<void> execScript(const QString& sql);

    // A deadline for every exec() without a timeout of its own: the pool sets the unit of work's
    // deadline here so a statement cannot outlive the caller's patience. Cleared with nullopt.
    void setDeadline(std::optional<std::chrono::steady_clock::time_point> deadline) { m_deadline = deadline; }

    // Whether the last failed exec() had sent its statement to the server (so a write may have run).
    bool lastStatementSent() const { return m_lastStatementSent; }
    bool isBroken() const { return m_broken || PQstatus(m_conn) != CONNECTION_OK; }
    PGTransactionStatusType transactionStatus() const { return PQtransactionStatus(m_conn); }
    int serverVersion() const { return PQserverVersion(m_conn); }
    int backendPid() const { return PQbackendPID(m_conn); }
    int socket() const { return PQsocket(m_conn); }
    // Whether this session is encrypted, and with which protocol and cipher.
    TlsSession tlsSession() const;
    // Asks the server to cancel the running statement. Safe from another thread (libpq's PQcancel).
    bool cancel();
    // Reads pending input without blocking and reports whether the connection is still usable:
    // a cheap liveness check that needs no round trip (catches a terminated backend's goodbye).
    bool pollAlive();
    PGconn* raw() const { return m_conn; }

private:
    explicit Connection(PGconn* conn);
    Result<void> waitReadable(std::chrono::steady_clock::time_point deadline);
    QueryResult collectResults(std::optional<Error>& error);

    PGconn* m_conn = nullptr;
    PGcancel* m_cancel = nullptr;
    bool m_lastStatementSent = false;
    bool m_broken = false;
    std::optional<std::chrono::steady_clock::time_point> m_deadline;  // a cancelled statement never finished: the protocol state is unknown
};

} // namespace ops::services
