// SPDX-License-Identifier: MIT
#include "TestCluster.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QThread>

#include <gtest/gtest.h>

#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace ops::services;
using ops::testing::TestCluster;

namespace {

class EmbeddedPostgresTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_directory = std::make_unique<QTemporaryDir>(TestCluster::scratchRoot() + QStringLiteral("/embedded-XXXXXX"));
        ASSERT_TRUE(m_directory->isValid());
        ::chmod(QFile::encodeName(m_directory->path()).constData(), 0755);
    }
    void TearDown() override
    {
        for (auto& server : m_servers)
            (void)server->stop();
    }

    EmbeddedPostgres& makeServer(const QString& dataDirectory = {})
    {
        EmbeddedPostgresOptions options;
        options.dataDirectory = dataDirectory.isEmpty() ? m_directory->path() : dataDirectory;
        options.durable = false;
        options.stopWhenProcessExits = true;
        m_servers.push_back(std::make_unique<EmbeddedPostgres>(options));
        return *m_servers.back();
    }

    static QString queryScalar(const EmbeddedPostgres& server, const QString& sql)
    {
        auto connection = Connection::open(server.connectionOptions(), std::chrono::seconds(10));
        if (!connection)
            return QStringLiteral("connect failed: ") + connection.error().toString();
        auto result = (*connection)->exec(sql);
        return result ? result->scalar() : result.error().toString();
    }

    static qint64 postmasterPid(const EmbeddedPostgres& server)
    {
        QFile pidFile(server.clusterDirectory() + QStringLiteral("/postmaster.pid"));
        if (!pidFile.open(QIODevice::ReadOnly))
            return -1;
        return pidFile.readLine().trimmed().toLongLong();
    }

    static void waitUntilGone(qint64 pid)
    {
        for (int i = 0; i < 200 && ::kill(pid_t(pid), 0) == 0; ++i)
            QThread::msleep(25);
        QThread::msleep(500);  // let the backends notice their postmaster died and exit
    }

    std::unique_ptr<QTemporaryDir> m_directory;
    std::vector<std::unique_ptr<EmbeddedPostgres>> m_servers;
};

} // namespace

TEST_F(EmbeddedPostgresTest, CreatesStartsStopsAndRestartsOnTheSameCluster)
{
    EmbeddedPostgres& server = makeServer();
    auto started = server.start();
    ASSERT_TRUE(started.ok()) << started.error().toString().toStdString() << "\n" << started.error().detail.toStdString();
    EXPECT_TRUE(server.startedByUs());
    EXPECT_TRUE(QFileInfo::exists(server.clusterDirectory() + QStringLiteral("/PG_VERSION")));
    EXPECT_EQ(queryScalar(server, QStringLiteral("SELECT current_database()")), QStringLiteral("ops"));
    // Socket only: no TCP listener at all.
    EXPECT_EQ(queryScalar(server, QStringLiteral("SHOW listen_addresses")), QString());
    EXPECT_TRUE(QFileInfo::exists(server.socketDirectory() + QStringLiteral("/.s.PGSQL.5432")));
    ASSERT_TRUE(queryScalar(server, QStringLiteral("CREATE TABLE kept (x int)")).isEmpty());

    ASSERT_TRUE(server.stop().ok());
    EXPECT_FALSE(server.isRunning());
    EXPECT_FALSE(QFileInfo::exists(server.clusterDirectory() + QStringLiteral("/postmaster.pid")));

    ASSERT_TRUE(server.start().ok());
    EXPECT_TRUE(server.startedByUs());
    // Same cluster: the table made before the restart is still there.
    EXPECT_EQ(queryScalar(server, QStringLiteral("SELECT to_regclass('kept') IS NOT NULL")), QStringLiteral("t"));
}

TEST_F(EmbeddedPostgresTest, ReusesAServerAlreadyRunningOnTheDataDirectory)
{
    EmbeddedPostgres& first = makeServer();
    ASSERT_TRUE(first.start().ok());
    const qint64 pid = postmasterPid(first);

    EmbeddedPostgres& second = makeServer();
    auto reused = second.start();
    ASSERT_TRUE(reused.ok()) << reused.error().toString().toStdString();
    EXPECT_FALSE(second.startedByUs());
    EXPECT_EQ(postmasterPid(second), pid);
    EXPECT_EQ(queryScalar(second, QStringLiteral("SELECT 1")), QStringLiteral("1"));
}

TEST_F(EmbeddedPostgresTest, RecoversAfterTheServerWasKilled)
{
    EmbeddedPostgres& server = makeServer();
    ASSERT_TRUE(server.start().ok());
    const qint64 pid = postmasterPid(server);
    ASSERT_GT(pid, 0);
    ASSERT_EQ(::kill(pid_t(pid), SIGKILL), 0);
    waitUntilGone(pid);
    ASSERT_TRUE(QFileInfo::exists(server.clusterDirectory() + QStringLiteral("/postmaster.pid")));  // left behind

    EmbeddedPostgres& again = makeServer();
    auto restarted = again.start();
    ASSERT_TRUE(restarted.ok()) << restarted.error().toString().toStdString() << "\n"
                                << restarted.error().detail.toStdString();
    EXPECT_TRUE(again.startedByUs());
    EXPECT_NE(postmasterPid(again), pid);
    EXPECT_EQ(queryScalar(again, QStringLiteral("SELECT 1")), QStringLiteral("1"));
}

TEST_F(EmbeddedPostgresTest, RecoversFromAStalePidFileWhosePidBelongsToAnotherProgram)
{
    EmbeddedPostgres& server = makeServer();
    ASSERT_TRUE(server.start().ok());
    ASSERT_TRUE(server.stop().ok());
    // After a crash and a reboot the recorded pid may belong to any live process: use our own.
    QFile pidFile(server.clusterDirectory() + QStringLiteral("/postmaster.pid"));
    ASSERT_TRUE(pidFile.open(QIODevice::WriteOnly));
    pidFile.write(QByteArray::number(qint64(::getpid())) + "\n" + QFile::encodeName(server.clusterDirectory())
                  + "\n1700000000\n5432\n" + QFile::encodeName(server.socketDirectory()) + "\n\n 0 0\nready\n");
    pidFile.close();

    EmbeddedPostgres& again = makeServer();
    auto restarted = again.start();
    ASSERT_TRUE(restarted.ok()) << restarted.error().toString().toStdString() << "\n"
                                << restarted.error().detail.toStdString();
    EXPECT_TRUE(again.startedByUs());
    EXPECT_EQ(queryScalar(again, QStringLiteral("SELECT 1")), QStringLiteral("1"));
}

TEST_F(EmbeddedPostgresTest, ServerRunsAsThePostgresUserWhenWeAreRoot)
{
    EmbeddedPostgres& server = makeServer();
    ASSERT_TRUE(server.start().ok());
    struct stat info {};
    ASSERT_EQ(::stat(QFile::encodeName(server.clusterDirectory()).constData(), &info), 0);
    if (::geteuid() == 0) {
        const passwd* postgres = ::getpwnam("postgres");
        ASSERT_NE(postgres, nullptr);
        EXPECT_EQ(info.st_uid, postgres->pw_uid);
    } else {
        EXPECT_EQ(info.st_uid, ::geteuid());
    }
    EXPECT_EQ(info.st_mode & 0777, 0700u);
}

TEST_F(EmbeddedPostgresTest, AsRootADataDirectoryThePostgresUserCannotReachIsRelocated)
{
    if (::geteuid() != 0)
        GTEST_SKIP() << "only root needs the relocation";
    const QString privateParent = m_directory->path() + QStringLiteral("/private");
    ASSERT_TRUE(QDir().mkpath(privateParent + QStringLiteral("/data")));
    ::chmod(QFile::encodeName(privateParent).constData(), 0700);
    EmbeddedPostgres& server = makeServer(privateParent + QStringLiteral("/data"));
    auto started = server.start();
    ASSERT_TRUE(started.ok()) << started.error().toString().toStdString();
    EXPECT_TRUE(server.clusterDirectory().startsWith(QLatin1String("/var/lib/ops-console/")));
    EXPECT_EQ(queryScalar(server, QStringLiteral("SELECT 1")), QStringLiteral("1"));
    ASSERT_TRUE(server.stop().ok());
    QDir(QFileInfo(QFileInfo(server.clusterDirectory()).path()).path()).removeRecursively();
}

TEST_F(EmbeddedPostgresTest, MissingServerProgramsAreNamedWithTheDebianPackage)
{
    qputenv("OPS_PG_BINDIR", QFile::encodeName(m_directory->path() + QStringLiteral("/no-postgres-here")));
    EmbeddedPostgres& server = makeServer();
    auto started = server.start();
    qunsetenv("OPS_PG_BINDIR");
    ASSERT_FALSE(started.ok());
    EXPECT_EQ(started.error().kind, ErrorKind::NotFound);
    EXPECT_TRUE(started.error().message.contains(QLatin1String("postgresql-15"))) << started.error().message.toStdString();
    EXPECT_TRUE(started.error().detail.contains(QLatin1String("no-postgres-here")));
}
