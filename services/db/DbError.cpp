// SPDX-License-Identifier: MIT
#include "db/DbError.h"

#include <QStringList>

namespace ops::services::dberror {

bool isTransientSqlState(const QString& sqlstate)
{
    if (sqlstate.startsWith(QLatin1String("08")))
        return true;
    static const QStringList transient = {
        QStringLiteral("57P01"), QStringLiteral("57P02"), QStringLiteral("57P03"),
        QStringLiteral("40001"), QStringLiteral("40P01"), QStringLiteral("53300"),
    };
    return transient.contains(sqlstate);
}

ErrorKind kindForSqlState(const QString& sqlstate)
{
    if (sqlstate.startsWith(QLatin1String("08")) || sqlstate.startsWith(QLatin1String("57P")))
        return ErrorKind::Connection;
    if (isTransientSqlState(sqlstate))
        return ErrorKind::Transient;
    if (sqlstate == QLatin1String("42501"))
        return ErrorKind::Permission;
    if (sqlstate == QLatin1String("57014"))
        return ErrorKind::Timeout;  // statement_timeout or a cancel we sent
    return ErrorKind::Query;
}

bool isConnectivityFailure(const Error& error)
{
    if (error.kind == ErrorKind::Connection)
        return true;
    if (error.kind == ErrorKind::Timeout && error.sqlstate.isEmpty())
        return true;  // a client deadline on connect or on an unanswered statement
    return false;
}

static QString trimmed(const char* text)
{
    return text ? QString::fromUtf8(text).trimmed() : QString();
}

Error fromResult(const PGresult* result, const PGconn* connection)
{
    Error error;
    if (result) {
        error.sqlstate = trimmed(PQresultErrorField(result, PG_DIAG_SQLSTATE));
        error.message = trimmed(PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY));
        error.detail = trimmed(PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL));
        error.hint = trimmed(PQresultErrorField(result, PG_DIAG_MESSAGE_HINT));
        if (error.message.isEmpty())
            error.message = trimmed(PQresultErrorMessage(result));
    }
    const bool connectionBroken = connection && PQstatus(connection) == CONNECTION_BAD;
    if (error.sqlstate.isEmpty()) {
        // libpq reports client-side failures (lost connection, out of memory) without a SQLSTATE.
        if (error.message.isEmpty() && connection)
            error.message = trimmed(PQerrorMessage(connection));
        if (connectionBroken || !result) {
            error.kind = ErrorKind::Connection;
            error.retryable = true;
            return error;
        }
        error.kind = ErrorKind::Query;
        return error;
    }
    error.kind = kindForSqlState(error.sqlstate);
    error.retryable = isTransientSqlState(error.sqlstate);
    if (connectionBroken && error.kind != ErrorKind::Connection) {
        // e.g. 57P01 arrives as the last result of a terminated backend.
        error.kind = ErrorKind::Connection;
        error.retryable = true;
    }
    return error;
}

Error fromConnection(const PGconn* connection, ErrorKind kind)
{
    Error error;
    error.kind = kind;
    error.message = connection ? trimmed(PQerrorMessage(connection)) : QStringLiteral("out of memory");
    error.retryable = kind == ErrorKind::Connection || kind == ErrorKind::Timeout;
    // No password available (none given, no PGPASSWORD, no ~/.pgpass entry), or the one given was
    // refused. The second has no flag of its own: PQconnectionUsedPassword is also true when the
    // login succeeded and a later step failed (no such database), so the server's message decides.
    const bool refused = connection && PQconnectionUsedPassword(connection)
                         && error.message.contains(QLatin1String("password authentication failed"));
    if (connection && (PQconnectionNeedsPassword(connection) || refused)) {
        error.sqlstate = QStringLiteral("28P01");
        error.retryable = false;  // the same password again gets the same answer
    }
    return error;
}

bool isPasswordRequired(const Error& error)
{
    return error.sqlstate == QLatin1String("28P01");
}

} // namespace ops::services::dberror
