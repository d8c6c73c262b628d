// SPDX-License-Identifier: MIT
// The Markdown plan importer against the team's real week-1 plan, a phase-based plan, and inputs
// that are not plans at all.
#include "plan/CriterionBinding.h"
#include "plan/PlanImporter.h"
#include "plan/TextRepair.h"

#include <QFile>
#include <QRandomGenerator>

#include <gtest/gtest.h>

using namespace ops::services::plan;

namespace {

QByteArray readFile(const QString& path)
{
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << path.toStdString();
    return file.readAll();
}

ImportResult importWeek1()
{
    return PlanImporter().import(readFile(QStringLiteral(OPS_TEST_DATA "/plans/week1-master-plan.md")),
                                 QStringLiteral("week1-master-plan.md"));
}

const PlanCheckpoint* findCheckpoint(const Plan& plan, const QString& title)
{
    for (const PlanCheckpoint& checkpoint : plan.checkpoints)
        if (checkpoint.title == title)
            return &checkpoint;
    return nullptr;
}

} // namespace

TEST(PlanImporterTest, Week1PlanHasItsFourDayBlocksAndNineteenAssignedTasks)
{
    const ImportResult result = importWeek1();
    const Plan& plan = result.plan;
    EXPECT_TRUE(result.report.usable);
    EXPECT_EQ(plan.shape, QStringLiteral("day_by_day"));
    EXPECT_EQ(plan.key, QStringLiteral("week1-master-plan"));
    EXPECT_EQ(plan.title, QStringLiteral("Week 1 Master Plan - Production Hardening + Security Sandboxing"));
    ASSERT_EQ(plan.days.size(), 4);
    EXPECT_EQ(plan.days[0].key, QStringLiteral("day-1"));
    EXPECT_EQ(plan.days[1].key, QStringLiteral("day-2-3"));
    EXPECT_EQ(plan.days[1].from, 2);
    EXPECT_EQ(plan.days[1].to, 3);
    EXPECT_EQ(plan.days[1].title, QStringLiteral("Connection Pool Implementation"));
    EXPECT_EQ(plan.days[3].to, 5);
    EXPECT_EQ(plan.days[0].tasks.size(), 6);
    EXPECT_EQ(plan.days[1].tasks.size(), 4);
    EXPECT_EQ(plan.days[2].tasks.size(), 4);
    EXPECT_EQ(plan.days[3].tasks.size(), 5);
    EXPECT_EQ(plan.taskCount(), 19);
    EXPECT_EQ(plan.tasksWithAssignee(), 19);
    EXPECT_EQ(plan.days[0].deliverables.size(), 4);
    EXPECT_EQ(plan.days[0].deliverables[0], QStringLiteral("Sandboxing enabled and tested"));

    const PlanTask& first = plan.days[0].tasks[0];
    EXPECT_EQ(first.number, 1);
    EXPECT_EQ(first.key, QStringLiteral("task-1"));
    EXPECT_EQ(first.title, QStringLiteral("Enable Sandboxing"));
    EXPECT_EQ(first.estimate, QStringLiteral("30 minutes"));
    EXPECT_EQ(first.assignee, QStringLiteral("Rana"));
    ASSERT_EQ(first.steps.size(), 4);
    EXPECT_EQ(first.steps[0], QStringLiteral("Run /sandbox in Claude Code"));
    const PlanTask& training = plan.days[3].tasks[1];
    EXPECT_EQ(training.number, 16);
    EXPECT_EQ(training.assignee, QStringLiteral("Rana + Claire"));
    int claire = 0;
    for (const PlanDay& day : plan.days)
        for (const PlanTask& task : day.tasks)
            claire += task.assignee == QStringLiteral("Claire") ? 1 : 0;
    EXPECT_EQ(claire, 3);  // tasks 10, 14 and 19
}

TEST(PlanImporterTest, Week1CheckpointsCriteriaAndMustHaveStates)
{
    const Plan plan = importWeek1().plan;
    QStringList gates;
    for (const PlanCheckpoint& checkpoint : plan.checkpoints)
        if (checkpoint.kind == QStringLiteral("gate"))
            gates << checkpoint.title;
    EXPECT_EQ(gates, (QStringList{QStringLiteral("Day 1 EOD Checkpoint"), QStringLiteral("Day 3 EOD Checkpoint"),
                                  QStringLiteral("Day 4 EOD Checkpoint"), QStringLiteral("Day 5 2pm Checkpoint")}));
    EXPECT_EQ(plan.criterionCount(QStringLiteral("gate")), 12);
    const PlanCheckpoint* day4 = findCheckpoint(plan, QStringLiteral("Day 4 EOD Checkpoint"));
    ASSERT_NE(day4, nullptr);
    ASSERT_EQ(day4->criteria.size(), 3);
    EXPECT_EQ(day4->criteria[0].text, QStringLiteral("All tests passing?"));
    EXPECT_EQ(day4->criteria[0].expression, QString());
    EXPECT_EQ(day4->criteria[1].expression, QStringLiteral("success_rate(1h) > 95%"));
    EXPECT_EQ(day4->criteria[2].expression, QStringLiteral("p95_latency(15m) < 200ms"));
    EXPECT_EQ(day4->decision, QStringLiteral("Deploy to staging or troubleshoot?"));

    const PlanCheckpoint* must = findCheckpoint(plan, QStringLiteral("Week 1 Must-Have (P0)"));
    ASSERT_NE(must, nullptr);
    EXPECT_EQ(must->kind, QStringLiteral("list"));
    EXPECT_EQ(must->category, QStringLiteral("must_have"));
    ASSERT_EQ(must->criteria.size(), 10);
    int checked = 0;
    for (const PlanCriterion& criterion : must->criteria)
        checked += criterion.checked ? 1 : 0;
    EXPECT_EQ(checked, 2);
    EXPECT_TRUE(must->criteria[0].checked);
    EXPECT_EQ(must->criteria[0].text, QStringLiteral("Sandboxing enabled and tested"));
    EXPECT_FALSE(must->criteria[2].checked);
    EXPECT_EQ(must->criteria[5].expression, QStringLiteral("success_rate(1h) > 95%"));
    EXPECT_EQ(must->criteria[6].expression, QStringLiteral("mean_latency(15m) < 200ms"));
    EXPECT_EQ(must->criteria[7].expression, QStringLiteral("circuit_state == CLOSED"));

    const PlanCheckpoint* nice = findCheckpoint(plan, QStringLiteral("Week 1 Nice-to-Have (P1)"));
    ASSERT_NE(nice, nullptr);
    EXPECT_EQ(nice->criteria.size(), 5);
}

TEST(PlanImporterTest, Week1RisksTeamEscalationAndObjectives)
{
    const ImportResult result = importWeek1();
    const Plan& plan = result.plan;
    ASSERT_EQ(plan.riskList.size(), 4);
    EXPECT_EQ(plan.riskList[2].value(QStringLiteral("probability")).toString(), QStringLiteral("Medium"));
    EXPECT_EQ(plan.riskList[2].value(QStringLiteral("impact")).toString(), QStringLiteral("Critical"));
    EXPECT_EQ(plan.riskList[0].value(QStringLiteral("mitigation")).toArray().size(), 4);
    EXPECT_TRUE(plan.riskList[3].value(QStringLiteral("rollback_commands")).toString().contains(QStringLiteral("vercel rollback")));
    ASSERT_EQ(plan.team.size(), 2);
    EXPECT_EQ(plan.team[0].value(QStringLiteral("name")).toString(), QStringLiteral("Rana"));
    EXPECT_EQ(plan.team[1].value(QStringLiteral("role")).toString(), QStringLiteral("Frontend Engineer"));
    ASSERT_EQ(plan.escalation.size(), 3);
    EXPECT_EQ(plan.escalation[0].priority, QStringLiteral("P0"));
    EXPECT_EQ(plan.escalation[0].responseMinutes, 15);
    EXPECT_EQ(plan.escalation[1].responseMinutes, 120);
    EXPECT_EQ(plan.escalation[2].responseMinutes, 240);
    EXPECT_EQ(plan.objectives.size(), 5);
    EXPECT_EQ(plan.objectives[0], QStringLiteral("Database Connection Pooling - 60-80% latency reduction"));
    EXPECT_EQ(plan.metrics.size(), 6);  // header + 5 rows
    EXPECT_TRUE(result.report.unrecognised.contains(QStringLiteral("BUDGET BREAKDOWN")));
    EXPECT_TRUE(plan.notes.contains(QStringLiteral("BUDGET BREAKDOWN / Time Investment")));
    // The shared file's emoji were saved as Windows-1252 mojibake; the importer repaired them.
    EXPECT_TRUE(result.report.toText().contains(QStringLiteral("Windows-1252")));
}

TEST(PlanImporterTest, PhasePlanImportsPhasesTasksCriteriaReadinessAndBlockers)
{
    const ImportResult result = PlanImporter().import(readFile(QStringLiteral(OPS_TEST_DATA "/plans/week2-phase-rollout.md")),
                                                      QStringLiteral("week2-phase-rollout.md"));
    const Plan& plan = result.plan;
    EXPECT_TRUE(result.report.usable);
    EXPECT_EQ(plan.shape, QStringLiteral("phase_based"));
    ASSERT_EQ(plan.days.size(), 3);
    EXPECT_EQ(plan.days[1].key, QStringLiteral("phase-2"));
    EXPECT_EQ(plan.days[1].details.value(QStringLiteral("risk")).toString(), QStringLiteral("Medium"));
    EXPECT_EQ(plan.days[1].details.value(QStringLiteral("duration")).toString(), QStringLiteral("3 days"));
    EXPECT_EQ(plan.days[1].details.value(QStringLiteral("readiness")).toDouble(), 60.0);
    EXPECT_TRUE(plan.days[1].details.value(QStringLiteral("rollback")).toString().contains(QStringLiteral("vercel rollback")));
    EXPECT_EQ(plan.taskCount(), 6);
    EXPECT_EQ(plan.tasksWithAssignee(), 6);
    const PlanTask& canary = plan.days[1].tasks[0];
    EXPECT_EQ(canary.key, QStringLiteral("phase-2/task-2-1"));
    EXPECT_EQ(canary.assignee, QStringLiteral("Rana"));
    EXPECT_TRUE(canary.done);
    ASSERT_EQ(canary.steps.size(), 2);
    EXPECT_FALSE(plan.days[1].tasks[1].done);
    ASSERT_EQ(plan.checkpoints.size(), 3);
    EXPECT_EQ(plan.checkpoints[1].criteria.size(), 3);
    EXPECT_EQ(plan.checkpoints[1].criteria[1].expression, QStringLiteral("uptime(24h) >= 99.9%"));
    EXPECT_EQ(plan.checkpoints[2].criteria[0].expression, QStringLiteral("health_status == healthy"));
    EXPECT_TRUE(plan.checkpoints[0].criteria[0].checked);
    EXPECT_EQ(plan.blockers.size(), 2);
    EXPECT_TRUE(result.report.unrecognised.contains(QStringLiteral("Retrospective Notes")));
}

TEST(PlanImporterTest, EmptyBinaryMalformedAndHugeInputsReportWithoutCrashing)
{
    PlanImporter importer;
    auto empty = importer.import(QByteArray(), QStringLiteral("empty.md"));
    EXPECT_FALSE(empty.report.usable);
    EXPECT_TRUE(empty.report.toText().contains(QStringLiteral("empty")));

    QByteArray binary(4096, '\0');
    for (qsizetype i = 0; i < binary.size(); ++i)
        binary[i] = char(QRandomGenerator::global()->bounded(256));
    binary[10] = '\0';
    auto bin = importer.import(binary, QStringLiteral("image.png"));
    EXPECT_FALSE(bin.report.usable);
    EXPECT_TRUE(bin.report.toText().contains(QStringLiteral("binary")));

    const QByteArray malformed = "### Day x: \n**Task : **\n- [x\n|a|b\n|-|\n```\nunterminated\n## GO/NO-GO\n- Decision:\n\xff\xfe broken";
    auto bad = importer.import(malformed, QStringLiteral("bad.md"));
    EXPECT_FALSE(bad.report.usable);
    EXPECT_TRUE(bad.report.toText().contains(QStringLiteral("UTF-8")));

    // 10 MB: the real plan's day section repeated; must stay linear and keep unique keys.
    const QByteArray week1 = readFile(QStringLiteral(OPS_TEST_DATA "/plans/week1-master-plan.md"));
    QByteArray huge;
    while (huge.size() < 10 * 1024 * 1024)
        huge += week1;
    auto big = importer.import(huge, QStringLiteral("huge.md"));
    EXPECT_TRUE(big.report.usable);
    EXPECT_GT(big.plan.taskCount(), 19 * 100);
    QSet<QString> keys;
    for (const PlanDay& day : big.plan.days)
        for (const PlanTask& task : day.tasks)
            keys.insert(task.key);
    EXPECT_EQ(keys.size(), big.plan.taskCount());
    EXPECT_LE(big.report.unrecognised.size(), 51);  // each unknown heading once, capped

    auto tooBig = importer.import(QByteArray(PlanImporter::kMaxBytes + 1, 'a'), QStringLiteral("x.md"));
    EXPECT_FALSE(tooBig.report.usable);
}

TEST(PlanImporterTest, MojibakeRepairRestoresEmojiAndLeavesLatin1Alone)
{
    int repairs = 0;
    EXPECT_EQ(repairMojibake(QStringLiteral("ðŸŽ¯ **OBJECTIVES**"), &repairs), QStringLiteral("🎯 **OBJECTIVES**"));
    EXPECT_EQ(repairs, 1);
    EXPECT_EQ(repairMojibake(QStringLiteral("âœ… done â†’ next")), QStringLiteral("✅ done → next"));
    EXPECT_EQ(repairMojibake(QStringLiteral("café crème")), QStringLiteral("café crème"));
    EXPECT_EQ(repairMojibake(QStringLiteral("🎯 fine")), QStringLiteral("🎯 fine"));
}

TEST(PlanImporterTest, CommonPhrasesBindToMetricExpressions)
{
    EXPECT_EQ(bindCriterionPhrase(QStringLiteral("Success rate > 95%?")), QStringLiteral("success_rate(1h) > 95%"));
    EXPECT_EQ(bindCriterionPhrase(QStringLiteral("Response time < 200ms?")), QStringLiteral("p95_latency(15m) < 200ms"));
    EXPECT_EQ(bindCriterionPhrase(QStringLiteral("Circuit breaker state = CLOSED")), QStringLiteral("circuit_state == CLOSED"));
    EXPECT_EQ(bindCriterionPhrase(QStringLiteral("Team trained")), QString());
    EXPECT_EQ(bindCriterionPhrase(QStringLiteral("Success rate is good")), QString());
}
