// SPDX-License-Identifier: MIT
// The command provider with real processes: arguments stay arguments (no shell), the exit code
// decides, a hung command is stopped at the deadline, output arrives line by line while the
// command runs, and a cancel stops it with its children.
#include "deploy/CommandDeployProvider.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

using namespace ops::services;
using namespace std::chrono_literals;

TEST(CommandProviderTest, ArgumentsAreNeverInterpretedByAShell)
{
    QTemporaryDir dir;
    const QString marker = dir.filePath(QStringLiteral("pwned"));
    CommandDeployProvider::Config config;
    config.project = QStringLiteral("prj");
    // printf prints its arguments verbatim; a shell would run the `touch`.
    config.rollbackTemplate = {QStringLiteral("/usr/bin/printf"), QStringLiteral("%s|%s"), QStringLiteral("{deployment}"),
                               QStringLiteral("--reason={reason}")};
    CommandDeployProvider provider(config);
    QString seen;
    provider.setOutputListener([&](const QString& line) { seen += line; });
    const QString evil = QStringLiteral("x; touch %1 {deployment}").arg(marker);
    ASSERT_TRUE(provider.rollback(QStringLiteral("dpl_1"), evil).ok());
    EXPECT_EQ(seen, QStringLiteral("dpl_1|--reason=") + evil);
    EXPECT_FALSE(QFile::exists(marker));
}

TEST(CommandProviderTest, NonZeroExitFailsWithTheOutput)
{
    CommandDeployProvider::Config config;
    config.rollbackTemplate = {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                               QStringLiteral("echo 'Error: deployment not found' >&2; exit 1")};
    CommandDeployProvider provider(config);
    auto result = provider.rollback(QStringLiteral("dpl_1"), QString());
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.indexOf(QStringLiteral("exited with 1: Error: deployment not found")), -1)
        << result.error().message.toStdString();
}

TEST(CommandProviderTest, HungCommandIsStoppedAtTheDeadline)
{
    CommandDeployProvider::Config config;
    config.rollbackTemplate = {QStringLiteral("/bin/sleep"), QStringLiteral("30")};
    config.timeout = 300ms;
    CommandDeployProvider provider(config);
    const auto start = std::chrono::steady_clock::now();
    auto result = provider.rollback(QStringLiteral("dpl_1"), QString());
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::Timeout);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
}

TEST(CommandProviderTest, ListParsesVercelShapedOutput)
{
    CommandDeployProvider::Config config;
    config.listTemplate = {QStringLiteral("/usr/bin/printf"), QStringLiteral("%s"),
                           QStringLiteral(R"({"deployments":[{"uid":"dpl_a","created":1700000000000,"meta":{"version":"v9"},"checksConclusion":"succeeded"}]})")};
    CommandDeployProvider provider(config);
    auto list = provider.listDeployments();
    ASSERT_TRUE(list.ok()) << list.error().toString().toStdString();
    ASSERT_EQ(list->size(), 1);
    EXPECT_EQ(list->at(0).version, QStringLiteral("v9"));
    EXPECT_EQ(list->at(0).checks, QStringLiteral("passed"));
    config.listTemplate = {QStringLiteral("/bin/echo"), QStringLiteral("not json")};
    auto bad = CommandDeployProvider(config).listDeployments();
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message.indexOf(QStringLiteral("not JSON")), -1);
}

TEST(CommandProviderTest, OutputArrivesLineByLineWhileTheCommandRuns)
{
    CommandDeployProvider::Config config;
    config.rollbackTemplate = {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                               QStringLiteral("echo one; sleep 0.4; printf 'two\\r\\n'; sleep 0.4; printf three")};
    CommandDeployProvider provider(config);
    const auto start = std::chrono::steady_clock::now();
    QStringList lines;
    std::vector<std::chrono::steady_clock::duration> arrivals;
    provider.setOutputListener([&](const QString& line) {
        lines << line;
        arrivals.push_back(std::chrono::steady_clock::now() - start);
    });
    ASSERT_TRUE(provider.rollback(QStringLiteral("dpl_1"), QString()).ok());
    const auto finished = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(lines, (QStringList{QStringLiteral("one"), QStringLiteral("two"), QStringLiteral("three")}));
    ASSERT_EQ(arrivals.size(), 3u);
    // The first line was delivered while the command still had most of its work ahead.
    EXPECT_LT(arrivals[0] + 600ms, finished);
    EXPECT_LT(arrivals[0] + 300ms, arrivals[1]);
}

TEST(CommandProviderTest, CancelStopsTheCommandAndItsChildren)
{
    QTemporaryDir dir;
    const QString marker = dir.filePath(QStringLiteral("still-running"));
    CommandDeployProvider::Config config;
    // The child `sleep` would create the marker if it outlived the cancel.
    config.rollbackTemplate = {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                               QStringLiteral("echo started; (sleep 1; touch \"$0\") & sleep 30"), marker};
    config.promoteTemplate = {QStringLiteral("/bin/true")};
    CommandDeployProvider provider(config);
    ASSERT_TRUE(provider.canCancel());
    std::atomic<bool> started{false};
    provider.setOutputListener([&](const QString& line) { started = started || line == QLatin1String("started"); });
    std::thread canceller([&] {
        while (!started)
            std::this_thread::sleep_for(10ms);
        provider.cancel();
    });
    const auto begin = std::chrono::steady_clock::now();
    auto result = provider.rollback(QStringLiteral("dpl_1"), QString());
    canceller.join();
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message.indexOf(QStringLiteral("cancelled by the operator")), -1) << result.error().message.toStdString();
    EXPECT_LT(std::chrono::steady_clock::now() - begin, 5s);
    std::this_thread::sleep_for(1500ms);
    EXPECT_FALSE(QFile::exists(marker)) << "the command's children were stopped with it";
    // The next call runs normally: a cancel belongs to the call it was meant for.
    EXPECT_TRUE(provider.promote(QStringLiteral("dpl_1")).ok());
}
