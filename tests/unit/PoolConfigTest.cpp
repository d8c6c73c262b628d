// SPDX-License-Identifier: MIT
#include "db/PoolConfig.h"

#include <QThread>

#include <gtest/gtest.h>

using namespace ops::services;

TEST(PoolConfigTest, DefaultSizeFollowsThePoolSizingRule)
{
    EXPECT_EQ(PoolConfig().maxSize, QThread::idealThreadCount() * 2 + 1);
}

TEST(PoolConfigTest, ReadsTheTeamsEnvironmentNames)
{
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("DATABASE_URL"), QStringLiteral("postgresql://app@db.internal:5432/postgres"));
    environment.insert(QStringLiteral("DATABASE_POOLER_URL"), QStringLiteral("postgresql://app@pooler.internal:6543/postgres"));
    environment.insert(QStringLiteral("DB_POOL_MAX"), QStringLiteral("7"));
    environment.insert(QStringLiteral("DB_MAX_RETRIES"), QStringLiteral("4"));
    environment.insert(QStringLiteral("DB_CIRCUIT_THRESHOLD"), QStringLiteral("25"));
    environment.insert(QStringLiteral("DB_CIRCUIT_WAIT_MS"), QStringLiteral("1500"));
    environment.insert(QStringLiteral("DB_ACQUIRE_TIMEOUT_MS"), QStringLiteral("800"));
    auto config = PoolConfig::fromEnvironment(environment);
    ASSERT_TRUE(config.ok()) << config.error().toString().toStdString();
    EXPECT_EQ(config->maxSize, 7);
    EXPECT_EQ(config->retry.maxAttempts, 5);
    EXPECT_DOUBLE_EQ(config->breaker.failureRateThreshold, 0.25);
    EXPECT_EQ(config->breaker.waitInOpen.count(), 1500);
    EXPECT_EQ(config->acquireTimeout.count(), 800);
    // Units of work go through the pooler; LISTEN keeps the direct connection.
    EXPECT_TRUE(config->throughTransactionPooler);
    EXPECT_EQ(config->connection.host(), QStringLiteral("pooler.internal"));
    EXPECT_EQ(config->direct.host(), QStringLiteral("db.internal"));
}

TEST(PoolConfigTest, InvalidValuesAreRefusedNamingTheVariable)
{
    for (const auto& [name, value] : std::vector<std::pair<QString, QString>>{
             {QStringLiteral("DB_POOL_MAX"), QStringLiteral("0")},
             {QStringLiteral("DB_POOL_MAX"), QStringLiteral("lots")},
             {QStringLiteral("DB_MAX_RETRIES"), QStringLiteral("-1")},
             {QStringLiteral("DB_CIRCUIT_THRESHOLD"), QStringLiteral("150")},
             {QStringLiteral("DB_CIRCUIT_WAIT_MS"), QStringLiteral("12.5")},
             {QStringLiteral("DB_ACQUIRE_TIMEOUT_MS"), QStringLiteral("")},
             {QStringLiteral("DATABASE_URL"), QStringLiteral("host=x bogus=1")},
         }) {
        QProcessEnvironment environment;
        environment.insert(name, value);
        auto config = PoolConfig::fromEnvironment(environment);
        ASSERT_FALSE(config.ok()) << name.toStdString() << "=" << value.toStdString();
        EXPECT_EQ(config.error().kind, ErrorKind::InvalidInput);
        EXPECT_TRUE(config.error().message.contains(name)) << config.error().message.toStdString();
    }
}
