// SPDX-License-Identifier: MIT
#pragma once

// EmbeddedPostgres: the console's private PostgreSQL cluster (the embedded default).
// Creates the cluster on first use (initdb), starts it listening on a Unix socket only (no TCP),
// waits until it accepts connections, reuses a server that already runs on the same data
// directory, recovers from a stale postmaster.pid, and stops it on request.
// PostgreSQL refuses to run as root, so when the console runs as root the server runs as the
// `postgres` system user (from Debian's postgresql package) in a directory that user owns.
// Every method blocks (it runs initdb / pg_ctl): call them from a worker thread, never the GUI
// thread. Errors are returned as Result values with the server log's tail in `detail`.

#include "common/Result.h"
#include "db/ConnectionOptions.h"

#include <QString>
#include <QStringList>

#include <chrono>

namespace ops::services {

struct EmbeddedPostgresOptions {
    QString dataDirectory;          // the console's data directory; the cluster lives in <dir>/postgres
    QString database = QStringLiteral("ops");
    bool durable = true;            // false for throwaway clusters (tests): fsync and friends off
    bool stopWhenProcessExits = false;  // a watchdog stops the server if this process dies (tests)
    std::chrono::seconds startTimeout{60};
    // Tests of TCP and TLS only (the console itself never listens on TCP):
    int port = 5432;                // names the socket file, and the TCP port when listenAddresses is set
    QString listenAddresses;        // empty: the Unix socket only; e.g. "127.0.0.1"
    QStringList serverSettings;     // more "name=value" settings (ssl=on, ssl_cert_file=...), after the defaults
};

class EmbeddedPostgres final {
public:
    explicit EmbeddedPostgres(EmbeddedPostgresOptions options);

    // The directory holding initdb, pg_ctl and postgres (newest major version installed), or an
    // error naming the Debian package to install.
    static Result<QString> findServerBinaries();

    Result<void> start();
    // Fast shutdown (running statements are cancelled, connections closed); waits until it is down.
    Result<void> stop();
    // Whether this process started the server (false when it reused one that was running).
    bool startedByUs() const { return m_startedByUs; }
    bool isRunning() const;

    ConnectionOptions connectionOptions() const;          // the configured database
    ConnectionOptions maintenanceOptions() const;         // database "postgres"
    QString clusterDirectory() const { return m_baseDirectory + QStringLiteral("/pgdata"); }
    QString socketDirectory() const { return m_socketDirectory; }
    QString logFile() const { return m_baseDirectory + QStringLiteral("/server.log"); }
    QString superuser() const { return QStringLiteral("postgres"); }
    static constexpr int port = 5432;  // the default port: names the socket file only, there is no TCP listener
    int serverPort() const { return m_options.port; }  // the port this server uses (socket file, TCP if any)

private:
    struct ProcessOutcome {
        int exitCode = -1;
        QString output;
        bool started = false;
    };
    ProcessOutcome runServerTool(const QString& tool, const QStringList& arguments,
                                 std::chrono::seconds timeout) const;
    QStringList commandFor(const QString& tool, const QStringList& arguments) const;
    QStringList startArguments() const;
    Result<void> prepareDirectories();
    Result<void> initializeCluster();
    Result<bool> reuseRunningServer();
    Result<void> startServer();
    Result<void> waitUntilAccepting(std::chrono::seconds timeout) const;
    Result<void> ensureDatabase() const;
    void startWatchdog() const;
    QString logTail(int lines = 15) const;
    QString serverOptionsArgument() const;

    EmbeddedPostgresOptions m_options;
    QString m_binDirectory;
    QString m_baseDirectory;    // owned by the server's OS user, mode 0700
    QString m_socketDirectory;
    bool m_runAsPostgresUser = false;
    bool m_startedByUs = false;
    bool m_watchdogStarted = false;
};

} // namespace ops::services
