// SPDX-License-Identifier: MIT
#pragma once

// DbError: turns what libpq reports (a PGresult's fields, a broken PGconn) into an Error with
// SQLSTATE, message, detail and hint, and classifies it as transient (worth retrying) or permanent.
// Pure functions; callable from any thread.

#include "common/Result.h"

#include <libpq-fe.h>

namespace ops::services::dberror {

// Transient SQLSTATEs: connection exceptions (class 08), admin/crash shutdown and cannot-connect-now
// (57P01-57P03), serialization failure (40001), deadlock (40P01), too many connections (53300).
bool isTransientSqlState(const QString& sqlstate);

// True when the failure says the connection itself is unusable or the server unreachable: the
// circuit breaker counts only these.
bool isConnectivityFailure(const Error& error);

// The error kind for a SQLSTATE (42501 -> Permission, transient -> Transient/Connection, else Query).
ErrorKind kindForSqlState(const QString& sqlstate);

// From a failed result; `connection` is consulted when the result carries no SQLSTATE
// (libpq-side failures such as a lost connection have none).
Error fromResult(const PGresult* result, const PGconn* connection);

// From a connection that failed to open or broke. A login the server refused for want of the
// right password gets SQLSTATE 28P01 (invalid_password) and is not retryable: libpq keeps the
// server's own code of a failed login to itself.
Error fromConnection(const PGconn* connection, ErrorKind kind = ErrorKind::Connection);

// True for 28P01: the server wants a (different) password for this user. The app then asks for
// one (window) or explains where it looks (headless).
bool isPasswordRequired(const Error& error);

} // namespace ops::services::dberror
