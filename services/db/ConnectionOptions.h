// SPDX-License-Identifier: MIT
#pragma once

// ConnectionOptions: where and how to connect. Built from a libpq URI or key=value string
// (DATABASE_URL, --dsn, a settings profile) or for a Unix socket directory (the embedded server).
// Adds the console's defaults (application name, connect timeout, TCP keepalives and
// tcp_user_timeout for remote hosts) underneath whatever the user's string says, so the user's
// string always wins. Multiple hosts and target_session_attrs pass through untouched.
// TLS: sslmode and sslrootcert (the CA file) come from the string or from withTls(), and are
// checked before any connection is tried (validateTls()).
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

    // The sslmode values libpq 15 knows, weakest first: disable, allow, prefer, require, verify-ca,
    // verify-full.
    static QStringList sslModes();
    // Checks a TLS choice before connecting, for the settings dialog and for every connection
    // string: an unknown mode; a CA file that is missing, unreadable or not a PEM certificate;
    // verify-ca or verify-full without a CA file (unless libpq's default ~/.postgresql/root.crt
    // exists); verify-ca or verify-full to a Unix socket (TLS is never used there). An empty mode
    // is libpq's default, prefer. `host` is what the user typed (comma-separated for several hosts,
    // empty for the default socket). The error says what to change.
    static Result<void> validateTls(const QString& sslMode, const QString& caFile, const QString& host);
    // A copy with these TLS settings in place of the string's (an empty caFile keeps the string's).
    // Validated like validateTls().
    Result<ConnectionOptions> withTls(const QString& sslMode, const QString& caFile) const;

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
    // The configured host name(s) as displayLocation() shows them ("db.example.com"), never a password.
    QString displayHost() const;
    // True for Unix sockets and loopback hosts (no TLS warning, no keepalive tuning needed). A host
    // name counts as the user wrote it: "db.example.com" is not local even when hostaddr points to
    // 127.0.0.1 (the name is what the user configured, the address may change), and "localhost"
    // with a non-loopback hostaddr is not local either.
    bool isLocal() const;

    // The sslmode libpq will use ("prefer" when nothing says otherwise) and the CA file (empty: libpq's default).
    QString sslMode() const;
    QString sslRootCert() const;

    QString host() const;
    QString database() const;
    QString user() const;

    std::chrono::milliseconds connectTimeout{10000};

private:
    QString m_connectionString;  // may hold a password: kept in memory only, never logged
    QString m_databaseOverride;
    QString m_userOverride;
    QString m_sslModeOverride;
    QString m_sslRootCertOverride;
    QString m_applicationName{QStringLiteral("ops-console")};
    QByteArray m_passwordOverride;  // memory only, like the string
    QString parsedValue(const char* keyword) const;
};

} // namespace ops::services
