// SPDX-License-Identifier: MIT
// The console through PgBouncer in transaction pool mode (the fixture in tests/support).
// Only what transaction pooling guarantees is asserted: unnamed parameterised statements, SET
// LOCAL inside a transaction, a transaction keeping its server connection, an idle server
// connection being reused by the next client. Session state (SET, LISTEN, named prepared
// statements in 1.18, session advisory locks) is not guaranteed there, which is why the console
// never relies on it and LISTEN runs on a direct connection (db/Listener.h).

#include "PgBouncer.h"
#include "TestCluster.h"

#include <QCoreApplication>

#include <gtest/gtest.h>

using namespace ops::services;
using namespace std::chrono_literals;
using ops::testing::PgBouncer;
using ops::testing::TestCluster;

namespace {

class PgBouncerTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase(TestCluster::Schema::Empty);
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_database = database->database();
        auto bouncer = PgBouncer::start(TestCluster::shared().server().socketDirectory());
        ASSERT_TRUE(bouncer.ok()) << bouncer.error().toString().toStdString() << "\n"
                                  << bouncer.error().detail.toStdString();
        m_bouncer = std::move(bouncer.value());
    }

    std::unique_ptr<Connection> openThroughBouncer(const QString& user = QStringLiteral("postgres"))
    {
        auto connection = Connection::open(m_bouncer->options(m_database, user), 10s);
        EXPECT_TRUE(connection.ok()) << connection.error().toString().toStdString() << "\n"
                                     << m_bouncer->logTail().toStdString();
        return connection.ok() ? std::move(connection.value()) : nullptr;
    }

    static int backendPid(Connection& connection)
    {
        auto pid = connection.exec(QStringLiteral("SELECT pg_backend_pid()"));
        EXPECT_TRUE(pid.ok()) << pid.error().toString().toStdString();
        return pid.ok() ? int(pid->toInt64(0, 0)) : -1;
    }

    QString m_database;
    std::unique_ptr<PgBouncer> m_bouncer;
};

} // namespace

TEST_F(PgBouncerTest, ListensOnLoopbackTcpAndForwardsToTheServersSocket)
{
    EXPECT_GT(m_bouncer->port(), 0);
    EXPECT_GT(m_bouncer->pid(), 0);
    auto connection = openThroughBouncer();
    ASSERT_TRUE(connection);
    auto where = connection->exec(QStringLiteral("SELECT current_database(), current_user, inet_server_port() IS NULL, "
                                                 "current_setting('application_name')"));
    ASSERT_TRUE(where.ok()) << where.error().toString().toStdString();
    EXPECT_EQ(where->text(0, 0), m_database);
    EXPECT_EQ(where->text(0, 1), QStringLiteral("postgres"));
    EXPECT_TRUE(where->toBool(0, 2));  // pgbouncer reached the server over its Unix socket
    // 1.18 forwards application_name itself (it is also in ignore_startup_parameters, harmlessly).
    EXPECT_EQ(where->text(0, 3), QStringLiteral("ops-console"));
}

TEST_F(PgBouncerTest, UnnamedParameterisedStatementsWorkRepeatedlyAcrossClients)
{
    auto first = openThroughBouncer();
    auto second = openThroughBouncer();
    ASSERT_TRUE(first && second);
    ASSERT_TRUE(first->exec(QStringLiteral("CREATE TABLE items (id int PRIMARY KEY, label text NOT NULL)")).ok());

    const QString hostile = QStringLiteral("'); DROP TABLE items; --\n<b>ünïcödé</b>");
    for (int i = 0; i < 100; ++i) {
        // Alternate clients and statement shapes so the same server connection sees them interleaved.
        Connection& client = i % 2 ? *second : *first;
        auto inserted = client.exec(QStringLiteral("INSERT INTO items (id, label) VALUES ($1::int, $2::text || $1::int::text)"),
                                    {i, hostile});
        ASSERT_TRUE(inserted.ok()) << i << ": " << inserted.error().toString().toStdString();
        EXPECT_EQ(inserted->affectedRows(), 1);
        auto echoed = client.exec(QStringLiteral("SELECT $1::int * 2, $2::text, $3::text IS NULL"), {i, hostile, std::nullopt});
        ASSERT_TRUE(echoed.ok()) << i << ": " << echoed.error().toString().toStdString();
        EXPECT_EQ(echoed->toInt64(0, 0), 2 * i);
        EXPECT_EQ(echoed->text(0, 1), hostile);
        EXPECT_TRUE(echoed->toBool(0, 2));
    }
    // A failed statement releases the server connection cleanly; the next one works.
    auto failed = first->exec(QStringLiteral("SELECT 1 / $1::int"), {0});
    ASSERT_FALSE(failed.ok());
    EXPECT_EQ(failed.error().sqlstate, QStringLiteral("22012"));
    auto counted = second->exec(QStringLiteral("SELECT count(*) FROM items WHERE label = $1 || id::text"), {hostile});
    ASSERT_TRUE(counted.ok()) << counted.error().toString().toStdString();
    EXPECT_EQ(counted->toInt64(0, 0), 100);
}

TEST_F(PgBouncerTest, TransactionPoolingLendsOneIdleServerConnectionToTheNextClient)
{
    // Both clients stay connected. In session mode the second would need a server connection of
    // its own; in transaction mode the first one's connection is idle between its transactions,
    // and pgbouncer reuses an idle server connection before it opens another.
    auto first = openThroughBouncer();
    auto second = openThroughBouncer();
    ASSERT_TRUE(first && second);
    const int pid = backendPid(*first);
    EXPECT_EQ(backendPid(*second), pid);
    EXPECT_EQ(backendPid(*first), pid);
    EXPECT_NE(pid, first->backendPid());  // the pid libpq saw at login is pgbouncer's, not a backend's
}

TEST_F(PgBouncerTest, AnOpenTransactionKeepsItsServerConnection)
{
    auto first = openThroughBouncer();
    auto second = openThroughBouncer();
    ASSERT_TRUE(first && second);
    ASSERT_TRUE(first->exec(QStringLiteral("BEGIN")).ok());
    const int inTransaction = backendPid(*first);
    EXPECT_EQ(first->transactionStatus(), PQTRANS_INTRANS);
    // The server connection is linked to the first client until COMMIT: the second gets another.
    EXPECT_NE(backendPid(*second), inTransaction);
    EXPECT_EQ(backendPid(*first), inTransaction);
    ASSERT_TRUE(first->exec(QStringLiteral("COMMIT")).ok());
    EXPECT_EQ(first->transactionStatus(), PQTRANS_IDLE);
}

TEST_F(PgBouncerTest, SetLocalInsideATransactionWorks)
{
    auto connection = openThroughBouncer();
    ASSERT_TRUE(connection);
    ASSERT_TRUE(connection->exec(QStringLiteral("BEGIN")).ok());
    // What the pool does for a server-side statement timeout: set_config(..., is_local => true).
    ASSERT_TRUE(connection->exec(QStringLiteral("SELECT set_config('statement_timeout', $1, true)"), {QStringLiteral("1234ms")}).ok());
    auto inside = connection->exec(QStringLiteral("SELECT current_setting('statement_timeout')"));
    ASSERT_TRUE(inside.ok());
    EXPECT_EQ(inside->scalar(), QStringLiteral("1234ms"));
    auto timedOut = connection->exec(QStringLiteral("SELECT pg_sleep(5)"));
    ASSERT_FALSE(timedOut.ok());
    EXPECT_EQ(timedOut.error().sqlstate, QStringLiteral("57014"));
    ASSERT_TRUE(connection->exec(QStringLiteral("ROLLBACK")).ok());

    // SET LOCAL ends with its transaction, whichever server connection runs the next one.
    ASSERT_TRUE(connection->exec(QStringLiteral("BEGIN")).ok());
    ASSERT_TRUE(connection->exec(QStringLiteral("SET LOCAL statement_timeout = '2s'")).ok());
    auto second = connection->exec(QStringLiteral("SHOW statement_timeout"));
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(second->scalar(), QStringLiteral("2s"));
    ASSERT_TRUE(connection->exec(QStringLiteral("COMMIT")).ok());
    auto after = connection->exec(QStringLiteral("SHOW statement_timeout"));
    ASSERT_TRUE(after.ok());
    EXPECT_EQ(after->scalar(), QStringLiteral("0"));
}

TEST_F(PgBouncerTest, OnlyUsersInTheAuthFileAreAdmitted)
{
    static int counter = 0;
    const QString role = QStringLiteral("ops_bouncer_%1_%2").arg(QCoreApplication::applicationPid()).arg(++counter);
    auto admin = TestCluster::shared().connect(QStringLiteral("postgres"));
    ASSERT_TRUE(admin);
    auto statement = admin->exec(QStringLiteral("SELECT format('CREATE ROLE %I LOGIN', $1::text)"), {role});
    ASSERT_TRUE(statement.ok());
    ASSERT_TRUE(admin->execScript(statement->scalar()).ok());

    auto refused = Connection::open(m_bouncer->options(m_database, role), 10s);
    ASSERT_FALSE(refused.ok());
    EXPECT_TRUE(refused.error().message.contains(QLatin1String("authentication failed")))
        << refused.error().toString().toStdString();

    auto added = m_bouncer->addUser(role);
    ASSERT_TRUE(added.ok()) << added.error().toString().toStdString();
    {
        auto admitted = openThroughBouncer(role);
        ASSERT_TRUE(admitted);
        auto who = admitted->exec(QStringLiteral("SELECT current_user"));
        ASSERT_TRUE(who.ok()) << who.error().toString().toStdString();
        EXPECT_EQ(who->scalar(), role);
    }
    // Close pgbouncer's server connections for the role before dropping it.
    m_bouncer.reset();
    auto drop = admin->exec(QStringLiteral("SELECT format('DROP ROLE %I', $1::text)"), {role});
    ASSERT_TRUE(drop.ok());
    EXPECT_TRUE(admin->execScript(drop->scalar()).ok());
}
