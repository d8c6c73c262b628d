// SPDX-License-Identifier: MIT
#pragma once

// SettingsValidator: the rules behind the first-run wizard and the settings dialog, free of
// widgets so they are unit-tested on their own. Every check returns the reason in plain text, or
// an empty string when the value is fine; the dialogs show it next to the field as you type.
// Pure functions of their arguments except tls(), which looks at the CA file. Any thread.

#include <QString>

namespace ops::services {

// A connection profile entered field by field (the alternative is a raw libpq string).
struct ConnectionFields {
    QString host;
    QString port;
    QString database;
    QString user;
};

class SettingsValidator final {
public:
    static constexpr int kMinRetentionDays = 1;
    static constexpr int kMaxRetentionDays = 3650;  // ops.health_retention's CHECK

    // 1..64 letters, digits, '_', '-', '.' or spaces (it becomes part of a settings key and of the
    // secret name "database/<profile>", so no '/').
    static QString profileName(const QString& name);
    // A libpq URI or key=value string that libpq can parse and that holds no password: passwords
    // go to the keyring, never into the settings file.
    static QString connectionString(const QString& connectionString);
    // Empty (libpq's default 5432) or 1..65535.
    static QString port(const QString& port);
    // Host given (empty means the local socket, which is fine), port, database name.
    static QString fields(const ConnectionFields& fields);
    // sslmode one of disable..verify-full; verify-ca / verify-full need a CA file; a CA file
    // given must exist and be readable.
    static QString tls(const QString& sslMode, const QString& caFile, const QString& host);
    // An http(s) URL with a host. Empty is accepted when optional.
    static QString httpUrl(const QString& url, bool optional);
    // A monitor's name (1..200 characters, ops.monitors' CHECK) and interval (1 s .. 1 day).
    static QString monitorName(const QString& name);
    static QString monitorIntervalSeconds(int seconds);
    // The deploy provider: kind "demo", "http" (URL and provider project id needed) or "command"
    // (a rollback command needed).
    static QString deployProvider(const QString& kind, const QString& url, const QString& projectId,
                                  const QString& rollbackCommand);
    // Raw samples and rollups kept 1..3650 days; rollups at least as long as raw samples (charts
    // of long ranges read the rollups).
    static QString retention(int rawDays, int rollupDays);

    // True when libpq would read a password out of the string (password=..., or user:pass@ in a URI).
    static bool containsPassword(const QString& connectionString);
    // verify-full for a remote server (TLS with the host checked), prefer for a local one.
    static QString defaultSslMode(const QString& host);
    // "host='db' port='5432' dbname='ops' user='me'": quoted key=value, empty fields left out.
    static QString connectionStringFor(const ConnectionFields& fields);
    // The string with sslmode / sslrootcert added (or replaced), in its own syntax (URI or key=value).
    // Empty values are left out.
    static QString withTls(const QString& connectionString, const QString& sslMode, const QString& caFile);
    // A value quoted for a key=value string ('...' with \ and ' escaped).
    static QString conninfoQuoted(const QString& value);
    // The parsed value of one keyword ("host", "sslmode", ...), empty when absent or unparsable.
    static QString keywordValue(const QString& connectionString, const QString& keyword);
};

} // namespace ops::services
