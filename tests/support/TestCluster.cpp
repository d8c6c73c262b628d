// SPDX-License-Identifier: MIT
#include "TestCluster.h"

#include "common/ProcessRunner.h"
#include "db/Migrator.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QLockFile>

#include <gtest/gtest.h>

#include <atomic>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ops::testing {

using namespace ops::services;

namespace {
std::unique_ptr<TestCluster>& sharedInstance()
{
    static std::unique_ptr<TestCluster> instance;
    return instance;
}

Result<void> copyTree(const QString& from, const QString& to)
{
    // -a keeps the postgres owner and the 0700 mode the server insists on.
    auto copied = ProcessRunner::run(QStringLiteral("cp"), {QStringLiteral("-a"), from, to});
    if (!copied)
        return copied.error();
    if (copied->exitCode != 0)
        return Error::make(ErrorKind::Io, QStringLiteral("copying %1 failed: %2").arg(from, QString::fromLocal8Bit(copied->output)));
    return {};
}

// A TCP port on 127.0.0.1 that nothing listens on right now (the kernel picks it). Another process
// could take it before the server binds it; the server then fails to start with a clear log.
int freeLoopbackPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    int port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    if (fd >= 0)
        ::close(fd);
    return port;
}
} // namespace

QString TestCluster::scratchRoot()
{
    // /tmp is traversable by the postgres user; QTemporaryDir's default 0700 directories are not.
    const QString root = QDir::tempPath() + QStringLiteral("/ops-console-tests");
    QDir().mkpath(root);
    ::chmod(QFile::encodeName(root).constData(), 0777 | S_ISVTX);
    return root;
}

Result<QString> TestCluster::preparedClusterCopy()
{
    auto migrations = Migrator::load();
    if (!migrations)
        return migrations.error();
    auto binaries = EmbeddedPostgres::findServerBinaries();
    if (!binaries)
        return binaries.error();
    QCryptographicHash key(QCryptographicHash::Sha1);
    key.addData(binaries.value().toUtf8());
    for (const Migration& migration : migrations.value())
        key.addData(migration.checksum.toLatin1());
    const QString cache = scratchRoot() + QStringLiteral("/cluster-") + QString::fromLatin1(key.result().toHex().left(12));

    // Parallel test processes build the cache once; the others wait for the lock.
    QLockFile lock(cache + QStringLiteral(".lock"));
    lock.setStaleLockTime(180000);
    if (!lock.lock())
        return Error::make(ErrorKind::Io, QStringLiteral("cannot lock %1").arg(lock.fileName()));
    if (QFile::exists(cache + QStringLiteral("/ready")))
        return cache;

    QDir(cache).removeRecursively();
    QDir().mkpath(cache);
    ::chmod(QFile::encodeName(cache).constData(), 0755);
    EmbeddedPostgresOptions options;
    options.dataDirectory = cache;
    options.database = QStringLiteral("ops_template");
    options.durable = false;
    EmbeddedPostgres builder(options);
    if (auto started = builder.start(); !started)
        return started.error();
    {
        auto connection = Connection::open(builder.connectionOptions(), std::chrono::seconds(10));
        if (!connection)
            return connection.error();
        Migrator migrator(std::move(migrations.value()));
        if (auto migrated = migrator.migrate(**connection); !migrated)
            return migrated.error();
    }
    if (auto stopped = builder.stop(); !stopped)
        return stopped.error();
    QFile ready(cache + QStringLiteral("/ready"));
    ready.open(QIODevice::WriteOnly);
    return cache;
}

Result<void> TestCluster::boot(EmbeddedPostgresOptions options)
{
    auto cache = preparedClusterCopy();
    if (!cache)
        return cache.error();
    m_directory = std::make_unique<QTemporaryDir>(scratchRoot() + QStringLiteral("/run-XXXXXX"));
    if (!m_directory->isValid())
        return Error::make(ErrorKind::Io, QStringLiteral("cannot create a temporary directory"));
    ::chmod(QFile::encodeName(m_directory->path()).constData(), 0755);
    if (auto copied = copyTree(cache.value() + QStringLiteral("/postgres"), m_directory->path() + QStringLiteral("/postgres")); !copied)
        return copied;

    options.dataDirectory = m_directory->path();
    options.database = QStringLiteral("postgres");
    options.durable = false;
    options.stopWhenProcessExits = true;
    m_server = std::make_unique<EmbeddedPostgres>(options);
    return m_server->start();
}

Result<std::unique_ptr<TestCluster>> TestCluster::startOnLoopback(const QStringList& settings)
{
    std::unique_ptr<TestCluster> cluster(new TestCluster);
    cluster->m_private = true;
    cluster->m_tcpPort = freeLoopbackPort();
    if (cluster->m_tcpPort == 0)
        return Error::make(ErrorKind::Io, QStringLiteral("no free TCP port on 127.0.0.1"));
    EmbeddedPostgresOptions options;
    options.port = cluster->m_tcpPort;
    options.listenAddresses = QStringLiteral("127.0.0.1");
    options.serverSettings = settings;
    if (auto booted = cluster->boot(options); !booted)
        return booted.error();
    return cluster;
}

TestCluster::~TestCluster()
{
    if (m_private && m_server)
        (void)m_server->stop();
}

TestCluster& TestCluster::shared()
{
    auto& instance = sharedInstance();
    if (!instance) {
        instance.reset(new TestCluster);
        if (auto booted = instance->boot(EmbeddedPostgresOptions{}); !booted) {
            const QString message = booted.error().toString() + QLatin1Char('\n') + booted.error().detail;
            instance.reset();
            ADD_FAILURE() << "the test PostgreSQL server did not start: " << message.toStdString();
            throw std::runtime_error("no test database server");
        }
    }
    return *instance;
}

void TestCluster::stopShared()
{
    auto& instance = sharedInstance();
    if (instance && instance->m_server)
        (void)instance->m_server->stop();
    instance.reset();
}

Result<ConnectionOptions> TestCluster::createDatabase(Schema schema)
{
    const QString name = QStringLiteral("t_%1_%2").arg(QCoreApplication::applicationPid()).arg(++m_databaseCounter);
    auto admin = Connection::open(m_server->maintenanceOptions(), std::chrono::seconds(10));
    if (!admin)
        return admin.error();
    auto statement = (*admin)->exec(QStringLiteral("SELECT format('CREATE DATABASE %I TEMPLATE %I', $1::text, $2::text)"),
                                    {name, schema == Schema::Migrated ? QStringLiteral("ops_template") : QStringLiteral("template0")});
    if (!statement)
        return statement.error();
    if (auto created = (*admin)->execScript(statement->scalar()); !created)
        return created.error();
    return options(name);
}

ConnectionOptions TestCluster::options(const QString& database) const
{
    return m_server->maintenanceOptions().withDatabase(database);
}

QString TestCluster::connectionString(const QString& database, const QString& user) const
{
    const auto quoted = [](QString value) {
        return QLatin1Char('\'') + value.replace(QLatin1Char('\\'), QStringLiteral("\\\\")).replace(QLatin1Char('\''), QStringLiteral("\\'"))
            + QLatin1Char('\'');
    };
    const ConnectionOptions target = options(database);
    return QStringLiteral("host=%1 port=%2 dbname=%3 user=%4")
        .arg(quoted(target.host())).arg(m_server->serverPort()).arg(quoted(database), quoted(user.isEmpty() ? target.user() : user));
}

ProcessResult TestCluster::runConsole(const QString& binary, const QString& database, const QStringList& arguments,
                                      const QString& user) const
{
    ProcessOptions options;
    options.environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    options.environment.remove(QStringLiteral("DATABASE_URL"));
    options.timeout = std::chrono::milliseconds(60000);
    auto result = ProcessRunner::run(binary, QStringList{QStringLiteral("--dsn"), connectionString(database, user)} + arguments, options);
    EXPECT_TRUE(result.ok()) << result.error().toString().toStdString();
    return result ? result.value() : ProcessResult{};
}

std::unique_ptr<Connection> TestCluster::connect(const QString& database, const QString& user) const
{
    ConnectionOptions connectionOptions = options(database);
    if (!user.isEmpty())
        connectionOptions = connectionOptions.withUser(user);
    auto connection = Connection::open(connectionOptions, std::chrono::seconds(10));
    if (!connection) {
        ADD_FAILURE() << "connect failed: " << connection.error().toString().toStdString();
        return nullptr;
    }
    return std::move(connection.value());
}

QString TestCluster::createMember(Connection& admin, const QString& group, qint64 project, const QString& prefix)
{
    static std::atomic<int> counter{0};
    const QString name = QStringLiteral("%1_%2_%3").arg(prefix).arg(QCoreApplication::applicationPid()).arg(++counter);
    auto statement = admin.exec(QStringLiteral("SELECT format('CREATE ROLE %I LOGIN IN ROLE %I', $1::text, $2::text)"),
                                {name, group});
    if (!statement || !admin.execScript(statement->scalar()).ok()) {
        ADD_FAILURE() << "could not create login role " << name.toStdString() << " in " << group.toStdString();
        return {};
    }
    auto member = admin.exec(QStringLiteral("INSERT INTO ops.project_members (project_id, member) VALUES ($1, $2)"),
                             {project, name});
    if (!member) {
        ADD_FAILURE() << "could not add " << name.toStdString() << " to project " << project << ": "
                      << member.error().toString().toStdString();
        return {};
    }
    return name;
}

Result<void> TestCluster::stop()
{
    return m_server->stop();
}

Result<void> TestCluster::start()
{
    return m_server->start();
}

Result<void> TestCluster::restartWithPreloadedLibraries(const QStringList& libraries)
{
    auto binaries = EmbeddedPostgres::findServerBinaries();
    if (!binaries)
        return binaries.error();
    for (const QString& library : libraries) {
        const QString module = binaries.value() + QStringLiteral("/../lib/") + library + QStringLiteral(".so");
        if (!QFile::exists(module))
            return Error::make(ErrorKind::Io, QStringLiteral("%1 is not installed (no %2)").arg(library, module));
    }
    auto admin = Connection::open(m_server->maintenanceOptions(), std::chrono::seconds(10));
    if (!admin)
        return admin.error();
    // ALTER SYSTEM takes no parameters: the server quotes the value.
    auto statement = libraries.isEmpty()
        ? (*admin)->exec(QStringLiteral("SELECT 'ALTER SYSTEM RESET shared_preload_libraries'"))
        : (*admin)->exec(QStringLiteral("SELECT format('ALTER SYSTEM SET shared_preload_libraries = %L', $1::text)"),
                         {libraries.join(QLatin1Char(','))});
    if (!statement)
        return statement.error();
    if (auto altered = (*admin)->execScript(statement->scalar()); !altered)
        return altered;
    admin->reset();
    if (auto stopped = m_server->stop(); !stopped)
        return stopped;
    return m_server->start();
}

} // namespace ops::testing
