// SPDX-License-Identifier: MIT
#include "db/DatabaseBootstrap.h"

#include "db/Connection.h"
#include "db/DbError.h"
#include "db/EmbeddedPostgres.h"
#include "db/Migrator.h"

#include <QLoggingCategory>
#include <QThread>

Q_LOGGING_CATEGORY(lcBootstrap, "ops.db.bootstrap", QtInfoMsg)

namespace ops::services {

namespace {
// application_name of the one session each running console keeps open on the embedded server.
const QString kPresenceName = QStringLiteral("ops-console presence");

// Waits until the backend `pid` has left pg_stat_activity; false when it is still there at the deadline.
bool waitUntilGone(Connection& connection, int pid, std::chrono::milliseconds timeout)
{
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (pid > 0) {
        auto listed = connection.exec(QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = $1"),
                                      {QString::number(pid)});
        if (!listed || listed->toInt64(0, 0) == 0)
            return true;
        if (std::chrono::steady_clock::now() >= deadline)
            return false;
        QThread::msleep(20);
    }
    return true;
}
} // namespace

QString DatabaseStatus::summary() const
{
    return QStringLiteral("%1 PostgreSQL %2 · %3 · schema v%4")
        .arg(embedded ? QStringLiteral("Embedded") : QStringLiteral("External"), serverVersion, location)
        .arg(schemaVersion);
}

bool DatabaseTarget::wantsStoredPassword() const
{
    return !embedded() && !qEnvironmentVariableIsSet("PGPASSWORD") && !ConnectionOptions::containsPassword(connectionString);
}

DatabaseBootstrap::DatabaseBootstrap(DatabaseTarget target) : m_target(std::move(target)) {}

DatabaseBootstrap::~DatabaseBootstrap() = default;

Result<DatabaseStatus> DatabaseBootstrap::start()
{
    DatabaseStatus status;
    status.embedded = m_target.embedded();
    if (status.embedded) {
        EmbeddedPostgresOptions options;
        options.dataDirectory = m_target.dataDirectory;
        m_embedded = std::make_unique<EmbeddedPostgres>(options);
        if (auto started = m_embedded->start(); !started)
            return started.error();
        status.reusedServer = !m_embedded->startedByUs();
        m_options = m_embedded->connectionOptions();
    } else {
        auto parsed = ConnectionOptions::fromConnectionString(m_target.connectionString);
        if (!parsed)
            return parsed.error();
        m_options = parsed.value();
        if (!m_target.password.isEmpty())
            m_options = m_options.withPassword(m_target.password);
    }
    status.location = m_options.displayLocation();

    // This connection stays open as the console's presence (see shutdown()); its own
    // application_name lets shutdown() count other consoles, not this console's other sessions.
    auto connection = Connection::open(m_options.withApplicationName(kPresenceName), m_options.connectTimeout);
    if (!connection) {
        Error error = connection.error();
        if (dberror::isPasswordRequired(error))
            // Every caller prints the message: it says where the console looked.
            error.message += QStringLiteral(" (the console looks for the password in the desktop keyring as \"%1\", "
                                            "then PGPASSWORD and ~/.pgpass)").arg(m_target.passwordSecret);
        return error;
    }
    auto version = (*connection)->exec(QStringLiteral("SHOW server_version"));
    if (!version)
        return version.error();
    status.serverVersion = version->scalar().section(QLatin1Char(' '), 0, 0);
    status.host = status.embedded ? QString() : m_options.displayHost();
    status.tls = (*connection)->tlsSession();
    status.transport = classifyTransport(m_options, status.tls);
    if (status.transport == TransportSecurity::Cleartext)
        qCWarning(lcBootstrap) << "connected to" << status.host << "without TLS: set sslmode=verify-full";

    auto migrations = Migrator::load();
    if (!migrations)
        return migrations.error();
    Migrator migrator(std::move(migrations.value()));
    auto report = migrator.migrate(**connection);
    if (!report)
        return report.error();
    status.schemaVersion = report->schemaVersion;
    status.appliedMigrations = report->applied;
    m_presence = std::move(connection.value());
    return status;
}

Result<void> DatabaseBootstrap::shutdown()
{
    if (!m_embedded)
        return {};
    // Another console on the same data directory may still be using the server: leave it running
    // for that one, which stops it when it exits in turn.
    const int ownPresencePid = m_presence ? m_presence->backendPid() : 0;
    m_presence.reset();
    // Only presence sessions count: this console's own listeners or workers that are still
    // closing must not keep the server alive after the last console exits.
    auto connection = Connection::open(m_embedded->maintenanceOptions(), std::chrono::seconds(5));
    if (connection) {
        // Closing a connection only asks its backend to exit: until it has, pg_stat_activity still
        // lists this console's own presence (seen under load), and the last console would take
        // itself for another one and leave the server running. Two consoles exiting at once both
        // wait for their own session to go first, so the later one never counts the earlier one.
        (void)waitUntilGone(**connection, ownPresencePid, std::chrono::seconds(10));
        auto others = (*connection)->exec(QStringLiteral(
            "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' "
            "AND pid <> pg_backend_pid() AND application_name = $1"), {kPresenceName});
        if (others && others->toInt64(0, 0) > 0) {
            qCInfo(lcBootstrap) << "leaving the embedded server running:" << others->toInt64(0, 0)
                                << "other console connection(s)";
            return {};
        }
    }
    connection = Error::make(ErrorKind::Internal, QString());  // close before stopping the server
    return m_embedded->stop();
}

} // namespace ops::services
