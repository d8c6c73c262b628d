// SPDX-License-Identifier: MIT
#pragma once

// PgBouncer: a test fixture running Debian's pgbouncer (package pgbouncer, 1.18) in TRANSACTION
// pool mode on 127.0.0.1 (a free port; no Unix socket) in front of a PostgreSQL server that it
// reaches over the server's Unix socket directory, e.g. TestCluster's EmbeddedPostgres. Every
// database name is forwarded ("*" fallback). Authentication is trust, but pgbouncer still only
// admits users listed in its auth_file: "postgres" is, addUser() adds others.
//
// pgbouncer refuses to run as root, so as root it runs as the `postgres` system user (runuser),
// with its configuration, pid file and log in a directory that user owns under
// TestCluster::scratchRoot(). It runs in the foreground as a child process of the tests; a
// watchdog stops it if the test process dies without running the destructor.
// Blocking (start() waits until it accepts connections): call from the test's thread.

#include "common/Result.h"
#include "db/ConnectionOptions.h"

#include <QString>
#include <QStringList>

#include <memory>

class QTemporaryDir;

namespace ops::testing {

class PgBouncer final {
public:
    // Starts pgbouncer in front of the server listening in `serverSocketDirectory` on `serverPort`
    // and waits until it accepts connections. NotFound when pgbouncer is not installed.
    static ops::services::Result<std::unique_ptr<PgBouncer>> start(const QString& serverSocketDirectory,
                                                                   int serverPort = 5432);
    // Immediate shutdown (SIGTERM: open client connections are closed), and the directory removed.
    ~PgBouncer();
    PgBouncer(const PgBouncer&) = delete;
    PgBouncer& operator=(const PgBouncer&) = delete;

    int port() const { return m_port; }
    // host=127.0.0.1 port=port() dbname=database user=user.
    ops::services::ConnectionOptions options(const QString& database,
                                             const QString& user = QStringLiteral("postgres")) const;
    // Lets `user` log in through pgbouncer: adds it to the auth_file and reloads (SIGHUP), waiting
    // until the reload took effect. The role must also exist on the server.
    ops::services::Result<void> addUser(const QString& user);

    qint64 pid() const { return m_pid; }
    QString logFile() const;
    QString logTail(int lines = 20) const;

private:
    PgBouncer() = default;
    ops::services::Result<void> writeAuthFile() const;
    ops::services::Result<void> launch(const QString& serverSocketDirectory, int serverPort);
    void startWatchdog() const;
    void shutDown();

    std::unique_ptr<QTemporaryDir> m_directory;
    qint64 m_childPid = 0;  // the process we started: pgbouncer, or runuser in front of it
    QStringList m_users{QStringLiteral("postgres")};
    QString m_program;
    bool m_runAsPostgresUser = false;
    int m_port = 0;
    qint64 m_pid = 0;  // pgbouncer's own pid (the child process is runuser when running as root)
};

} // namespace ops::testing
