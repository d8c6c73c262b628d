// SPDX-License-Identifier: MIT
#include "db/EmbeddedPostgres.h"

#include "common/ProcessRunner.h"
#include "db/Connection.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QStandardPaths>
#include <QThread>
#include <QVersionNumber>

#include <libpq-fe.h>

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcEmbedded, "ops.db.embedded", QtInfoMsg)

namespace ops::services {

namespace {

constexpr auto serverOsUser = "postgres";
constexpr int maxSocketPathLength = 100;  // sun_path is 108 bytes including the terminator

bool isRoot()
{
    return ::geteuid() == 0;
}

// Every parent must be searchable by "others" for the postgres user to reach a directory that
// root created (root's home is 0700, for example).
bool traversableByOthers(const QString& path)
{
    QDir dir(QFileInfo(path).absoluteFilePath());
    while (true) {
        struct stat info {};
        if (::stat(QFile::encodeName(dir.absolutePath()).constData(), &info) == 0 && !(info.st_mode & S_IXOTH))
            return false;
        if (dir.isRoot())
            return true;
        dir.cdUp();
    }
}

QString shortHash(const QString& text)
{
    return QString::fromLatin1(QCryptographicHash::hash(text.toUtf8(), QCryptographicHash::Sha1).toHex().left(12));
}

// pg_ctl hands -o to /bin/sh: single-quote anything path-like.
QString shellQuote(const QString& text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

bool processIsPostgres(qint64 pid)
{
    QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
    if (!comm.open(QIODevice::ReadOnly))
        return false;  // no such process
    return comm.readAll().trimmed().startsWith("postgres");
}

} // namespace

EmbeddedPostgres::EmbeddedPostgres(EmbeddedPostgresOptions options) : m_options(std::move(options)) {}

Result<QString> EmbeddedPostgres::findServerBinaries()
{
    const Error notInstalled = Error::make(
        ErrorKind::NotFound,
        QStringLiteral("PostgreSQL server programs (initdb, pg_ctl, postgres) are not installed. Install the Debian "
                       "package postgresql-15 (apt-get install postgresql-15), or connect to an existing server "
                       "with --dsn or DATABASE_URL."));
    // OPS_PG_BINDIR picks one installation explicitly (another major version, a source build).
    const QString chosen = qEnvironmentVariable("OPS_PG_BINDIR");
    if (!chosen.isEmpty()) {
        if (QFileInfo::exists(chosen + QStringLiteral("/initdb")) && QFileInfo::exists(chosen + QStringLiteral("/pg_ctl")))
            return chosen;
        Error error = notInstalled;
        error.detail = QStringLiteral("OPS_PG_BINDIR=%1 has no initdb and pg_ctl").arg(chosen);
        return error;
    }
    // Debian installs server binaries outside PATH, one directory per major version.
    QDir versions(QStringLiteral("/usr/lib/postgresql"));
    QStringList majors = versions.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(majors.begin(), majors.end(), [](const QString& a, const QString& b) {
        return QVersionNumber::fromString(a) > QVersionNumber::fromString(b);
    });
    for (const QString& major : majors) {
        const QString bin = versions.filePath(major + QStringLiteral("/bin"));
        if (QFileInfo::exists(bin + QStringLiteral("/initdb")) && QFileInfo::exists(bin + QStringLiteral("/pg_ctl")))
            return bin;
    }
    const QString initdb = QStandardPaths::findExecutable(QStringLiteral("initdb"));
    if (!initdb.isEmpty() && !QStandardPaths::findExecutable(QStringLiteral("pg_ctl")).isEmpty())
        return QFileInfo(initdb).canonicalPath();
    return notInstalled;
}

EmbeddedPostgres::ProcessOutcome EmbeddedPostgres::runServerTool(const QString& tool, const QStringList& arguments,
                                                                 std::chrono::seconds timeout) const
{
    ProcessOptions options;
    options.workingDirectory = QStringLiteral("/");  // the postgres user cannot enter root's cwd
    for (const char* name : {"PGDATA", "PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGOPTIONS"})
        options.environment.remove(QString::fromLatin1(name));
    options.environment.insert(QStringLiteral("LC_ALL"), QStringLiteral("C"));
    options.timeout = timeout;

    const QStringList command = commandFor(tool, arguments);
    ProcessOutcome outcome;
    auto result = ProcessRunner::run(command.first(), command.mid(1), options);
    if (!result) {
        outcome.output = result.error().message;
        return outcome;
    }
    outcome.started = true;
    outcome.exitCode = result->exitCode;
    outcome.output = QString::fromLocal8Bit(result->output).trimmed();
    if (result->timedOut)
        outcome.output = QStringLiteral("%1 did not finish within %2 s").arg(tool).arg(timeout.count());
    return outcome;
}

QStringList EmbeddedPostgres::commandFor(const QString& tool, const QStringList& arguments) const
{
    const QString program = m_binDirectory + QLatin1Char('/') + tool;
    if (!m_runAsPostgresUser)
        return QStringList{program} + arguments;
    const QString runuser = QStandardPaths::findExecutable(QStringLiteral("runuser"),
                                                           {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin"),
                                                            QStringLiteral("/usr/bin"), QStringLiteral("/bin")});
    return QStringList{runuser, QStringLiteral("-u"), QString::fromLatin1(serverOsUser), QStringLiteral("--"), program}
           + arguments;
}

QStringList EmbeddedPostgres::startArguments() const
{
    return {QStringLiteral("start"), QStringLiteral("-D"), clusterDirectory(), QStringLiteral("-l"), logFile(),
            QStringLiteral("-w"), QStringLiteral("-t"), QString::number(m_options.startTimeout.count()),
            QStringLiteral("-o"), serverOptionsArgument()};
}

Result<void> EmbeddedPostgres::prepareDirectories()
{
    if (m_options.dataDirectory.isEmpty())
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("no data directory given for the embedded server"));

    QString base = QDir(m_options.dataDirectory).absoluteFilePath(QStringLiteral("postgres"));
    uid_t ownerUid = ::geteuid();
    gid_t ownerGid = ::getegid();
    m_runAsPostgresUser = isRoot();
    if (m_runAsPostgresUser) {
        const passwd* account = ::getpwnam(serverOsUser);
        if (!account)
            return Error::make(ErrorKind::NotFound,
                               QStringLiteral("running as root: PostgreSQL refuses root, and the 'postgres' system user "
                                              "to run it as does not exist. Install the Debian package postgresql-15."));
        ownerUid = account->pw_uid;
        ownerGid = account->pw_gid;
        QDir().mkpath(m_options.dataDirectory);
        if (!traversableByOthers(m_options.dataDirectory)) {
            // e.g. /root/.local/share/...: keep the cluster where the postgres user can reach it,
            // one per requested data directory so two data directories never share a cluster.
            base = QStringLiteral("/var/lib/ops-console/%1/postgres").arg(shortHash(QDir(m_options.dataDirectory).absolutePath()));
            QDir().mkpath(QFileInfo(base).path());
            ::chmod(QFile::encodeName(QFileInfo(base).path()).constData(), 0755);
            ::chmod("/var/lib/ops-console", 0755);
        }
    }
    m_baseDirectory = base;

    m_socketDirectory = base + QStringLiteral("/run");
    if ((m_socketDirectory + QStringLiteral("/.s.PGSQL.5432")).toUtf8().size() > maxSocketPathLength)
        m_socketDirectory = QStringLiteral("/tmp/ops-pg-%1").arg(shortHash(base));

    for (const QString& dir : {base, clusterDirectory(), m_socketDirectory}) {
        if (!QDir().mkpath(dir))
            return Error::make(ErrorKind::Io, QStringLiteral("cannot create directory %1").arg(dir));
        const QByteArray path = QFile::encodeName(dir);
        if (m_runAsPostgresUser && ::chown(path.constData(), ownerUid, ownerGid) != 0)
            return Error::make(ErrorKind::Io, QStringLiteral("cannot hand %1 to the postgres user").arg(dir));
        ::chmod(path.constData(), 0700);  // the socket directory's mode is what keeps other users out
    }
    return {};
}

Result<void> EmbeddedPostgres::initializeCluster()
{
    const QString versionFile = clusterDirectory() + QStringLiteral("/PG_VERSION");
    const QString binaryMajor = QFileInfo(QFileInfo(m_binDirectory).path()).fileName();
    if (QFileInfo::exists(versionFile)) {
        QFile file(versionFile);
        file.open(QIODevice::ReadOnly);
        const QString clusterMajor = QString::fromLatin1(file.readAll().trimmed());
        bool numeric = false;
        binaryMajor.toInt(&numeric);
        if (numeric && clusterMajor != binaryMajor)
            return Error::make(ErrorKind::InvalidInput,
                               QStringLiteral("the embedded cluster in %1 was created by PostgreSQL %2, but the installed "
                                              "server is %3: upgrade it with pg_upgrade or install postgresql-%2")
                                   .arg(clusterDirectory(), clusterMajor, binaryMajor));
        return {};
    }
    if (!QDir(clusterDirectory()).isEmpty())
        return Error::make(ErrorKind::InvalidInput,
                           QStringLiteral("%1 is not empty and is not a PostgreSQL cluster; move it away or choose "
                                          "another --data-dir").arg(clusterDirectory()));

    qCInfo(lcEmbedded) << "creating the embedded cluster in" << clusterDirectory();
    QStringList arguments{QStringLiteral("-D"), clusterDirectory(), QStringLiteral("-U"), superuser(),
                          // Trust is safe here: the only listener is a socket in a 0700 directory.
                          QStringLiteral("-A"), QStringLiteral("trust"), QStringLiteral("-E"), QStringLiteral("UTF8"),
                          QStringLiteral("--locale=C")};
    if (!m_options.durable)
        arguments << QStringLiteral("--no-sync");
    const ProcessOutcome outcome = runServerTool(QStringLiteral("initdb"), arguments, std::chrono::seconds(120));
    if (outcome.exitCode != 0) {
        Error error = Error::make(ErrorKind::Io, QStringLiteral("initdb failed for %1").arg(clusterDirectory()));
        error.detail = outcome.output.right(2000);
        return error;
    }
    return {};
}

QString EmbeddedPostgres::serverOptionsArgument() const
{
    QStringList options{QStringLiteral("-k %1").arg(shellQuote(m_socketDirectory)),
                        QStringLiteral("-p %1").arg(m_options.port),
                        QStringLiteral("-c listen_addresses=%1").arg(shellQuote(m_options.listenAddresses)),
                        QStringLiteral("-c unix_socket_permissions=0700")};
    if (!m_options.durable) {
        options << QStringLiteral("-c fsync=off") << QStringLiteral("-c synchronous_commit=off")
                << QStringLiteral("-c full_page_writes=off");
    }
    options << QStringLiteral("-c max_connections=200");
    for (const QString& setting : m_options.serverSettings)
        options << QStringLiteral("-c %1").arg(shellQuote(setting));
    return options.join(QLatin1Char(' '));
}

bool EmbeddedPostgres::isRunning() const
{
    return !m_binDirectory.isEmpty()
           && runServerTool(QStringLiteral("pg_ctl"), {QStringLiteral("status"), QStringLiteral("-D"), clusterDirectory()},
                            std::chrono::seconds(10)).exitCode == 0;
}

// Returns true when a live server on this data directory answers: the console then uses it
// (a second console on the same data directory, or the server left running by one killed -9).
Result<bool> EmbeddedPostgres::reuseRunningServer()
{
    QFile pidFile(clusterDirectory() + QStringLiteral("/postmaster.pid"));
    if (!pidFile.open(QIODevice::ReadOnly))
        return false;
    const QList<QByteArray> lines = pidFile.readAll().split('\n');
    pidFile.close();
    const qint64 pid = lines.value(0).trimmed().toLongLong();
    const QString socketDirectory = QString::fromLocal8Bit(lines.value(4).trimmed());

    if (pid > 0 && processIsPostgres(pid)) {
        if (!socketDirectory.isEmpty())
            m_socketDirectory = socketDirectory;  // talk to it where it actually listens
        if (waitUntilAccepting(std::chrono::seconds(15)))
            return true;
        Error error = Error::make(ErrorKind::Connection,
                                  QStringLiteral("a PostgreSQL server (pid %1) runs on %2 but does not accept "
                                                 "connections on %3")
                                      .arg(pid)
                                      .arg(clusterDirectory(), m_socketDirectory));
        error.detail = logTail();
        return error;
    }
    // The server died without removing its lock file (kill -9, power loss) and the pid is dead
    // or now belongs to another program: postgres would refuse to start, so remove it.
    qCWarning(lcEmbedded) << "removing stale postmaster.pid (pid" << pid << "is not a running postgres)";
    QFile::remove(pidFile.fileName());
    return false;
}

Result<void> EmbeddedPostgres::startServer()
{
    const ProcessOutcome outcome =
        runServerTool(QStringLiteral("pg_ctl"), startArguments(), m_options.startTimeout + std::chrono::seconds(10));
    if (outcome.exitCode != 0) {
        Error error = Error::make(ErrorKind::Connection,
                                  QStringLiteral("the embedded PostgreSQL server did not start (%1)")
                                      .arg(outcome.output.section(QLatin1Char('\n'), -1)));
        error.detail = logTail();
        return error;
    }
    m_startedByUs = true;
    return waitUntilAccepting(m_options.startTimeout);
}

Result<void> EmbeddedPostgres::waitUntilAccepting(std::chrono::seconds timeout) const
{
    const LibpqParameters parameters = maintenanceOptions().libpqParameters();
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (PQpingParams(parameters.keywords(), parameters.values(), 1) == PQPING_OK)
            return {};
        QThread::msleep(100);
    }
    Error error = Error::make(ErrorKind::Timeout, QStringLiteral("the embedded server did not accept connections "
                                                                 "within %1 s").arg(timeout.count()));
    error.detail = logTail();
    return error;
}

Result<void> EmbeddedPostgres::ensureDatabase() const
{
    auto connection = Connection::open(maintenanceOptions(), std::chrono::seconds(10));
    if (!connection)
        return connection.error();
    auto exists = (*connection)->exec(QStringLiteral("SELECT 1 FROM pg_database WHERE datname = $1"),
                                      {m_options.database});
    if (!exists)
        return exists.error();
    if (exists->rowCount() > 0)
        return {};
    // CREATE DATABASE takes an identifier, not a parameter; quote_ident on the server makes it safe.
    auto statement = (*connection)->exec(QStringLiteral("SELECT format('CREATE DATABASE %I', $1::text)"),
                                         {m_options.database});
    if (!statement)
        return statement.error();
    auto created = (*connection)->execScript(statement->scalar());
    if (!created && created.error().sqlstate != QLatin1String("42P04"))  // another console was faster
        return created.error();
    return {};
}

void EmbeddedPostgres::startWatchdog() const
{
    // A detached shell outlives this process and stops the server once this process is gone,
    // so a crashed test binary does not leave servers behind.
    QString stop = shellQuote(m_binDirectory + QStringLiteral("/pg_ctl")) + QStringLiteral(" stop -m immediate -D ")
                   + shellQuote(clusterDirectory());
    if (m_runAsPostgresUser)
        stop = QStringLiteral("runuser -u postgres -- ") + stop;
    const QString script = QStringLiteral("cd /; while kill -0 %1 2>/dev/null; do sleep 1; done; %2 >/dev/null 2>&1")
                               .arg(QCoreApplication::applicationPid())
                               .arg(stop);
    (void)ProcessRunner::startDetached(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), script});
}

Result<void> EmbeddedPostgres::start()
{
    auto binaries = findServerBinaries();
    if (!binaries)
        return binaries.error();
    m_binDirectory = binaries.value();
    m_startedByUs = false;

    if (auto prepared = prepareDirectories(); !prepared)
        return prepared;
    if (auto initialized = initializeCluster(); !initialized)
        return initialized;
    auto reused = reuseRunningServer();
    if (!reused)
        return reused.error();
    if (!reused.value()) {
        if (auto started = startServer(); !started)
            return started;
    } else {
        qCInfo(lcEmbedded) << "reusing the server already running on" << clusterDirectory();
    }
    if (m_options.stopWhenProcessExits && !m_watchdogStarted) {
        startWatchdog();
        m_watchdogStarted = true;
    }
    return ensureDatabase();
}

Result<void> EmbeddedPostgres::stop()
{
    if (m_binDirectory.isEmpty())
        return {};
    const ProcessOutcome outcome = runServerTool(
        QStringLiteral("pg_ctl"),
        {QStringLiteral("stop"), QStringLiteral("-D"), clusterDirectory(), QStringLiteral("-m"), QStringLiteral("fast"),
         QStringLiteral("-w"), QStringLiteral("-t"), QStringLiteral("60")},
        std::chrono::seconds(70));
    // Exit code 1 with "no server running" is fine: somebody stopped it already.
    if (outcome.exitCode != 0 && !outcome.output.contains(QLatin1String("not running"))
        && !outcome.output.contains(QLatin1String("No such file"))) {
        Error error = Error::make(ErrorKind::Io, QStringLiteral("stopping the embedded server failed"));
        error.detail = outcome.output;
        return error;
    }
    return {};
}

ConnectionOptions EmbeddedPostgres::connectionOptions() const
{
    return ConnectionOptions::forSocket(m_socketDirectory, m_options.port, m_options.database, superuser());
}

ConnectionOptions EmbeddedPostgres::maintenanceOptions() const
{
    return ConnectionOptions::forSocket(m_socketDirectory, m_options.port, QStringLiteral("postgres"), superuser());
}

QString EmbeddedPostgres::logTail(int lines) const
{
    QFile log(logFile());
    if (!log.open(QIODevice::ReadOnly))
        return {};
    if (log.size() > 16384)
        log.seek(log.size() - 16384);
    const QStringList all = QString::fromLocal8Bit(log.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    return all.mid(std::max<qsizetype>(0, all.size() - lines)).join(QLatin1Char('\n'));
}

} // namespace ops::services
