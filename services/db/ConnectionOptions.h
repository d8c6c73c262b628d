// SPDX-License-Identifier: MIT
#pragma once

// ConnectionOptions: where and how to connect. Built from a libpq URI or key=value string
// (DATABASE_URL, --dsn, a settings profile) or for a Unix socket directory (the embedded server).
// Adds the console's defaults (application name, connect timeout, TCP keepalives and
// tcp_user_timeout for remote hosts) underneath whatever the user's string says, so the user's
// string always wins. Multiple hosts and target_session_attrs pass through untouched.
// A value type; any thread.

#include "common/Result.h"

#include <QString>

#include <chrono>
#include <utility>
#include <vector>

namespace ops::services {

class ConnectionOptions {
public:
    // Validates the string with libpq's own parser; the error never repeats the password.
    static Result<ConnectionOptions> fromConnectionString(const QString& connectionString);
    static ConnectionOptions forSocket(const QString& socketDirectory, int port, const QString& database,
                                       const QString& user);

    // A copy that connects to another database on the same server (tests, bootstrap).
    ConnectionOptions withDatabase(const QString& database) const;
    ConnectionOptions withUser(const QString& user) const;
    ConnectionOptions withApplicationName(const QString& name) const;

    // keyword/value pairs for PQconnectStartParams (expand_dbname = 1).
    std::vector<std::pair<QByteArray, QByteArray>> libpqParameters() const;

    // For the status bar and logs: "socket /path/run (db ops)" or "db.example.com:5432 (db postgres)".
    // Never contains a password.
    QString displayLocation() const;
    // True for Unix sockets and loopback hosts (no TLS warning, no keepalive tuning needed).
    bool isLocal() const;

    QString host() const;
    QString database() const;
    QString user() const;

    std::chrono::milliseconds connectTimeout{10000};

private:
    QString m_connectionString;  // may hold a password: kept in memory only, never logged
    QString m_databaseOverride;
    QString m_userOverride;
    QString m_applicationName{QStringLiteral("ops-console")};
    QString parsedValue(const char* keyword) const;
};

} // namespace ops::services
