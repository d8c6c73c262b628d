// SPDX-License-Identifier: MIT
#include "db/ConnectionOptions.h"

#include <gtest/gtest.h>

#include <map>

using namespace ops::services;

namespace {
std::multimap<QByteArray, QByteArray> asMap(const ConnectionOptions& options)
{
    std::multimap<QByteArray, QByteArray> map;
    const LibpqParameters parameters = options.libpqParameters();
    for (const auto& [key, value] : parameters.pairs())
        map.emplace(key, value);
    return map;
}
} // namespace

TEST(ConnectionOptionsTest, RefusesMalformedStringsWithoutEchoingThePassword)
{
    auto parsed = ConnectionOptions::fromConnectionString(QStringLiteral("host=db password=s3cret-value bogus_key=1"));
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().kind, ErrorKind::InvalidInput);
    EXPECT_FALSE(parsed.error().message.contains(QLatin1String("s3cret-value")));
}

TEST(ConnectionOptionsTest, RemoteHostsGetKeepalivesAndLocalOnesDoNot)
{
    auto remote = ConnectionOptions::fromConnectionString(QStringLiteral("postgresql://app@db.example.com:6543/postgres"));
    ASSERT_TRUE(remote.ok());
    EXPECT_FALSE(remote->isLocal());
    const auto remoteParameters = asMap(remote.value());
    EXPECT_EQ(remoteParameters.count("keepalives"), 1u);
    EXPECT_EQ(remoteParameters.count("tcp_user_timeout"), 1u);
    EXPECT_EQ(remote->displayLocation(), QStringLiteral("db.example.com:6543 (db postgres)"));

    auto local = ConnectionOptions::fromConnectionString(QStringLiteral("host=/run/postgresql dbname=ops"));
    ASSERT_TRUE(local.ok());
    EXPECT_TRUE(local->isLocal());
    EXPECT_EQ(asMap(local.value()).count("keepalives"), 0u);
}

TEST(ConnectionOptionsTest, UserStringComesAfterDefaultsSoItWins)
{
    auto options = ConnectionOptions::fromConnectionString(
        QStringLiteral("postgresql://a@h1:5432,h2:5432/db?target_session_attrs=read-write&application_name=mine"));
    ASSERT_TRUE(options.ok());
    const LibpqParameters libpq = options->libpqParameters();
    const auto& parameters = libpq.pairs();
    auto position = [&parameters](const char* key) {
        for (size_t i = 0; i < parameters.size(); ++i)
            if (parameters[i].first == key)
                return int(i);
        return -1;
    };
    EXPECT_LT(position("application_name"), position("dbname"));
    EXPECT_EQ(options->host(), QStringLiteral("h1,h2"));
    EXPECT_FALSE(options->isLocal());
}

TEST(ConnectionOptionsTest, OverridesDatabaseAndUserLast)
{
    const ConnectionOptions options =
        ConnectionOptions::forSocket(QStringLiteral("/tmp/sock dir"), 5432, QStringLiteral("ops"), QStringLiteral("postgres"))
            .withDatabase(QStringLiteral("other"))
            .withUser(QStringLiteral("alice"));
    EXPECT_EQ(options.database(), QStringLiteral("other"));
    EXPECT_EQ(options.user(), QStringLiteral("alice"));
    EXPECT_EQ(options.host(), QStringLiteral("/tmp/sock dir"));
    const LibpqParameters parameters = options.libpqParameters();
    EXPECT_EQ(parameters.pairs().back().first, QByteArray("user"));
    EXPECT_TRUE(options.displayLocation().startsWith(QLatin1String("socket /tmp/sock dir")));
}

// The name the user configured decides: a remote-looking name is remote even when hostaddr points
// at loopback, and "localhost" with a remote hostaddr is remote too (the traffic leaves the machine).
TEST(ConnectionOptionsTest, ANameOrAnAddressOffTheMachineIsNotLocal)
{
    const auto local = [](const char* text) {
        auto options = ConnectionOptions::fromConnectionString(QString::fromLatin1(text));
        EXPECT_TRUE(options.ok()) << text;
        return options && options->isLocal();
    };
    EXPECT_FALSE(local("host=db.example.test hostaddr=127.0.0.1"));
    EXPECT_FALSE(local("host=localhost hostaddr=10.0.0.5"));
    EXPECT_FALSE(local("hostaddr=192.0.2.7"));
    EXPECT_TRUE(local("host=localhost hostaddr=127.0.0.1"));
    EXPECT_TRUE(local("hostaddr=127.0.0.1"));
    EXPECT_TRUE(local("host=/run/postgresql"));
    EXPECT_TRUE(local("dbname=ops"));
}

TEST(ConnectionOptionsTest, ValidateTlsExplainsWhatToChange)
{
    const auto message = [](const QString& mode, const QString& caFile, const QString& host) {
        auto checked = ConnectionOptions::validateTls(mode, caFile, host);
        return checked ? QString() : checked.error().message;
    };
    const QString db = QStringLiteral("db.example.com");
    EXPECT_EQ(message(QString(), QString(), db), QString());  // libpq's default, prefer
    EXPECT_EQ(message(QStringLiteral("require"), QString(), db), QString());
    EXPECT_TRUE(message(QStringLiteral("verify-everything"), QString(), db).contains(QLatin1String("unknown sslmode \"verify-everything\": use one of disable")));
    EXPECT_TRUE(message(QStringLiteral("verify-full"), QStringLiteral("/nonexistent/ca.crt"), db)
                    .contains(QLatin1String("the CA file /nonexistent/ca.crt does not exist")));
    EXPECT_TRUE(message(QStringLiteral("verify-ca"), QStringLiteral("/tmp"), db).contains(QLatin1String("is not a file")));
    EXPECT_TRUE(message(QStringLiteral("verify-full"), QString(), QStringLiteral("/run/postgresql")).contains(QLatin1String("Unix socket")));
    EXPECT_TRUE(message(QStringLiteral("verify-full"), QString(), QString()).contains(QLatin1String("Unix socket")));
    EXPECT_TRUE(message(QStringLiteral("verify-full"), QString(), QStringLiteral("db1,/run/postgresql")).contains(QLatin1String("Unix socket")));
}

TEST(ConnectionOptionsTest, TlsSettingsByApiOverrideTheStringAndReachLibpq)
{
    auto options = ConnectionOptions::fromConnectionString(QStringLiteral("host=db.example.com sslmode=disable"));
    ASSERT_TRUE(options.ok());
    EXPECT_EQ(options->sslMode(), QStringLiteral("disable"));
    auto stricter = options->withTls(QStringLiteral("require"), QString());
    ASSERT_TRUE(stricter.ok()) << stricter.error().message.toStdString();
    EXPECT_EQ(stricter->sslMode(), QStringLiteral("require"));
    const auto parameters = stricter->libpqParameters();
    EXPECT_EQ(parameters.pairs().back(), std::make_pair(QByteArray("sslmode"), QByteArray("require")));  // after the string: wins
    EXPECT_FALSE(options->withTls(QStringLiteral("bogus"), QString()).ok());

    auto defaults = ConnectionOptions::fromConnectionString(QStringLiteral("host=db.example.com"));
    ASSERT_TRUE(defaults.ok());
    EXPECT_EQ(defaults->sslMode(), QStringLiteral("prefer"));
}

TEST(ConnectionOptionsTest, TlsErrorsNeverRepeatAPasswordLibpqReadAsAValue)
{
    // A missing value makes libpq take the next "key=value" as the value itself.
    for (const char* text : {"host=db sslmode= password=Fz9Secret", "host=db sslmode=verify-full sslrootcert= password=Fz9Secret"}) {
        auto parsed = ConnectionOptions::fromConnectionString(QString::fromLatin1(text));
        if (!parsed.ok()) {
            EXPECT_FALSE(parsed.error().message.contains(QLatin1String("Fz9Secret"))) << parsed.error().message.toStdString();
        }
    }
}

TEST(ConnectionOptionsTest, APasswordFromTheSecretStoreGoesToLibpqLastAndNowhereElse)
{
    auto options = ConnectionOptions::fromConnectionString(QStringLiteral("host=db.example.com user=ops dbname=ops"));
    ASSERT_TRUE(options.ok());
    EXPECT_FALSE(options->containsPassword());
    EXPECT_FALSE(options->hasPassword());
    const ConnectionOptions withPassword = options->withPassword("s3cret-from-keyring");
    EXPECT_TRUE(withPassword.hasPassword());
    EXPECT_FALSE(withPassword.containsPassword()) << "the saved string still has none";
    const LibpqParameters parameters = withPassword.libpqParameters();
    EXPECT_EQ(parameters.pairs().back(), std::make_pair(QByteArray("password"), QByteArray("s3cret-from-keyring")));
    EXPECT_FALSE(withPassword.displayLocation().contains(QLatin1String("s3cret")));
    EXPECT_FALSE(withPassword.connectionStringWithoutPassword().contains(QLatin1String("s3cret")));
}

TEST(ConnectionOptionsTest, StringsWithAPasswordAreRecognisedAndCanBeSavedWithout)
{
    EXPECT_TRUE(ConnectionOptions::containsPassword(QStringLiteral("postgresql://ops:pw@db.example.com:6432/ops?sslmode=require")));
    EXPECT_TRUE(ConnectionOptions::containsPassword(QStringLiteral("host=db password='p w' user=ops")));
    EXPECT_FALSE(ConnectionOptions::containsPassword(QStringLiteral("postgresql://ops@db.example.com/ops")));
    EXPECT_FALSE(ConnectionOptions::containsPassword(QStringLiteral("postgresql://[::1")));  // unreadable: nothing to find

    auto uri = ConnectionOptions::fromConnectionString(
        QStringLiteral("postgresql://ops:pw@db1.example.com:6432,db2.example.com/ops?sslmode=require&target_session_attrs=read-write"));
    ASSERT_TRUE(uri.ok());
    const QString saved = uri->connectionStringWithoutPassword();
    EXPECT_FALSE(saved.contains(QLatin1String("pw"))) << saved.toStdString();
    auto reparsed = ConnectionOptions::fromConnectionString(saved);
    ASSERT_TRUE(reparsed.ok()) << saved.toStdString();
    EXPECT_FALSE(reparsed->containsPassword());
    EXPECT_EQ(reparsed->host(), QStringLiteral("db1.example.com,db2.example.com"));
    EXPECT_EQ(reparsed->user(), QStringLiteral("ops"));
    EXPECT_EQ(reparsed->database(), QStringLiteral("ops"));
    EXPECT_TRUE(saved.contains(QLatin1String("sslmode='require'")));
    EXPECT_TRUE(saved.contains(QLatin1String("target_session_attrs='read-write'")));
}
