// SPDX-License-Identifier: MIT
// The audit chain: intact after real appends; an edit made by the table owner with the
// append-only trigger disabled, a deleted row, and a deleted tail are each reported at the right row.
#include "TestCluster.h"

#include "db/Pool.h"
#include "deploy/AuditVerifier.h"

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;

namespace {

class AuditVerifierTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_admin = TestCluster::shared().connect(database->database());
        ASSERT_TRUE(m_admin);
        PoolConfig config;
        config.connection = database.value();
        config.direct = config.connection;
        config.maxSize = 2;
        m_pool = std::make_unique<Pool>(config);
        for (int i = 1; i <= 7; ++i)
            ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.append_audit(1, 'test.event', $1, jsonb_build_object('n', $2::int))"),
                                      {QStringLiteral("event %1").arg(i), i}).ok());
    }

    // What the owner (or a superuser) can do behind the functions' back.
    void asOwner(const QString& statement)
    {
        ASSERT_TRUE(m_admin->execScript(QStringLiteral("ALTER TABLE ops.audit_log DISABLE TRIGGER audit_log_append_only; ")
                                        + statement
                                        + QStringLiteral("; ALTER TABLE ops.audit_log ENABLE TRIGGER audit_log_append_only;")).ok());
    }

    std::unique_ptr<Connection> m_admin;
    std::unique_ptr<Pool> m_pool;
};

} // namespace

TEST_F(AuditVerifierTest, IntactChainVerifiesAcrossPages)
{
    auto result = AuditVerifier::verify(*m_pool, 3);
    ASSERT_TRUE(result.ok()) << result.error().toString().toStdString();
    EXPECT_TRUE(result->intact) << result->problem.toStdString();
    EXPECT_EQ(result->rowsChecked, 7);
}

TEST_F(AuditVerifierTest, UpdateIsRefusedEvenForTheOwnerWhileTheTriggerIsOn)
{
    auto update = m_admin->exec(QStringLiteral("UPDATE ops.audit_log SET subject = 'x' WHERE id = 3"));
    EXPECT_FALSE(update.ok());
}

TEST_F(AuditVerifierTest, EditedRowIsTheFirstBrokenLink)
{
    asOwner(QStringLiteral("UPDATE ops.audit_log SET details = '{\"n\": 99}' WHERE id = 4"));
    auto result = AuditVerifier::verify(*m_pool, 3);
    ASSERT_TRUE(result.ok());
    EXPECT_FALSE(result->intact);
    EXPECT_EQ(result->brokenAtId, 4);
    EXPECT_NE(result->problem.indexOf(QStringLiteral("changed")), -1) << result->problem.toStdString();
}

TEST_F(AuditVerifierTest, DeletedRowBreaksTheNextLink)
{
    asOwner(QStringLiteral("DELETE FROM ops.audit_log WHERE id = 5"));
    auto result = AuditVerifier::verify(*m_pool);
    ASSERT_TRUE(result.ok());
    EXPECT_FALSE(result->intact);
    EXPECT_EQ(result->brokenAtId, 6);
}

TEST_F(AuditVerifierTest, DeletedTailIsFoundThroughTheHead)
{
    asOwner(QStringLiteral("DELETE FROM ops.audit_log WHERE id = 7"));
    auto result = AuditVerifier::verify(*m_pool);
    ASSERT_TRUE(result.ok());
    EXPECT_FALSE(result->intact);
    EXPECT_EQ(result->brokenAtId, 7);
}

// A long chain reports its progress page by page, and Cancel stops it at the next page boundary
// with "cancelled", never with a verdict about rows it did not read.
TEST_F(AuditVerifierTest, ReportsProgressPerPageAndStopsAtThePageAfterCancel)
{
    const auto total = m_admin->exec(QStringLiteral("SELECT count(*) FROM ops.audit_log"));
    ASSERT_TRUE(total.ok());
    ASSERT_GE(total->toInt64(0, 0), 7);

    QList<qint64> seen;
    auto whole = AuditVerifier::verify(*m_pool, 3, nullptr, [&](qint64 rows) { seen << rows; });
    ASSERT_TRUE(whole.ok());
    EXPECT_FALSE(whole->cancelled);
    EXPECT_TRUE(whole->intact);
    ASSERT_GE(seen.size(), 3);
    EXPECT_EQ(seen.first(), 3);
    EXPECT_EQ(seen.last(), total->toInt64(0, 0));

    // Cancelled before it starts: nothing read, nothing claimed.
    std::atomic<bool> cancel{true};
    auto none = AuditVerifier::verify(*m_pool, 3, &cancel);
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->cancelled);
    EXPECT_EQ(none->rowsChecked, 0);

    // Cancelled while the first page is being checked: it stops before the second page.
    cancel = false;
    auto partial = AuditVerifier::verify(*m_pool, 3, &cancel, [&](qint64) { cancel = true; });
    ASSERT_TRUE(partial.ok());
    EXPECT_TRUE(partial->cancelled);
    EXPECT_EQ(partial->rowsChecked, 3);
}
