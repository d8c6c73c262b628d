// SPDX-License-Identifier: MIT
#include "PgBouncer.h"

#include "common/ProcessRunner.h"

#include "TestCluster.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHostAddress>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>

#include <libpq-fe.h>

#include <pwd.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ops::testing {

using namespace ops::services;

namespace {

constexpr int startTimeoutMs = 15000;
constexpr int portAttempts = 5;

QString systemTool(const QString& name)
{
    return QStandardPaths::findExecutable(name, {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"),
                                                 QStringLiteral("/usr/bin"), QStringLiteral("/bin")});
}

// A port that was free a moment ago. Another process may take it before pgbouncer binds it:
// launch() then sees "Address already in use" and tries another one.
int pickFreePort()
{
    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return 0;
    return probe.serverPort();
}

// libpq / pgbouncer connection-string value in single quotes.
QString quoteValue(const QString& value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\")).replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

bool writeFile(const QString& path, const QByteArray& contents)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(contents) != contents.size())
        return false;
    return file.flush();
}

bool handToPostgres(const QString& path, bool runAsPostgresUser)
{
    if (!runAsPostgresUser)
        return true;
    const passwd* account = ::getpwnam("postgres");
    return account && ::chown(QFile::encodeName(path).constData(), account->pw_uid, account->pw_gid) == 0;
}

PGPing ping(const ConnectionOptions& options)
{
    const LibpqParameters parameters = options.libpqParameters();
    return PQpingParams(parameters.keywords(), parameters.values(), 1);
}

} // namespace

Result<std::unique_ptr<PgBouncer>> PgBouncer::start(const QString& serverSocketDirectory, int serverPort)
{
    std::unique_ptr<PgBouncer> bouncer(new PgBouncer);
    bouncer->m_program = systemTool(QStringLiteral("pgbouncer"));
    if (bouncer->m_program.isEmpty())
        return Error::make(ErrorKind::NotFound, QStringLiteral("pgbouncer is not installed (apt-get install pgbouncer)"));

    bouncer->m_runAsPostgresUser = ::geteuid() == 0;
    if (bouncer->m_runAsPostgresUser && !::getpwnam("postgres"))
        return Error::make(ErrorKind::NotFound, QStringLiteral("running as root, and there is no 'postgres' user to run pgbouncer as"));

    // scratchRoot() is traversable by the postgres user; the directory itself becomes its own.
    bouncer->m_directory = std::make_unique<QTemporaryDir>(TestCluster::scratchRoot() + QStringLiteral("/pgbouncer-XXXXXX"));
    if (!bouncer->m_directory->isValid())
        return Error::make(ErrorKind::Io, QStringLiteral("cannot create a directory for pgbouncer"));
    const QString directory = bouncer->m_directory->path();
    ::chmod(QFile::encodeName(directory).constData(), 0700);
    if (!handToPostgres(directory, bouncer->m_runAsPostgresUser))
        return Error::make(ErrorKind::Io, QStringLiteral("cannot hand %1 to the postgres user").arg(directory));

    if (auto written = bouncer->writeAuthFile(); !written)
        return written.error();
    if (auto launched = bouncer->launch(serverSocketDirectory, serverPort); !launched)
        return launched.error();
    bouncer->startWatchdog();
    return bouncer;
}

PgBouncer::~PgBouncer()
{
    shutDown();
}

QString PgBouncer::logFile() const
{
    return m_directory->filePath(QStringLiteral("pgbouncer.log"));
}

QString PgBouncer::logTail(int lines) const
{
    QFile log(logFile());
    if (!log.open(QIODevice::ReadOnly))
        return {};
    const QStringList all = QString::fromLocal8Bit(log.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(QLatin1Char('\n'));
}

ConnectionOptions PgBouncer::options(const QString& database, const QString& user) const
{
    auto options = ConnectionOptions::fromConnectionString(QStringLiteral("host=127.0.0.1 port=%1 dbname=%2 user=%3")
                                                               .arg(m_port)
                                                               .arg(quoteValue(database), quoteValue(user)));
    return options.value();  // built from known-good parts: cannot fail to parse
}

Result<void> PgBouncer::writeAuthFile() const
{
    // auth_type = trust still needs every user in the auth_file ("trust" authentication failed
    // otherwise). Format: "name" "password", with " doubled inside a quoted value.
    QByteArray contents;
    for (QString user : m_users) {
        user.replace(QLatin1Char('"'), QLatin1String("\"\""));
        contents += '"' + user.toUtf8() + "\" \"\"\n";
    }
    const QString path = m_directory->filePath(QStringLiteral("userlist.txt"));
    if (!writeFile(path, contents) || !handToPostgres(path, m_runAsPostgresUser))
        return Error::make(ErrorKind::Io, QStringLiteral("cannot write %1").arg(path));
    return {};
}

Result<void> PgBouncer::launch(const QString& serverSocketDirectory, int serverPort)
{
    const QString directory = m_directory->path();
    const QString configPath = m_directory->filePath(QStringLiteral("pgbouncer.ini"));
    const QString pidPath = m_directory->filePath(QStringLiteral("pgbouncer.pid"));
    QString lastFailure;

    for (int attempt = 0; attempt < portAttempts; ++attempt) {
        QFile::remove(logFile());  // so the checks below read this attempt's output only
        m_port = pickFreePort();
        if (m_port == 0)
            return Error::make(ErrorKind::Io, QStringLiteral("no free TCP port on 127.0.0.1"));
        const QString config = QStringLiteral(
            "[databases]\n"
            "* = host=%1 port=%2\n"
            "\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            "listen_port = %3\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            "auth_file = %4\n"
            "pidfile = %5\n"
            "logfile = %6\n"
            "pool_mode = transaction\n"
            "max_client_conn = 200\n"
            "default_pool_size = 20\n"
            // application_name is handled natively by 1.18 (it reaches the server); listing it
            // here is harmless. JDBC sends extra_float_digits, PGOPTIONS becomes options.
            "ignore_startup_parameters = extra_float_digits,options,application_name\n"
            // After a server restart pgbouncer waits server_login_retry (15 s) before it tries
            // to log in again: too slow for tests that restart the server behind it.
            "server_login_retry = 1\n"
            // While the server is down a logged-in client's query waits in pgbouncer's queue for
            // query_wait_timeout (120 s by default) before it fails: tests want the error quickly.
            "query_wait_timeout = 3\n")
                                   .arg(quoteValue(serverSocketDirectory))
                                   .arg(serverPort)
                                   .arg(m_port)
                                   .arg(m_directory->filePath(QStringLiteral("userlist.txt")), pidPath, logFile());
        if (!writeFile(configPath, config.toUtf8()) || !handToPostgres(configPath, m_runAsPostgresUser))
            return Error::make(ErrorKind::Io, QStringLiteral("cannot write %1").arg(configPath));

        // A child in its own session, started with posix_spawn (ThreadSanitizer cannot follow
        // QProcess's clone()); its output goes to the log file named in its configuration.
        ProcessOptions launch;
        launch.workingDirectory = QStringLiteral("/");  // the postgres user cannot enter root's cwd
        // pgbouncer refuses root ("PgBouncer should not run as root"). runuser stays as the
        // parent; the pid file names pgbouncer itself.
        auto child = m_runAsPostgresUser
                         ? ProcessRunner::startDetached(systemTool(QStringLiteral("runuser")),
                                                        {QStringLiteral("-u"), QStringLiteral("postgres"), QStringLiteral("--"),
                                                         m_program, configPath},
                                                        launch)
                         : ProcessRunner::startDetached(m_program, {configPath}, launch);
        if (!child)
            return Error::make(ErrorKind::Io, QStringLiteral("cannot start pgbouncer: %1").arg(child.error().message));
        m_childPid = child.value();

        const ConnectionOptions probe = options(QStringLiteral("postgres"));
        QDeadlineTimer deadline(startTimeoutMs);
        bool exited = false;
        while (!deadline.hasExpired()) {
            int status = 0;
            if (::waitpid(pid_t(m_childPid), &status, WNOHANG) == pid_t(m_childPid)) {
                exited = true;
                m_childPid = 0;
                break;
            }
            QThread::msleep(50);  // the pause between pings
            if (ping(probe) != PQPING_NO_RESPONSE)
                break;
        }
        if (exited) {
            lastFailure = logTail();
            QFile::remove(pidPath);
            if (lastFailure.contains(QLatin1String("Address already in use")))
                continue;  // somebody took the port after we picked it
            Error error = Error::make(ErrorKind::Io, QStringLiteral("pgbouncer exited at start-up"));
            error.detail = lastFailure;
            return error;
        }
        if (deadline.hasExpired()) {
            shutDown();
            Error error = Error::make(ErrorKind::Timeout,
                                      QStringLiteral("pgbouncer did not accept connections within %1 ms").arg(startTimeoutMs));
            error.detail = logTail();
            return error;
        }
        // It answers, so it has written its pid file.
        QFile pidFile(pidPath);
        if (pidFile.open(QIODevice::ReadOnly))
            m_pid = pidFile.readAll().trimmed().toLongLong();
        if (m_pid <= 0) {
            shutDown();
            return Error::make(ErrorKind::Io, QStringLiteral("pgbouncer wrote no pid file at %1").arg(pidPath));
        }
        return {};
    }
    Error error = Error::make(ErrorKind::Io, QStringLiteral("pgbouncer found no free port in %1 attempts").arg(portAttempts));
    error.detail = lastFailure;
    return error;
}

Result<void> PgBouncer::addUser(const QString& user)
{
    if (user.isEmpty() || user.contains(QLatin1Char('\n')))
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("invalid user name for pgbouncer"));
    if (m_users.contains(user))
        return {};
    m_users << user;
    if (auto written = writeAuthFile(); !written)
        return written;
    if (m_pid <= 0 || ::kill(pid_t(m_pid), SIGHUP) != 0)
        return Error::make(ErrorKind::Io, QStringLiteral("cannot signal pgbouncer to reload"));

    // SIGHUP is handled asynchronously: wait until pgbouncer stops refusing the user. A refusal
    // from the server itself (no such role) means pgbouncer let the user through.
    const LibpqParameters parameters = options(QStringLiteral("postgres"), user).libpqParameters();
    QDeadlineTimer deadline(5000);
    QString message;
    while (!deadline.hasExpired()) {
        PGconn* conn = PQconnectdbParams(parameters.keywords(), parameters.values(), 1);
        const bool ok = PQstatus(conn) == CONNECTION_OK;
        message = QString::fromUtf8(PQerrorMessage(conn)).trimmed();
        PQfinish(conn);
        if (ok || !message.contains(QLatin1String("\"trust\" authentication failed")))
            return {};
        QThread::msleep(50);
    }
    Error error = Error::make(ErrorKind::Timeout, QStringLiteral("pgbouncer did not admit %1 after a reload").arg(user));
    error.detail = message;
    return error;
}

void PgBouncer::startWatchdog() const
{
    // Stops pgbouncer once the test process is gone (killed, crashed) and ends by itself when
    // pgbouncer ends first. As root it may signal the postgres user's process.
    // The directory would have been removed by the destructor, so it goes too.
    QString directory = m_directory->path();
    directory.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    const QString script = QStringLiteral("cd /; while kill -0 %1 2>/dev/null && kill -0 %2 2>/dev/null; do sleep 1; done; "
                                          "kill -0 %1 2>/dev/null || { kill -TERM %2 2>/dev/null; sleep 1; rm -rf '%3'; }")
                               .arg(QCoreApplication::applicationPid())
                               .arg(m_pid)
                               .arg(directory);
    (void)ProcessRunner::startDetached(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
}

void PgBouncer::shutDown()
{
    if (m_childPid <= 0)
        return;
    // 1.18: SIGTERM is an immediate shutdown; SIGINT ("safe") would wait for open transactions.
    ::kill(pid_t(m_pid > 0 ? m_pid : m_childPid), SIGTERM);  // runuser forwards SIGTERM too
    int status = 0;
    bool reaped = false;
    for (int i = 0; i < 200 && !reaped; ++i) {
        reaped = ::waitpid(pid_t(m_childPid), &status, WNOHANG) == pid_t(m_childPid);
        if (!reaped)
            QThread::msleep(50);
    }
    if (!reaped) {
        if (m_pid > 0)
            ::kill(pid_t(m_pid), SIGKILL);
        ::kill(pid_t(m_childPid), SIGKILL);
        ::waitpid(pid_t(m_childPid), &status, 0);
    }
    m_childPid = 0;
    m_pid = 0;
}

} // namespace ops::testing
