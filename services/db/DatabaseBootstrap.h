// SPDX-License-Identifier: MIT
#pragma once

// DatabaseBootstrap: brings the console's database up at start and down at exit.
// Embedded default (no connection string): start or reuse the private cluster. External: use
// the connection string (DATABASE_URL, --dsn or a settings profile). Then apply migrations.
// At exit the embedded server is stopped unless another console still uses it.
// Blocking: call from a worker thread (the app runs it under QtConcurrent::run).

#include "common/Result.h"
#include "db/ConnectionOptions.h"
#include "db/TransportSecurity.h"

#include <QString>
#include <QStringList>

#include <memory>

namespace ops::services {

class Connection;
class EmbeddedPostgres;

struct DatabaseTarget {
    QString connectionString;  // empty: the embedded default
    QString dataDirectory;     // where the embedded cluster lives
    // External only: the password when the connection string has none (from the SecretStore or a
    // prompt; memory only). Empty: libpq's own PGPASSWORD and ~/.pgpass.
    QByteArray password{};
    // The SecretStore name of this profile's password.
    QString passwordSecret = QStringLiteral("database/default");
    bool embedded() const { return connectionString.isEmpty(); }
    // External, with no password in the string nor PGPASSWORD: worth asking the SecretStore.
    bool wantsStoredPassword() const;
};

struct DatabaseStatus {
    bool embedded = false;
    bool reusedServer = false;  // embedded: the server was already running
    QString serverVersion;      // e.g. "15.18"
    QString location;           // socket or host, never a password
    QString host;               // the host name as configured (for the TLS warning); empty for the embedded socket
    TlsSession tls;             // what the console's session negotiated
    TransportSecurity transport = TransportSecurity::Local;
    int schemaVersion = 0;
    QStringList appliedMigrations;
    QString summary() const;    // one line for the status bar
};

class DatabaseBootstrap final {
public:
    explicit DatabaseBootstrap(DatabaseTarget target);
    ~DatabaseBootstrap();

    // Blocking. For an external database that refused the password (dberror::isPasswordRequired)
    // it may be called again after setPassword().
    Result<DatabaseStatus> start();
    void setPassword(const QByteArray& password) { m_target.password = password; }
    // Stops the embedded server when no other console is connected to it. No-op for external.
    Result<void> shutdown();
    // Valid after a successful start().
    ConnectionOptions connectionOptions() const { return m_options; }

private:
    DatabaseTarget m_target;
    std::unique_ptr<EmbeddedPostgres> m_embedded;
    // Held open while the console runs: other consoles on the same embedded server see it
    // (application_name "ops-console presence") and leave the server running at their exit.
    std::unique_ptr<Connection> m_presence;
    ConnectionOptions m_options;
};

} // namespace ops::services
