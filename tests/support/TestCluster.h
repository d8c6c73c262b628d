// SPDX-License-Identifier: MIT
#pragma once

// TestCluster: the PostgreSQL fixture. One private server per test process, listening on a Unix
// socket in a temporary directory (run as the postgres user when the tests run as root), stopped
// when the tests end and by a watchdog if the process dies. Each test gets a fresh database,
// copied from a migrated template in a few tens of milliseconds.
// To keep per-process start-up short, the initdb'd cluster with its migrated template database is
// built once per migration set and copied for every process.

#include "common/ProcessRunner.h"
#include "db/Connection.h"
#include "db/ConnectionOptions.h"
#include "db/EmbeddedPostgres.h"

#include <QTemporaryDir>

#include <memory>

namespace ops::testing {

class TestCluster final {
public:
    enum class Schema { Migrated, Empty };

    // The process's server, started on first use. Fails the calling test when it cannot start.
    static TestCluster& shared();
    static void stopShared();
    // A server of the caller's own (not the shared one) that also listens on TCP 127.0.0.1 at a free
    // port, with `settings` ("ssl=on", "ssl_cert_file=/path", ...) added. Stopped when destroyed.
    static ops::services::Result<std::unique_ptr<TestCluster>> startOnLoopback(const QStringList& settings);
    ~TestCluster();
    // The TCP port of a startOnLoopback() server (0 for the shared, socket-only one).
    int tcpPort() const { return m_tcpPort; }

    // A new database with a unique name; Migrated copies the template with every migration applied.
    ops::services::Result<ops::services::ConnectionOptions> createDatabase(Schema schema = Schema::Migrated);
    ops::services::ConnectionOptions options(const QString& database) const;
    // Opens a connection as the superuser (or as `user`) to `database`.
    std::unique_ptr<ops::services::Connection> connect(const QString& database, const QString& user = {}) const;
    // A libpq key=value string for `database` (as `user`, or the superuser) that another process,
    // such as ops-console --dsn, can use.
    QString connectionString(const QString& database, const QString& user = {}) const;
    // Runs the console binary headless against `database` (as `user`, or the superuser): no
    // display, no DATABASE_URL from the caller's environment, at most 60 s. A console that could
    // not be started is a test failure and an empty result.
    ops::services::ProcessResult runConsole(const QString& binary, const QString& database, const QStringList& arguments,
                                            const QString& user = {}) const;
    // Creates a login role in `group` (ops_viewer, ops_operator, ...) and makes it a member of
    // `project`, through `admin` (a superuser connection to the project's database). Roles are
    // cluster-wide, so the name is `prefix_<pid>_<n>`, unique per process. Fails the calling test
    // and returns an empty name when a step is refused.
    static QString createMember(ops::services::Connection& admin, const QString& group, qint64 project,
                                const QString& prefix);

    // For restart tests: stop and start the same server (same socket).
    ops::services::Result<void> stop();
    ops::services::Result<void> start();
    // Restarts the server with `libraries` in shared_preload_libraries (e.g. pg_stat_statements,
    // which works only when preloaded); an empty list restores the default. Each test process has
    // its own server, so this touches no other process; a test that preloads restores afterwards.
    // Fails when a library is not installed next to the server binaries.
    ops::services::Result<void> restartWithPreloadedLibraries(const QStringList& libraries);

    ops::services::EmbeddedPostgres& server() { return *m_server; }

    // A directory the postgres user can reach, for tests that build clusters of their own.
    static QString scratchRoot();

private:
    TestCluster() = default;
    ops::services::Result<void> boot(ops::services::EmbeddedPostgresOptions options);
    static ops::services::Result<QString> preparedClusterCopy();

    std::unique_ptr<QTemporaryDir> m_directory;
    std::unique_ptr<ops::services::EmbeddedPostgres> m_server;
    int m_databaseCounter = 0;
    int m_tcpPort = 0;
    bool m_private = false;  // stopped by the destructor (the shared one by stopShared())
};

} // namespace ops::testing
