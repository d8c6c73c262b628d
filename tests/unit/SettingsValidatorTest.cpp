// SPDX-License-Identifier: MIT
// The rules of the first-run wizard and the settings dialog, field by field, and the saved
// profiles that must never hold a password.
#include "AppOptions.h"
#include "db/ConnectionProfiles.h"
#include "db/SettingsValidator.h"

#include <QFile>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using ops::app::AppOptions;
using ops::services::ConnectionFields;
using ops::services::ConnectionProfiles;
using ops::services::SettingsValidator;

namespace {
bool ok(const QString& problem)
{
    return problem.isEmpty();
}
} // namespace

TEST(SettingsValidatorTest, ProfileNames)
{
    EXPECT_TRUE(ok(SettingsValidator::profileName(QStringLiteral("production"))));
    EXPECT_TRUE(ok(SettingsValidator::profileName(QStringLiteral("eu-west 1.b_2"))));
    EXPECT_FALSE(ok(SettingsValidator::profileName(QString())));
    EXPECT_FALSE(ok(SettingsValidator::profileName(QStringLiteral("   "))));
    EXPECT_FALSE(ok(SettingsValidator::profileName(QStringLiteral("a/b"))));  // would split the settings key
    EXPECT_FALSE(ok(SettingsValidator::profileName(QString(65, QLatin1Char('x')))));
}

TEST(SettingsValidatorTest, ConnectionStringsParseAndHoldNoPassword)
{
    EXPECT_TRUE(ok(SettingsValidator::connectionString(QStringLiteral("host=db.example.com dbname=ops user=me"))));
    EXPECT_TRUE(ok(SettingsValidator::connectionString(QStringLiteral("postgresql://me@db.example.com:5432/ops?sslmode=require"))));
    // verify-full needs the CA that signed the server's certificate (the test HOME has no root.crt).
    EXPECT_FALSE(ok(SettingsValidator::connectionString(QStringLiteral("postgresql://me@db.example.com:5432/ops?sslmode=verify-full"))));
    EXPECT_FALSE(ok(SettingsValidator::connectionString(QString())));
    EXPECT_FALSE(ok(SettingsValidator::connectionString(QStringLiteral("host=db dbname='unterminated"))));
    EXPECT_FALSE(ok(SettingsValidator::connectionString(QStringLiteral("nokeyword"))));

    const QString keyValue = SettingsValidator::connectionString(QStringLiteral("host=db dbname=ops password=hunter2"));
    EXPECT_TRUE(keyValue.contains(QLatin1String("password"), Qt::CaseInsensitive)) << keyValue.toStdString();
    EXPECT_TRUE(keyValue.contains(QLatin1String("keyring")));
    EXPECT_FALSE(keyValue.contains(QLatin1String("hunter2")));
    const QString uri = SettingsValidator::connectionString(QStringLiteral("postgresql://me:hunter2@db/ops"));
    EXPECT_FALSE(ok(uri));
    EXPECT_FALSE(uri.contains(QLatin1String("hunter2")));
    EXPECT_TRUE(SettingsValidator::containsPassword(QStringLiteral("postgresql://me:hunter2@db/ops")));
    EXPECT_TRUE(SettingsValidator::containsPassword(QStringLiteral("postgresql://me@db/ops?password=x")));
    EXPECT_FALSE(SettingsValidator::containsPassword(QStringLiteral("postgresql://me@db/ops")));
    EXPECT_FALSE(SettingsValidator::containsPassword(QStringLiteral("host=db passfile=/home/me/.pgpass")));
}

TEST(SettingsValidatorTest, PortAndFields)
{
    EXPECT_TRUE(ok(SettingsValidator::port(QString())));
    EXPECT_TRUE(ok(SettingsValidator::port(QStringLiteral("5432"))));
    EXPECT_FALSE(ok(SettingsValidator::port(QStringLiteral("0"))));
    EXPECT_FALSE(ok(SettingsValidator::port(QStringLiteral("65536"))));
    EXPECT_FALSE(ok(SettingsValidator::port(QStringLiteral("54a"))));

    EXPECT_TRUE(ok(SettingsValidator::fields(ConnectionFields{QStringLiteral("db"), QStringLiteral("5432"), QStringLiteral("ops"), QStringLiteral("me")})));
    EXPECT_TRUE(ok(SettingsValidator::fields(ConnectionFields{QString(), QString(), QStringLiteral("ops"), QString()})));
    EXPECT_FALSE(ok(SettingsValidator::fields(ConnectionFields{QStringLiteral("db"), QString(), QString(), QString()})));
    EXPECT_FALSE(ok(SettingsValidator::fields(ConnectionFields{QStringLiteral("db"), QStringLiteral("x"), QStringLiteral("ops"), QString()})));
    // Quotes and spaces survive: the string is quoted, so libpq reads back what was typed.
    const QString built = SettingsValidator::connectionStringFor(
        ConnectionFields{QStringLiteral("db"), QString(), QStringLiteral("my 'ops'"), QString()});
    EXPECT_EQ(SettingsValidator::keywordValue(built, QStringLiteral("dbname")), QStringLiteral("my 'ops'"));
    EXPECT_TRUE(SettingsValidator::keywordValue(built, QStringLiteral("port")).isEmpty());
}

TEST(SettingsValidatorTest, TlsRules)
{
    QTemporaryDir dir;
    const QString ca = dir.filePath(QStringLiteral("ca.pem"));
    QFile file(ca);
    ASSERT_TRUE(file.open(QIODevice::WriteOnly));
    file.write("-----BEGIN CERTIFICATE-----\n");
    file.close();

    const QString remote = QStringLiteral("db.example.com");
    EXPECT_TRUE(ok(SettingsValidator::tls(QStringLiteral("prefer"), QString(), remote)));
    EXPECT_TRUE(ok(SettingsValidator::tls(QStringLiteral("require"), QString(), remote)));
    EXPECT_TRUE(ok(SettingsValidator::tls(QStringLiteral("verify-full"), ca, remote)));
    EXPECT_TRUE(ok(SettingsValidator::tls(QStringLiteral("verify-ca"), ca, remote)));
    EXPECT_FALSE(ok(SettingsValidator::tls(QStringLiteral("verify-full"), QString(), remote)));
    EXPECT_FALSE(ok(SettingsValidator::tls(QStringLiteral("verify-ca"), QString(), remote)));
    EXPECT_FALSE(ok(SettingsValidator::tls(QStringLiteral("verify-full"), dir.filePath(QStringLiteral("missing.pem")), remote)));
    EXPECT_FALSE(ok(SettingsValidator::tls(QStringLiteral("require"), dir.path(), remote)));  // a directory
    EXPECT_FALSE(ok(SettingsValidator::tls(QStringLiteral("sometimes"), QString(), remote)));
    // Certificate checks to a Unix socket (an empty host) are meaningless: refused.
    EXPECT_FALSE(ok(SettingsValidator::tls(QStringLiteral("verify-full"), ca, QString())));
    // A file that is no PEM certificate is refused before any connection is tried.
    const QString notPem = dir.filePath(QStringLiteral("notes.txt"));
    QFile notes(notPem);
    ASSERT_TRUE(notes.open(QIODevice::WriteOnly));
    notes.write("not a certificate\n");
    notes.close();
    EXPECT_FALSE(ok(SettingsValidator::tls(QStringLiteral("verify-full"), notPem, remote)));

    EXPECT_EQ(SettingsValidator::defaultSslMode(QStringLiteral("db.example.com")), QStringLiteral("verify-full"));
    EXPECT_EQ(SettingsValidator::defaultSslMode(QStringLiteral("10.0.0.5")), QStringLiteral("verify-full"));
    EXPECT_EQ(SettingsValidator::defaultSslMode(QString()), QStringLiteral("prefer"));
    EXPECT_EQ(SettingsValidator::defaultSslMode(QStringLiteral("localhost")), QStringLiteral("prefer"));
    EXPECT_EQ(SettingsValidator::defaultSslMode(QStringLiteral("/var/run/postgresql")), QStringLiteral("prefer"));

    // TLS keywords are written into the profile's string, replacing earlier ones (URI or key=value).
    const QString withTls = SettingsValidator::withTls(QStringLiteral("postgresql://me@db/ops?sslmode=disable"),
                                                       QStringLiteral("verify-full"), ca);
    EXPECT_EQ(SettingsValidator::keywordValue(withTls, QStringLiteral("sslmode")), QStringLiteral("verify-full"));
    EXPECT_EQ(SettingsValidator::keywordValue(withTls, QStringLiteral("sslrootcert")), ca);
    EXPECT_EQ(SettingsValidator::keywordValue(withTls, QStringLiteral("host")), QStringLiteral("db"));
    EXPECT_EQ(withTls.count(QLatin1String("sslmode")), 1);
    const QString stripped = SettingsValidator::withTls(withTls, QString(), QString());
    EXPECT_FALSE(stripped.contains(QLatin1String("sslmode")));
    EXPECT_FALSE(stripped.contains(QLatin1String("sslrootcert")));
}

TEST(SettingsValidatorTest, UrlsMonitorsDeployAndRetention)
{
    EXPECT_TRUE(ok(SettingsValidator::httpUrl(QString(), true)));
    EXPECT_FALSE(ok(SettingsValidator::httpUrl(QString(), false)));
    EXPECT_TRUE(ok(SettingsValidator::httpUrl(QStringLiteral("https://app.example.com/api/health"), false)));
    EXPECT_TRUE(ok(SettingsValidator::httpUrl(QStringLiteral("http://127.0.0.1:8080/"), false)));
    EXPECT_FALSE(ok(SettingsValidator::httpUrl(QStringLiteral("ftp://example.com/"), true)));
    EXPECT_FALSE(ok(SettingsValidator::httpUrl(QStringLiteral("example.com/health"), true)));
    EXPECT_FALSE(ok(SettingsValidator::httpUrl(QStringLiteral("http://"), true)));
    EXPECT_FALSE(ok(SettingsValidator::httpUrl(QStringLiteral("https://user:secret@example.com/"), true)));
    EXPECT_FALSE(ok(SettingsValidator::httpUrl(QStringLiteral("http://exa mple.com/"), true)));

    EXPECT_TRUE(ok(SettingsValidator::monitorName(QStringLiteral("api"))));
    EXPECT_FALSE(ok(SettingsValidator::monitorName(QStringLiteral(" "))));
    EXPECT_FALSE(ok(SettingsValidator::monitorName(QString(201, QLatin1Char('m')))));
    EXPECT_TRUE(ok(SettingsValidator::monitorIntervalSeconds(1)));
    EXPECT_TRUE(ok(SettingsValidator::monitorIntervalSeconds(86400)));
    EXPECT_FALSE(ok(SettingsValidator::monitorIntervalSeconds(0)));
    EXPECT_FALSE(ok(SettingsValidator::monitorIntervalSeconds(86401)));

    EXPECT_TRUE(ok(SettingsValidator::deployProvider(QStringLiteral("demo"), QString(), QString(), QString())));
    EXPECT_TRUE(ok(SettingsValidator::deployProvider(QStringLiteral("http"), QStringLiteral("https://api.vercel.com"),
                                                     QStringLiteral("prj_1"), QString())));
    EXPECT_FALSE(ok(SettingsValidator::deployProvider(QStringLiteral("http"), QStringLiteral("https://api.vercel.com"), QString(), QString())));
    EXPECT_FALSE(ok(SettingsValidator::deployProvider(QStringLiteral("http"), QStringLiteral("api.vercel.com"), QStringLiteral("p"), QString())));
    EXPECT_TRUE(ok(SettingsValidator::deployProvider(QStringLiteral("command"), QString(), QStringLiteral("p"), QStringLiteral("rollback {deployment}"))));
    EXPECT_FALSE(ok(SettingsValidator::deployProvider(QStringLiteral("command"), QString(), QStringLiteral("p"), QString())));
    EXPECT_FALSE(ok(SettingsValidator::deployProvider(QStringLiteral("ftp"), QString(), QString(), QString())));

    EXPECT_TRUE(ok(SettingsValidator::retention(7, 90)));
    EXPECT_TRUE(ok(SettingsValidator::retention(30, 30)));
    EXPECT_FALSE(ok(SettingsValidator::retention(0, 90)));
    EXPECT_FALSE(ok(SettingsValidator::retention(7, 3651)));
    EXPECT_FALSE(ok(SettingsValidator::retention(30, 7)));
}

TEST(ConnectionProfilesTest, SavesWithoutPasswordsAndTracksTheActiveOne)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("s.ini"));
    {
        QSettings settings(path, QSettings::IniFormat);
        ConnectionProfiles profiles(settings);
        EXPECT_FALSE(profiles.firstRunCompleted());
        auto refused = profiles.save(QStringLiteral("prod"), QStringLiteral("postgresql://me:hunter2@db/ops"));
        ASSERT_FALSE(refused.ok());
        EXPECT_FALSE(refused.error().message.contains(QLatin1String("hunter2")));
        EXPECT_TRUE(profiles.names().isEmpty());

        ASSERT_TRUE(profiles.save(QStringLiteral("prod"), QStringLiteral("host=db dbname=ops")).ok());
        ASSERT_TRUE(profiles.save(QStringLiteral("local"), QStringLiteral("dbname=ops")).ok());
        EXPECT_EQ(profiles.names(), (QStringList{QStringLiteral("local"), QStringLiteral("prod")}));
        EXPECT_TRUE(profiles.active().isEmpty());
        EXPECT_FALSE(profiles.setActive(QStringLiteral("nope")).ok());
        ASSERT_TRUE(profiles.setActive(QStringLiteral("prod")).ok());
        // Saving the active profile again updates what the next start uses.
        ASSERT_TRUE(profiles.save(QStringLiteral("prod"), QStringLiteral("host=db2 dbname=ops")).ok());
        profiles.markFirstRunCompleted();
    }
    QSettings settings(path, QSettings::IniFormat);
    EXPECT_EQ(settings.value(QStringLiteral("database/connectionString")).toString(), QStringLiteral("host=db2 dbname=ops"));
    ConnectionProfiles profiles(settings);
    EXPECT_EQ(profiles.active(), QStringLiteral("prod"));
    EXPECT_TRUE(profiles.firstRunCompleted());
    profiles.remove(QStringLiteral("prod"));
    EXPECT_TRUE(profiles.active().isEmpty());  // back to the embedded default
    EXPECT_FALSE(settings.contains(QStringLiteral("database/connectionString")));
    settings.sync();
    QFile file(path);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    EXPECT_FALSE(file.readAll().contains("hunter2"));
}

TEST(AppOptionsFirstRunTest, OnlyAWindowStartWithNothingSavedAndNoConnectionGiven)
{
    QTemporaryDir dir;
    QSettings empty(dir.filePath(QStringLiteral("empty.ini")), QSettings::IniFormat);
    const auto parse = [&](const QStringList& arguments, const QProcessEnvironment& environment = QProcessEnvironment()) {
        auto options = AppOptions::parse(QStringList{QStringLiteral("ops-console")} + arguments, environment, empty);
        EXPECT_TRUE(options.ok());
        return options.value();
    };
    EXPECT_TRUE(parse({}).wantsFirstRun(empty));
    EXPECT_FALSE(parse({QStringLiteral("--no-first-run")}).wantsFirstRun(empty));
    EXPECT_FALSE(parse({QStringLiteral("--dsn"), QStringLiteral("dbname=x")}).wantsFirstRun(empty));
    EXPECT_FALSE(parse({QStringLiteral("--screenshots"), dir.path()}).wantsFirstRun(empty));
    EXPECT_FALSE(parse({QStringLiteral("health")}).wantsFirstRun(empty));
    QProcessEnvironment optOut;
    optOut.insert(QStringLiteral("OPS_NO_FIRST_RUN"), QStringLiteral("1"));
    EXPECT_FALSE(parse({}, optOut).wantsFirstRun(empty));
    QProcessEnvironment databaseUrl;
    databaseUrl.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://db/ops"));
    EXPECT_FALSE(parse({}, databaseUrl).wantsFirstRun(empty));

    QSettings used(dir.filePath(QStringLiteral("used.ini")), QSettings::IniFormat);
    used.setValue(QStringLiteral("firstRun/completed"), true);
    EXPECT_FALSE(parse({}).wantsFirstRun(used));
}
