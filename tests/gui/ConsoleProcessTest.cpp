// SPDX-License-Identifier: MIT
// The real ops-console binary as a process: --version headless, --screenshots on the embedded
// default, a second start on the same data directory, and a start after kill -9.
#include "TestCluster.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QProcess>
#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <sys/stat.h>

using ops::testing::TestCluster;

namespace {

class ConsoleProcessTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        m_home = std::make_unique<QTemporaryDir>(TestCluster::scratchRoot() + QStringLiteral("/console-XXXXXX"));
        ASSERT_TRUE(m_home->isValid());
        ::chmod(QFile::encodeName(m_home->path()).constData(), 0755);
        QDir(m_home->path()).mkpath(QStringLiteral("runtime"));
        ::chmod(QFile::encodeName(m_home->filePath(QStringLiteral("runtime"))).constData(), 0700);
    }
    void TearDown() override
    {
        // Whatever a failed test left running on the data directory is stopped here.
        QProcess::execute(QStringLiteral("sh"), {QStringLiteral("-c"),
            QStringLiteral("pid=$(head -1 '%1/postgres/pgdata/postmaster.pid' 2>/dev/null) && kill -INT $pid; true").arg(dataDirectory())});
    }

    QString dataDirectory() const { return m_home->filePath(QStringLiteral("data")); }

    void prepare(QProcess& process) const
    {
        QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
        environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        environment.insert(QStringLiteral("XDG_CONFIG_HOME"), m_home->filePath(QStringLiteral("config")));
        environment.insert(QStringLiteral("XDG_DATA_HOME"), m_home->filePath(QStringLiteral("share")));
        environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), m_home->filePath(QStringLiteral("runtime")));
        environment.remove(QStringLiteral("DATABASE_URL"));
        environment.insert(QStringLiteral("OPS_NO_FIRST_RUN"), QStringLiteral("1"));  // a fresh config would show the wizard
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
    }

    // Runs the console to completion; returns its exit code (-1 when it did not finish).
    int run(const QStringList& arguments, QString* output = nullptr) const
    {
        QProcess process;
        prepare(process);
        process.start(QStringLiteral(OPS_CONSOLE_BINARY), arguments);
        const bool finished = process.waitForFinished(240000);
        if (output)
            *output = QString::fromLocal8Bit(process.readAll());
        if (!finished) {
            process.kill();
            process.waitForFinished();
            return -1;
        }
        return process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1;
    }

    void expectScreenshots(const QString& directory) const
    {
        for (const char* tab : {"health", "sandbox", "deployments", "standup"}) {
            const QString name = QString::fromLatin1(tab);
            QImage image(QDir(directory).filePath(name + QStringLiteral(".png")));
            EXPECT_FALSE(image.isNull()) << name.toStdString();
            EXPECT_GT(image.width(), 400);
        }
    }

    bool serverRunning() const
    {
        return QFileInfo::exists(dataDirectory() + QStringLiteral("/postgres/pgdata/postmaster.pid"));
    }

    std::unique_ptr<QTemporaryDir> m_home;
};

} // namespace

TEST_F(ConsoleProcessTest, VersionNeedsNoDisplayAndNoDatabase)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
    environment.remove(QStringLiteral("DISPLAY"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(OPS_CONSOLE_BINARY), {QStringLiteral("--version")});
    ASSERT_TRUE(process.waitForFinished(30000));
    EXPECT_EQ(process.exitCode(), 0);
    EXPECT_EQ(QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed(),
              QStringLiteral("ops-console " OPS_VERSION));
}

TEST_F(ConsoleProcessTest, ScreenshotsOnTheEmbeddedDefaultThenStartsAgain)
{
    QString output;
    const QString shots = m_home->filePath(QStringLiteral("shots"));
    ASSERT_EQ(run({QStringLiteral("--data-dir"), dataDirectory(), QStringLiteral("--screenshots"), shots}, &output), 0)
        << output.toStdString();
    expectScreenshots(shots);
    EXPECT_FALSE(serverRunning()) << "the last console stops the embedded server at exit";

    const QString again = m_home->filePath(QStringLiteral("again"));
    ASSERT_EQ(run({QStringLiteral("--data-dir"), dataDirectory(), QStringLiteral("--screenshots"), again}, &output), 0)
        << output.toStdString();
    expectScreenshots(again);
    EXPECT_FALSE(serverRunning()) << output.toStdString();
}

TEST_F(ConsoleProcessTest, StartsAfterTheFirstConsoleWasKilledAndSharesAServerWithALiveOne)
{
    QProcess first;
    prepare(first);
    first.start(QStringLiteral(OPS_CONSOLE_BINARY), {QStringLiteral("--data-dir"), dataDirectory()});
    ASSERT_TRUE(first.waitForStarted());
    QByteArray log;
    // A deadline, not a count of reads: each read returns as soon as any output arrives.
    const QDeadlineTimer deadline(std::chrono::minutes(2));
    while (!log.contains("database ready") && !deadline.hasExpired()) {
        first.waitForReadyRead(100);
        log += first.readAll();
    }
    ASSERT_TRUE(log.contains("database ready")) << log.toStdString();

    // A second console on the same data directory while the first runs: it reuses the server
    // and leaves it running for the first one.
    QString output;
    ASSERT_EQ(run({QStringLiteral("--data-dir"), dataDirectory(), QStringLiteral("--screenshots"),
                   m_home->filePath(QStringLiteral("second"))}, &output), 0)
        << output.toStdString();
    EXPECT_TRUE(serverRunning());

    first.kill();  // SIGKILL: no clean shutdown, the server keeps running
    first.waitForFinished();

    const QString shots = m_home->filePath(QStringLiteral("after-kill"));
    ASSERT_EQ(run({QStringLiteral("--data-dir"), dataDirectory(), QStringLiteral("--screenshots"), shots}, &output), 0)
        << output.toStdString();
    expectScreenshots(shots);
    EXPECT_FALSE(serverRunning()) << output.toStdString();
}
