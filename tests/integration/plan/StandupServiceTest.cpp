// SPDX-License-Identifier: MIT
// Standup entries and blockers with escalation clocks on a real database.
#include "PlanDatabaseTest.h"

#include "plan/PlanImporter.h"
#include "plan/PlanStore.h"
#include "plan/StandupService.h"

#include <QCoreApplication>

#include <gtest/gtest.h>

using namespace ops::services;
using namespace ops::services::plan;
using ops::testing::TestCluster;

namespace {

class StandupServiceTest : public ops::testing::PlanDatabaseTest {
protected:
    StandupServiceTest() : PlanDatabaseTest(QStringLiteral("su")) {}
};

} // namespace

TEST_F(StandupServiceTest, EntriesAreUpsertedPerPersonAndDay)
{
    auto operatorRole = loginAs(QStringLiteral("ops_operator"));
    const QDate date(2025, 1, 19);
    ASSERT_TRUE(StandupService::saveEntry(*operatorRole, m_project, date, {QStringLiteral("Rana"), QStringLiteral("sandbox"), QStringLiteral("pool"), QString(), {}, {}}).ok());
    ASSERT_TRUE(StandupService::saveEntry(*operatorRole, m_project, date, {QStringLiteral("Rana"), QStringLiteral("sandbox"), QStringLiteral("routes"), QStringLiteral("none"), {}, {}}).ok());
    auto entries = StandupService::entries(*operatorRole, m_project, date);
    ASSERT_TRUE(entries.ok());
    ASSERT_EQ(entries->size(), 1);
    EXPECT_EQ((*entries)[0].today, QStringLiteral("routes"));
    auto viewer = loginAs(QStringLiteral("ops_viewer"));
    auto refused = StandupService::saveEntry(*viewer, m_project, date, {QStringLiteral("Claire"), {}, {}, {}, {}, {}});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::Permission);
}

TEST_F(StandupServiceTest, BlockersUseThePlansResponseTimesGoOverdueAndRecordWhoResolved)
{
    // The plan's escalation protocol: P0 15 min, P1 2 h, P2 4 h.
    const char* plan = "# P\n\n## Days\n\n### Day 1: x\n\n**Task 1: t** (1h)\n- Assignee: **A**\n\n"
                       "## Escalation Protocol\n\n**P0 - Critical:**\n- Call if no response in 10 minutes\n\n"
                       "**P1 - High (response within 3 hours):**\n- Post\n";
    const ImportResult imported = PlanImporter().import(QByteArray(plan), QStringLiteral("p.md"));
    ASSERT_TRUE(PlanStore::save(*m_admin, m_project, imported.plan).ok());
    auto operatorRole = loginAs(QStringLiteral("ops_operator"));
    const QDate today = QDate::currentDate();
    auto p0 = StandupService::raiseBlocker(*operatorRole, m_project, today, QStringLiteral("Rana"), QStringLiteral("pooler down"), QStringLiteral("P0"));
    auto p2 = StandupService::raiseBlocker(*operatorRole, m_project, today, QStringLiteral("Claire"), QStringLiteral("docs"), QStringLiteral("P2"));
    ASSERT_TRUE(p0.ok() && p2.ok());
    EXPECT_FALSE(StandupService::raiseBlocker(*operatorRole, m_project, today, QString(), QStringLiteral("x"), QStringLiteral("P9")).ok());

    const QDateTime in11Minutes = QDateTime::currentDateTimeUtc().addSecs(11 * 60);
    auto list = StandupService::blockers(*operatorRole, m_project, today, in11Minutes);
    ASSERT_TRUE(list.ok());
    ASSERT_EQ(list->size(), 2);
    EXPECT_EQ((*list)[0].priority, QStringLiteral("P0"));
    EXPECT_EQ((*list)[0].responseMinutes, 10);   // from the plan
    EXPECT_TRUE((*list)[0].overdue);
    EXPECT_EQ((*list)[1].responseMinutes, 240);  // the default: the plan gives no P2 time
    EXPECT_FALSE((*list)[1].overdue);

    ASSERT_TRUE(StandupService::resolveBlocker(*operatorRole, *p0, QStringLiteral("pooler restarted")).ok());
    list = StandupService::blockers(*operatorRole, m_project, today, in11Minutes);
    ASSERT_TRUE(list.ok());
    const Blocker& resolved = (*list)[1];
    EXPECT_EQ(resolved.id, *p0);
    EXPECT_TRUE(resolved.resolvedBy.startsWith(QStringLiteral("su_")));
    EXPECT_TRUE(resolved.resolvedAt.isValid());
    EXPECT_FALSE(resolved.overdue);  // resolved blockers are never overdue
}
