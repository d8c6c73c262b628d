// SPDX-License-Identifier: MIT
// Production readiness: the must-have share for day-by-day plans, phase readiness weighted by
// phase duration for phase plans, one stored snapshot per plan and day, and its trend; the demo
// plans imported once into an empty project.
#include "PlanDatabaseTest.h"

#include "plan/DemoPlans.h"
#include "plan/StandupService.h"

#include <gtest/gtest.h>

using namespace ops::services;
using namespace ops::services::plan;

namespace {

class ReadinessTest : public ops::testing::PlanDatabaseTest {
protected:
    ReadinessTest() : PlanDatabaseTest(QStringLiteral("ready")) {}
};

} // namespace

TEST_F(ReadinessTest, MustHaveShareIsStoredDailyAndTicksMoveTodaysSnapshot)
{
    const qint64 plan = importPlan(*m_admin, planFile(QStringLiteral("week1-master-plan.md")));
    const QString met = scalar(QStringLiteral(
        "SELECT count(*) FILTER (WHERE k.checked) || '/' || count(*) FROM ops.checkpoint_criteria k "
        "JOIN ops.checkpoints c ON c.id = k.checkpoint_id WHERE c.plan_id = $1 AND c.category = 'must_have'"), {plan});
    EXPECT_EQ(scalar(QStringLiteral("SELECT met || '/' || total FROM ops.readiness_score($1)"), {plan}), met);
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.readiness_snapshots WHERE plan_id = $1"), {plan}), QStringLiteral("1"));
    const double before = scalar(QStringLiteral("SELECT score FROM ops.readiness_snapshots WHERE plan_id = $1"), {plan}).toDouble();

    // A person ticks an unchecked must-have: today's snapshot (still one row) goes up.
    ASSERT_TRUE(m_admin->exec(QStringLiteral(
        "SELECT ops.set_criterion_checked(k.id, true) FROM ops.checkpoint_criteria k JOIN ops.checkpoints c ON c.id = k.checkpoint_id "
        "WHERE c.plan_id = $1 AND c.category = 'must_have' AND NOT k.checked ORDER BY k.ordinal LIMIT 1"), {plan}).ok());
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.readiness_snapshots WHERE plan_id = $1"), {plan}), QStringLiteral("1"));
    const double after = scalar(QStringLiteral("SELECT score FROM ops.readiness_snapshots WHERE plan_id = $1"), {plan}).toDouble();
    const int total = met.section(QLatin1Char('/'), 1).toInt();
    EXPECT_NEAR(after - before, 100.0 / total, 1e-9);

    // Yesterday's snapshot and today's make the trend (oldest first) the Standup tab shows.
    ASSERT_TRUE(m_admin->exec(QStringLiteral(
        "INSERT INTO ops.readiness_snapshots (project_id, plan_id, snapshot_date, score, met, total) "
        "VALUES ($1, $2, (now() AT TIME ZONE 'UTC')::date - 1, 10, 1, 10)"), {m_project, plan}).ok());
    const QDate today = QDateTime::currentDateTimeUtc().date();
    auto trend = StandupService::readinessTrend(*m_admin, plan, today, 14);
    ASSERT_TRUE(trend.ok()) << trend.error().toString().toStdString();
    ASSERT_EQ(trend->size(), 2);
    EXPECT_EQ((*trend)[0].date, today.addDays(-1));
    EXPECT_DOUBLE_EQ((*trend)[0].score, 10.0);
    EXPECT_NEAR((*trend)[1].score, after, 1e-9);
    auto day = StandupService::loadDay(*m_admin, m_project, today);
    ASSERT_TRUE(day.ok());
    EXPECT_FALSE(day->phaseBased);
    EXPECT_EQ(day->readinessTrend.size(), 2);
    EXPECT_EQ(day->readinessMet, met.section(QLatin1Char('/'), 0, 0).toInt() + 1);

    // Only members read snapshots; nobody writes them directly.
    auto viewer = loginAs(QStringLiteral("ops_viewer"));
    EXPECT_EQ(viewer->exec(QStringLiteral("SELECT count(*) FROM ops.readiness_snapshots"))->scalar(), QStringLiteral("2"));
    auto operatorRole = loginAs(QStringLiteral("ops_operator"));
    auto write = operatorRole->exec(QStringLiteral("UPDATE ops.readiness_snapshots SET score = 100"));
    ASSERT_FALSE(write.ok());
    EXPECT_EQ(write.error().sqlstate, QStringLiteral("42501"));
}

TEST_F(ReadinessTest, PhasePlanWeighsEachPhasesReadinessByItsDuration)
{
    const qint64 plan = importPlan(*m_admin, planFile(QStringLiteral("week2-phase-rollout.md")), QStringLiteral("week2-phase-rollout.md"));
    // Phases of 2, 3 and 1 days at 100%, 60% and 20%: (200 + 180 + 20) / 6.
    auto score = m_admin->exec(QStringLiteral("SELECT score, met, total, details FROM ops.readiness_score($1)"), {plan});
    ASSERT_TRUE(score.ok());
    EXPECT_NEAR(score->toDouble(0, 0), 400.0 / 6.0, 1e-9);
    EXPECT_EQ(score->text(0, 1), QStringLiteral("1"));
    EXPECT_EQ(score->text(0, 2), QStringLiteral("3"));
    // A phase without a readiness line counts its tasks done instead; an explicit weight wins.
    ASSERT_TRUE(m_admin->exec(QStringLiteral(
        "UPDATE ops.plan_days SET details = details - 'readiness' || '{\"weight\": \"4\"}' WHERE plan_id = $1 AND day_from = 3"), {plan}).ok());
    // Phase 3 has 2 tasks, none done: (200 + 180 + 4 * 0) / 9.
    EXPECT_NEAR(scalar(QStringLiteral("SELECT score FROM ops.readiness_snapshots WHERE plan_id = $1"), {plan}).toDouble(), 380.0 / 9.0, 1e-9);
    auto day = StandupService::loadDay(*m_admin, m_project, QDate::currentDate());
    ASSERT_TRUE(day.ok());
    EXPECT_TRUE(day->phaseBased);
    EXPECT_NEAR(day->readiness, 380.0 / 9.0, 1e-9);
    EXPECT_TRUE(StandupService::progressMarkdown(*day, QDate::currentDate()).contains(QStringLiteral("Readiness: 42% (1 of 3 phases complete)")));
}

TEST_F(ReadinessTest, DemoPlansAreImportedOnceIntoAnEmptyProject)
{
    auto first = DemoPlans::importIfNone(*m_admin, m_project);
    ASSERT_TRUE(first.ok()) << first.error().toString().toStdString();
    EXPECT_EQ(*first, 2);
    auto second = DemoPlans::importIfNone(*m_admin, m_project);
    ASSERT_TRUE(second.ok());
    EXPECT_EQ(*second, 0);
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.plans WHERE project_id = $1"), {m_project}), QStringLiteral("2"));
    // The phase plan is current: it has no dates, so today is its day 1 and the tab has tasks.
    auto day = StandupService::loadDay(*m_admin, m_project, QDate::currentDate());
    ASSERT_TRUE(day.ok());
    EXPECT_TRUE(day->phaseBased);
    EXPECT_EQ(day->dayNumber, 1);
    EXPECT_EQ(day->tasks.size(), 2);
    EXPECT_TRUE(day->nextGate.has_value());
    // No team section: the standup rows are the people tasks are assigned to.
    EXPECT_EQ(day->team, QStringList({QStringLiteral("Claire"), QStringLiteral("Rana")}));
}
