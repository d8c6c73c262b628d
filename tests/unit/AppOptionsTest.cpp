// SPDX-License-Identifier: MIT
#include "AppOptions.h"

#include <QTemporaryDir>

#include <gtest/gtest.h>

using ops::app::AppOptions;

namespace {
struct Fixture {
    QTemporaryDir dir;
    QSettings settings{dir.filePath(QStringLiteral("s.ini")), QSettings::IniFormat};
};
} // namespace

TEST(AppOptionsTest, DsnBeatsEnvironmentBeatsSettings)
{
    Fixture f;
    f.settings.setValue(QStringLiteral("database/connectionString"), QStringLiteral("host=fromsettings"));
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://fromenv/db"));

    auto withDsn = AppOptions::parse({QStringLiteral("ops-console"), QStringLiteral("--dsn"), QStringLiteral("host=fromflag")},
                                     environment, f.settings);
    ASSERT_TRUE(withDsn.ok());
    EXPECT_EQ(withDsn->connectionString, QStringLiteral("host=fromflag"));

    auto fromEnvironment = AppOptions::parse({QStringLiteral("ops-console")}, environment, f.settings);
    ASSERT_TRUE(fromEnvironment.ok());
    EXPECT_EQ(fromEnvironment->connectionString, QStringLiteral("postgresql://fromenv/db"));

    auto fromSettings = AppOptions::parse({QStringLiteral("ops-console")}, QProcessEnvironment(), f.settings);
    ASSERT_TRUE(fromSettings.ok());
    EXPECT_EQ(fromSettings->connectionString, QStringLiteral("host=fromsettings"));
}

TEST(AppOptionsTest, EmbeddedDefaultWhenNothingIsConfigured)
{
    Fixture f;
    auto options = AppOptions::parse({QStringLiteral("ops-console"), QStringLiteral("--data-dir"), f.dir.path(),
                                      QStringLiteral("--screenshots"), QStringLiteral("shots")},
                                     QProcessEnvironment(), f.settings);
    ASSERT_TRUE(options.ok());
    EXPECT_TRUE(options->connectionString.isEmpty());
    EXPECT_EQ(options->dataDirectory, f.dir.path());
    EXPECT_TRUE(options->screenshotDirectory.endsWith(QLatin1String("/shots")));
}

TEST(AppOptionsTest, UnknownOptionsAndCommandsAreRefused)
{
    Fixture f;
    auto unknownOption = AppOptions::parse({QStringLiteral("ops-console"), QStringLiteral("--frobnicate")},
                                           QProcessEnvironment(), f.settings);
    ASSERT_FALSE(unknownOption.ok());
    EXPECT_TRUE(unknownOption.error().message.contains(QLatin1String("frobnicate")));
    auto unknownCommand = AppOptions::parse({QStringLiteral("ops-console"), QStringLiteral("explode")},
                                            QProcessEnvironment(), f.settings);
    ASSERT_FALSE(unknownCommand.ok());
    EXPECT_TRUE(unknownCommand.error().message.contains(QLatin1String("explode")));
}

TEST(AppOptionsTest, VersionAndHelpNeedNoDisplay)
{
    char program[] = "ops-console";
    char version[] = "--version";
    char help[] = "-h";
    char screenshots[] = "--screenshots";
    char dir[] = "out";
    char* versionArgv[] = {program, version};
    char* helpArgv[] = {program, help};
    char* windowArgv[] = {program, screenshots, dir};
    EXPECT_FALSE(AppOptions::needsDisplay(2, versionArgv));
    EXPECT_FALSE(AppOptions::needsDisplay(2, helpArgv));
    EXPECT_TRUE(AppOptions::needsDisplay(3, windowArgv));
}

TEST(AppOptionsTest, AnyCommandWordRunsHeadlessButOptionValuesDoNot)
{
    char program[] = "ops-console";
    char dataDir[] = "--data-dir";
    char word[] = "explode";
    char* commandArgv[] = {program, word};
    char* valueArgv[] = {program, dataDir, word};
    // A typo of a command is answered on the terminal, not by opening a window.
    EXPECT_FALSE(AppOptions::needsDisplay(2, commandArgv));
    // "explode" is the value of --data-dir here, not a command.
    EXPECT_TRUE(AppOptions::needsDisplay(3, valueArgv));
}

TEST(AppOptionsTest, NoKeyringKeepsSecretsInMemory)
{
    Fixture f;
    auto usual = AppOptions::parse({QStringLiteral("ops-console")}, QProcessEnvironment(), f.settings);
    ASSERT_TRUE(usual.ok());
    EXPECT_TRUE(usual->useKeyring);
    auto memoryOnly = AppOptions::parse({QStringLiteral("ops-console"), QStringLiteral("--no-keyring"), QStringLiteral("health")},
                                        QProcessEnvironment(), f.settings);
    ASSERT_TRUE(memoryOnly.ok()) << memoryOnly.error().message.toStdString();
    EXPECT_FALSE(memoryOnly->useKeyring);
    EXPECT_EQ(memoryOnly->command, QStringLiteral("health"));
}
