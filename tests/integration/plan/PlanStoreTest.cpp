// SPDX-License-Identifier: MIT
// Plans in a real database: import, re-import by stable keys, sign-off immutability and roles.
#include "PlanDatabaseTest.h"

#include "plan/PlanImporter.h"
#include "plan/PlanStore.h"

#include <QCoreApplication>
#include <QFile>

#include <gtest/gtest.h>

using namespace ops::services;
using namespace ops::services::plan;
using ops::testing::TestCluster;

namespace {

QByteArray week1()
{
    return ops::testing::PlanDatabaseTest::planFile(QStringLiteral("week1-master-plan.md"));
}

class PlanStoreTest : public ops::testing::PlanDatabaseTest {
protected:
    PlanStoreTest() : PlanDatabaseTest(QStringLiteral("plan")) {}

    qint64 importBytes(Connection& connection, const QByteArray& bytes) { return importPlan(connection, bytes); }
};

} // namespace

TEST_F(PlanStoreTest, ImportStoresTheRealStructure)
{
    const qint64 plan = importBytes(*m_admin, week1());
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.plan_days WHERE plan_id = $1"), {plan}), QStringLiteral("4"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.plan_tasks WHERE plan_id = $1 AND assignee <> ''"), {plan}), QStringLiteral("19"));
    auto checkpoints = PlanStore::checkpoints(*m_admin, plan);
    ASSERT_TRUE(checkpoints.ok());
    ASSERT_EQ(checkpoints->size(), 6);
    EXPECT_EQ((*checkpoints)[0].title, QStringLiteral("Week 1 Must-Have (P0)"));
    EXPECT_EQ((*checkpoints)[2].title, QStringLiteral("Day 1 EOD Checkpoint"));
    EXPECT_EQ((*checkpoints)[4].criteria[1].expression, QStringLiteral("success_rate(1h) > 95%"));
    // The deploy feature's gate: the first gate not signed Go, unsigned.
    EXPECT_EQ(scalar(QStringLiteral("SELECT checkpoint_title || '/' || coalesce(decision, 'null') FROM ops.promotion_gate($1)"), {m_project}),
              QStringLiteral("Day 1 EOD Checkpoint/null"));
}

TEST_F(PlanStoreTest, ReimportOfAnEditedPlanKeepsTicksDoneFlagsAndSignoffs)
{
    const qint64 plan = importBytes(*m_admin, week1());
    auto checkpoints = PlanStore::checkpoints(*m_admin, plan);
    ASSERT_TRUE(checkpoints.ok());
    const StoredCheckpoint day1 = (*checkpoints)[2];
    const StoredCheckpoint must = (*checkpoints)[0];
    // A person ticks a criterion the file leaves unchecked, unticks one the file checks, marks a
    // task done, and signs Day 1 Go.
    ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.set_criterion_checked($1, true)"), {day1.criteria[0].id}).ok());
    ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.set_criterion_checked($1, false)"), {must.criteria[0].id}).ok());
    ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.set_task_done(id, true) FROM ops.plan_tasks WHERE plan_id = $1 AND task_key = 'task-3'"), {plan}).ok());
    ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.sign_checkpoint($1, 'go', 'day 1 fine', '{}'::jsonb)"), {day1.id}).ok());
    ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.save_standup_entry($1, '2025-01-18', 'Rana', 'setup', 'pool', '')"), {m_project}).ok());
    EXPECT_EQ(scalar(QStringLiteral("SELECT checkpoint_title FROM ops.promotion_gate($1)"), {m_project}), QStringLiteral("Day 3 EOD Checkpoint"));

    // The edited file: a task renamed, a criterion reworded, a new must-have line.
    QByteArray edited = week1();
    edited.replace("**Task 3: Test Sandbox Isolation**", "**Task 3: Test Sandbox Isolation Thoroughly**");
    edited.replace("- [ ] Team trained\n", "- [ ] Team trained\n- [ ] Rollback rehearsed\n");
    edited.replace("- \xc3\xa2\xc5\x93\xe2\x80\xa6 Secrets in Vercel?", "- \xc3\xa2\xc5\x93\xe2\x80\xa6 Secrets in Vercel and rotated?");
    ASSERT_EQ(importBytes(*m_admin, edited), plan);

    EXPECT_EQ(scalar(QStringLiteral("SELECT title || '/' || done::text FROM ops.plan_tasks WHERE plan_id = $1 AND task_key = 'task-3'"), {plan}),
              QStringLiteral("Test Sandbox Isolation Thoroughly/true"));
    auto after = PlanStore::checkpoints(*m_admin, plan);
    ASSERT_TRUE(after.ok());
    ASSERT_EQ(after->size(), 6);
    const StoredCheckpoint& day1After = (*after)[2];
    EXPECT_EQ(day1After.id, day1.id);
    EXPECT_EQ(day1After.latestDecision, QStringLiteral("go"));
    EXPECT_TRUE(day1After.criteria[0].checked);
    EXPECT_FALSE(day1After.criteria[0].checkedBy.isEmpty());
    EXPECT_EQ(day1After.criteria[2].text, QStringLiteral("Secrets in Vercel and rotated?"));
    EXPECT_FALSE((*after)[0].criteria[0].checked);  // the person's untick wins over the file's [x]
    EXPECT_TRUE((*after)[0].criteria[1].checked);   // untouched: the file's [x]
    EXPECT_EQ((*after)[0].criteria.size(), 11);
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.signoffs WHERE checkpoint_id = $1"), {day1.id}), QStringLiteral("1"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT today FROM ops.standup_entries WHERE person = 'Rana'")), QStringLiteral("pool"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT checkpoint_title FROM ops.promotion_gate($1)"), {m_project}), QStringLiteral("Day 3 EOD Checkpoint"));
}

TEST_F(PlanStoreTest, ViewerAndOperatorCannotSignApproverCanAndNoRoleChangesASignoff)
{
    const qint64 plan = importBytes(*m_admin, week1());
    auto checkpoints = PlanStore::checkpoints(*m_admin, plan);
    ASSERT_TRUE(checkpoints.ok());
    const qint64 gate = (*checkpoints)[2].id;
    const QString sign = QStringLiteral("SELECT ops.sign_checkpoint($1, 'go', '', '{}'::jsonb)");

    auto viewer = loginAs(QStringLiteral("ops_viewer"));
    auto operatorRole = loginAs(QStringLiteral("ops_operator"));
    auto approver = loginAs(QStringLiteral("ops_approver"));
    auto admin = loginAs(QStringLiteral("ops_admin"));
    ASSERT_TRUE(viewer && operatorRole && approver && admin);
    for (Connection* weak : {viewer.get(), operatorRole.get()}) {
        auto refused = weak->exec(sign, {gate});
        ASSERT_FALSE(refused.ok());
        EXPECT_EQ(refused.error().sqlstate, QStringLiteral("42501"));
    }
    auto signedId = approver->exec(sign, {gate});
    ASSERT_TRUE(signedId.ok()) << signedId.error().toString().toStdString();
    EXPECT_EQ(scalar(QStringLiteral("SELECT snapshot->'criteria'->0->>'text' FROM ops.signoffs")), QStringLiteral("Sandboxing working?"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.audit_log WHERE action = 'checkpoint.signed'")), QStringLiteral("1"));

    // Every role, including the table owner (the superuser here), is refused UPDATE and DELETE.
    for (Connection* role : {viewer.get(), operatorRole.get(), approver.get(), admin.get(), m_admin.get()}) {
        auto update = role->exec(QStringLiteral("UPDATE ops.signoffs SET decision = 'no_go'"));
        ASSERT_FALSE(update.ok());
        EXPECT_EQ(update.error().sqlstate, QStringLiteral("42501"));
        auto remove = role->exec(QStringLiteral("DELETE FROM ops.signoffs"));
        ASSERT_FALSE(remove.ok());
        EXPECT_EQ(remove.error().sqlstate, QStringLiteral("42501"));
        auto truncate = role->exec(QStringLiteral("TRUNCATE ops.signoffs"));
        ASSERT_FALSE(truncate.ok());
        EXPECT_EQ(truncate.error().sqlstate, QStringLiteral("42501"));
        auto insert = role == m_admin.get() ? Result<QueryResult>(Error::make(ErrorKind::Permission, QString()))
                                            : role->exec(QStringLiteral("INSERT INTO ops.signoffs (project_id, checkpoint_id, decision, snapshot, signed_by) VALUES ($1, $2, 'go', '{}', 'x')"),
                                                         {m_project, gate});
        EXPECT_FALSE(insert.ok());
    }
    EXPECT_EQ(scalar(QStringLiteral("SELECT decision || count(*) OVER () FROM ops.signoffs")), QStringLiteral("go1"));
    // A viewer reads the sign-off (member of the project).
    auto seen = viewer->exec(QStringLiteral("SELECT count(*) FROM ops.signoffs"));
    ASSERT_TRUE(seen.ok());
    EXPECT_EQ(seen->scalar(), QStringLiteral("1"));
}
