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

// Keyword and value arrays for libpq's *Params functions (PQconnectStartParams, PQpingParams,
// with expand_dbname = 1), null-terminated and owning their strings. Movable, not copyable.
class LibpqParameters {
public:
    explicit LibpqParameters(std::vector<std::pair<QByteArray, QByteArray>> pairs);
    LibpqParameters(LibpqParameters&&) = default;
    LibpqParameters& operator=(LibpqParameters&&) = default;
    LibpqParameters(const LibpqParameters&) = delete;
    LibpqParameters& operator=(const LibpqParameters&) = delete;

    const std::vector<std::pair<QByteArray, QByteArray>>& pairs() const { return m_pairs; }
    const char* const* keywords() const { return m_keywords.data(); }
    const char* const* values() const { return m_values.data(); }

private:
    std::vector<std::pair<QByteArray, QByteArray>> m_pairs;
    std::vector<const char*> m_keywords;  // point into m_pairs' buffers, which a move keeps
    std::vector<const char*> m_values;
};

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
    // A copy that logs in with this password (from the SecretStore or a prompt). It goes to libpq
    // as the `password` keyword, after the user's string; never into displayLocation(), a log or
    // connectionStringWithoutPassword().
    ConnectionOptions withPassword(const QByteArray& password) const;

    // Whether the user's string itself holds a password (`password=` or `postgresql://u:pw@`):
    // such a string must not be saved in the settings (the password belongs in the keyring).
    bool containsPassword() const;
    static bool containsPassword(const QString& connectionString);
    // Whether libpq will be given a password: in the string or by withPassword().
    bool hasPassword() const;
    // The user's string as key=value pairs without the password, for the settings file; other
    // keywords (host lists, sslmode, target_session_attrs...) are kept.
    QString connectionStringWithoutPassword() const;

    // What libpq is given: the console's defaults, then the user's string, then the overrides.
    LibpqParameters libpqParameters() const;

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
    QByteArray m_passwordOverride;  // memory only, like the string
    QString parsedValue(const char* keyword) const;
};

} // namespace ops::services
