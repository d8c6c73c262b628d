// SPDX-License-Identifier: MIT
#include "db/DbError.h"

#include <gtest/gtest.h>

using namespace ops::services;

TEST(DbErrorTest, ClassifiesTransientSqlStates)
{
    for (const char* state : {"08000", "08003", "08006", "08001", "57P01", "57P02", "57P03", "40001", "40P01", "53300"})
        EXPECT_TRUE(dberror::isTransientSqlState(QString::fromLatin1(state))) << state;
    for (const char* state : {"23505", "42601", "42501", "22P02", "57014", "53100", "57000", "40000"})
        EXPECT_FALSE(dberror::isTransientSqlState(QString::fromLatin1(state))) << state;
}

TEST(DbErrorTest, MapsSqlStatesToKinds)
{
    EXPECT_EQ(dberror::kindForSqlState(QStringLiteral("08006")), ErrorKind::Connection);
    EXPECT_EQ(dberror::kindForSqlState(QStringLiteral("57P01")), ErrorKind::Connection);
    EXPECT_EQ(dberror::kindForSqlState(QStringLiteral("40001")), ErrorKind::Transient);
    EXPECT_EQ(dberror::kindForSqlState(QStringLiteral("53300")), ErrorKind::Transient);
    EXPECT_EQ(dberror::kindForSqlState(QStringLiteral("42501")), ErrorKind::Permission);
    EXPECT_EQ(dberror::kindForSqlState(QStringLiteral("57014")), ErrorKind::Timeout);
    EXPECT_EQ(dberror::kindForSqlState(QStringLiteral("23505")), ErrorKind::Query);
}

TEST(DbErrorTest, OnlyConnectivityFailuresCountForTheBreaker)
{
    Error lost = Error::make(ErrorKind::Connection, QStringLiteral("server closed the connection"));
    Error clientDeadline = Error::make(ErrorKind::Timeout, QStringLiteral("connect took too long"));
    Error serverTimeout = Error::make(ErrorKind::Timeout, QStringLiteral("canceling statement"));
    serverTimeout.sqlstate = QStringLiteral("57014");
    Error constraint = Error::make(ErrorKind::Query, QStringLiteral("duplicate key"));
    constraint.sqlstate = QStringLiteral("23505");
    EXPECT_TRUE(dberror::isConnectivityFailure(lost));
    EXPECT_TRUE(dberror::isConnectivityFailure(clientDeadline));
    EXPECT_FALSE(dberror::isConnectivityFailure(serverTimeout));
    EXPECT_FALSE(dberror::isConnectivityFailure(constraint));
}

TEST(DbErrorTest, ToStringCarriesEveryField)
{
    Error error = Error::make(ErrorKind::Query, QStringLiteral("duplicate key value"));
    error.sqlstate = QStringLiteral("23505");
    error.detail = QStringLiteral("Key (slug)=(demo) already exists.");
    error.hint = QStringLiteral("pick another slug");
    const QString text = error.toString();
    EXPECT_TRUE(text.contains(QLatin1String("[23505]")));
    EXPECT_TRUE(text.contains(QLatin1String("Key (slug)=(demo)")));
    EXPECT_TRUE(text.contains(QLatin1String("pick another slug")));
}
