// SPDX-License-Identifier: MIT
// The command provider with real processes: arguments stay arguments (no shell), the exit code
// decides, a hung command is stopped at the deadline, and a rollout through it ends failed with
// the command's own words.
#include "deploy/CommandDeployProvider.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

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
