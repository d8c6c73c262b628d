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
