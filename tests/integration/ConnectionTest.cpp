// SPDX-License-Identifier: MIT
#include "TestCluster.h"

#include "db/DbError.h"

#include <QTcpServer>
#include <QThread>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;

namespace {
class ConnectionTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase(TestCluster::Schema::Empty);
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_options = database.value();
        auto connection = Connection::open(m_options, std::chrono::seconds(10));
        ASSERT_TRUE(connection.ok()) << connection.error().toString().toStdString();
        m_connection = std::move(connection.value());
    }
    ConnectionOptions m_options;
    std::unique_ptr<Connection> m_connection;
};
} // namespace

TEST_F(ConnectionTest, ParametersTravelAsValuesNeverAsSql)
{
    const QString hostile = QStringLiteral("'); DROP TABLE x; --\n<b>ünïcödé</b>");
    auto echoed = m_connection->exec(QStringLiteral("SELECT $1::text, $2::bigint, $3::float8, $4::bool, $5::text IS NULL"),
                                     {hostile, qint64(9007199254740993LL), 0.1, true, std::nullopt});
    ASSERT_TRUE(echoed.ok()) << echoed.error().toString().toStdString();
    EXPECT_EQ(echoed->text(0, 0), hostile);
    EXPECT_EQ(echoed->toInt64(0, 1), 9007199254740993LL);
    EXPECT_DOUBLE_EQ(echoed->toDouble(0, 2), 0.1);
    EXPECT_TRUE(echoed->toBool(0, 3));
    EXPECT_TRUE(echoed->toBool(0, 4));
}

TEST_F(ConnectionTest, ServerErrorsCarrySqlStateDetailAndClassification)
{
    ASSERT_TRUE(m_connection->execScript(QStringLiteral("CREATE TABLE u (k text PRIMARY KEY); INSERT INTO u VALUES ('a');")).ok());
    auto duplicate = m_connection->exec(QStringLiteral("INSERT INTO u VALUES ($1)"), {QStringLiteral("a")});
    ASSERT_FALSE(duplicate.ok());
    EXPECT_EQ(duplicate.error().sqlstate, QStringLiteral("23505"));
    EXPECT_EQ(duplicate.error().kind, ErrorKind::Query);
    EXPECT_FALSE(duplicate.error().retryable);
    EXPECT_TRUE(duplicate.error().detail.contains(QLatin1String("(k)=(a)")));
    EXPECT_TRUE(m_connection->lastStatementSent());
    // The connection stays usable after a failed statement.
    EXPECT_TRUE(m_connection->exec(QStringLiteral("SELECT 1")).ok());
}

TEST_F(ConnectionTest, ClientDeadlineCancelsALongStatement)
{
    const auto started = std::chrono::steady_clock::now();
    auto slow = m_connection->exec(QStringLiteral("SELECT pg_sleep(30)"), {}, std::chrono::milliseconds(300));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(slow.ok());
    EXPECT_EQ(slow.error().kind, ErrorKind::Timeout);
    EXPECT_LT(elapsed, std::chrono::seconds(10));
    auto after = m_connection->exec(QStringLiteral("SELECT 42"));
    ASSERT_TRUE(after.ok()) << after.error().toString().toStdString();
    EXPECT_EQ(after->scalar(), QStringLiteral("42"));
}

TEST_F(ConnectionTest, TerminatedBackendIsReportedAsABrokenConnection)
{
    auto other = TestCluster::shared().connect(m_options.database());
    ASSERT_TRUE(other);
    ASSERT_TRUE(other->exec(QStringLiteral("SELECT pg_terminate_backend($1)"), {m_connection->backendPid()}).ok());
    // The goodbye message may take a moment to arrive on the socket.
    for (int i = 0; i < 50 && m_connection->pollAlive(); ++i)
        QThread::msleep(20);
    auto result = m_connection->exec(QStringLiteral("SELECT 1"));
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.error().kind, ErrorKind::Connection);
    EXPECT_TRUE(result.error().retryable);
    EXPECT_TRUE(dberror::isConnectivityFailure(result.error()));
    EXPECT_TRUE(m_connection->isBroken());
}

TEST_F(ConnectionTest, ConnectFailureNamesTheReason)
{
    auto missing = Connection::open(m_options.withDatabase(QStringLiteral("no_such_database")), std::chrono::seconds(5));
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().kind, ErrorKind::Connection);
    EXPECT_TRUE(missing.error().message.contains(QLatin1String("no_such_database")));
}

TEST_F(ConnectionTest, ConnectDeadlineHoldsAgainstAServerThatNeverAnswers)
{
    // A listening socket that accepts and then stays silent: libpq alone would wait forever.
    QTcpServer silent;
    ASSERT_TRUE(silent.listen(QHostAddress::LocalHost));
    auto options = ConnectionOptions::fromConnectionString(
        QStringLiteral("host=127.0.0.1 port=%1 dbname=x user=x").arg(silent.serverPort()));
    ASSERT_TRUE(options.ok());
    const auto started = std::chrono::steady_clock::now();
    auto connection = Connection::open(options.value(), std::chrono::milliseconds(500));
    const auto elapsed = std::chrono::steady_clock::now() - started;
    ASSERT_FALSE(connection.ok());
    EXPECT_EQ(connection.error().kind, ErrorKind::Timeout);
    EXPECT_TRUE(connection.error().retryable);
    EXPECT_LT(elapsed, std::chrono::seconds(3));
}
