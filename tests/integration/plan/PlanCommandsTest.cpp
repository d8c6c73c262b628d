// SPDX-License-Identifier: MIT
// The real ops-console binary: plan import and checkpoint status (a CI gate) against a real
// database; sign-off through CheckpointService as an approver and as a viewer.
#include "PlanDatabaseTest.h"

#include "common/ProcessRunner.h"
#include "plan/CheckpointReport.h"
#include "plan/CheckpointService.h"
#include "plan/PoolMetricSource.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <gtest/gtest.h>

using namespace ops::services;
using namespace ops::services::plan;
using ops::testing::TestCluster;

namespace {

class PlanCommandsTest : public ops::testing::PlanDatabaseTest {
protected:
    PlanCommandsTest() : PlanDatabaseTest(QStringLiteral("gate")) {}

    ProcessResult console(const QStringList& arguments)
    {
        return TestCluster::shared().runConsole(QStringLiteral(OPS_CONSOLE_BINARY), m_options.database(), arguments, m_options.user());
    }
};

} // namespace

TEST_F(PlanCommandsTest, ImportThenStatusIsAGateThatOpensWhenTheCriteriaAreMet)
{
    const ProcessResult imported = console({QStringLiteral("plan"), QStringLiteral("import"),
                                            QStringLiteral(OPS_TEST_DATA "/plans/week1-master-plan.md"),
                                            QStringLiteral("--project"), QStringLiteral("gate")});
    ASSERT_EQ(imported.exitCode, 0) << imported.output.toStdString();
    EXPECT_TRUE(imported.output.contains("4 days, 19 tasks (19 with an assignee)")) << imported.output.toStdString();
    EXPECT_TRUE(imported.output.contains("4 Go/No-Go checkpoints with 12 criteria"));

    ProcessResult status = console({QStringLiteral("checkpoint"), QStringLiteral("status"), QStringLiteral("--json"),
                                    QStringLiteral("--project"), QStringLiteral("gate")});
    EXPECT_EQ(status.exitCode, 1) << status.output.toStdString();
    const qsizetype brace = status.output.indexOf('{');
    ASSERT_GE(brace, 0);
    const QJsonObject json = QJsonDocument::fromJson(status.output.mid(brace)).object();
    EXPECT_EQ(json.value(QStringLiteral("checkpoint")).toString(), QStringLiteral("Day 1 EOD Checkpoint"));
    EXPECT_FALSE(json.value(QStringLiteral("all_met")).toBool());
    ASSERT_EQ(json.value(QStringLiteral("criteria")).toArray().size(), 3);
    EXPECT_EQ(json.value(QStringLiteral("criteria")).toArray()[0].toObject().value(QStringLiteral("state")).toString(),
              QStringLiteral("not_met"));

    // Tick the three manual criteria: the gate opens.
    ASSERT_TRUE(m_admin->exec(QStringLiteral(
        "SELECT ops.set_criterion_checked(k.id, true) FROM ops.checkpoint_criteria k "
        "JOIN ops.checkpoints c ON c.id = k.checkpoint_id WHERE c.title = 'Day 1 EOD Checkpoint'")).ok());
    status = console({QStringLiteral("checkpoint"), QStringLiteral("status"), QStringLiteral("--project"), QStringLiteral("gate")});
    EXPECT_EQ(status.exitCode, 0) << status.output.toStdString();
    EXPECT_TRUE(status.output.contains("All criteria met."));
}

TEST_F(PlanCommandsTest, ImportOfABinaryOrEmptyFileSavesNothingAndFails)
{
    QTemporaryDir dir;
    QFile binary(dir.filePath(QStringLiteral("blob.md")));
    ASSERT_TRUE(binary.open(QIODevice::WriteOnly));
    binary.write(QByteArray("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
    binary.close();
    const ProcessResult result = console({QStringLiteral("plan"), QStringLiteral("import"), binary.fileName(),
                                          QStringLiteral("--project"), QStringLiteral("gate")});
    EXPECT_EQ(result.exitCode, 1) << result.output.toStdString();
    EXPECT_TRUE(result.output.contains("binary"));
    auto count = m_admin->exec(QStringLiteral("SELECT count(*) FROM ops.plans"));
    ASSERT_TRUE(count.ok());
    EXPECT_EQ(count->scalar(), QStringLiteral("0"));
    const ProcessResult usage = console({QStringLiteral("plan"), QStringLiteral("import")});
    EXPECT_EQ(usage.exitCode, 2);
}

TEST_F(PlanCommandsTest, ApproverSignsNoGoWithMeasuredSnapshotViewerIsRefused)
{
    ASSERT_EQ(console({QStringLiteral("plan"), QStringLiteral("import"), QStringLiteral(OPS_TEST_DATA "/plans/week1-master-plan.md"),
                       QStringLiteral("--project"), QStringLiteral("gate")}).exitCode, 0);
    // Sign Day 1..3 Go as the superuser so Day 4 (with metric criteria) is next.
    ASSERT_TRUE(m_admin->exec(QStringLiteral(
        "SELECT ops.sign_checkpoint(id, 'go', '', '{}') FROM ops.checkpoints WHERE title IN ('Day 1 EOD Checkpoint', 'Day 3 EOD Checkpoint')")).ok());
    auto gate = CheckpointService::nextGate(*m_admin, m_project);
    ASSERT_TRUE(gate.ok());
    ASSERT_TRUE(gate->has_value());
    EXPECT_EQ((*gate)->title, QStringLiteral("Day 4 EOD Checkpoint"));

    PoolMetrics metrics;
    metrics.calls = 200;
    metrics.failures = 20;  // 90%: below the 95% threshold
    metrics.queryLatency.count = 50;
    metrics.queryLatency.p95Ms = 120.0;
    PoolMetricSource source([&metrics] { return metrics; });
    const CheckpointStatus status = CheckpointService::evaluate(**gate, source);
    ASSERT_EQ(status.criteria.size(), 3);
    EXPECT_EQ(status.criteria[1].evaluation.state, CriterionState::NotMet);
    EXPECT_EQ(status.criteria[2].evaluation.state, CriterionState::Met);
    EXPECT_FALSE(status.allMet());
    EXPECT_EQ(status.failed().size(), 2);

    auto viewer = loginAs(QStringLiteral("ops_viewer"));
    auto refused = CheckpointService::sign(*viewer, status, Decision::Go, QStringLiteral("looks fine"));
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::Permission);

    auto approver = loginAs(QStringLiteral("ops_approver"));
    auto signedId = CheckpointService::sign(*approver, status, Decision::NoGo, QStringLiteral("success rate too low"));
    ASSERT_TRUE(signedId.ok()) << signedId.error().toString().toStdString();
    auto snapshot = m_admin->exec(QStringLiteral("SELECT decision, snapshot::text, signed_by FROM ops.signoffs WHERE id = $1"), {*signedId});
    ASSERT_TRUE(snapshot.ok());
    EXPECT_EQ(snapshot->text(0, 0), QStringLiteral("no_go"));
    const QJsonArray criteria = QJsonDocument::fromJson(snapshot->bytes(0, 1)).object().value(QStringLiteral("criteria")).toArray();
    ASSERT_EQ(criteria.size(), 3);
    EXPECT_EQ(criteria[1].toObject().value(QStringLiteral("state")).toString(), QStringLiteral("not_met"));
    EXPECT_EQ(criteria[1].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("90%"));
    EXPECT_EQ(criteria[2].toObject().value(QStringLiteral("value")).toString(), QStringLiteral("120ms"));
    EXPECT_TRUE(snapshot->text(0, 2).startsWith(QStringLiteral("gate_")));
    auto promotion = m_admin->exec(QStringLiteral("SELECT checkpoint_title, decision FROM ops.promotion_gate($1)"), {m_project});
    ASSERT_TRUE(promotion.ok());
    EXPECT_EQ(promotion->text(0, 0), QStringLiteral("Day 4 EOD Checkpoint"));
    EXPECT_EQ(promotion->text(0, 1), QStringLiteral("no_go"));

    // The checkpoint report carries the sign-off and what failed.
    auto records = CheckpointReport::signoffs(*m_admin, status.checkpoint.id);
    ASSERT_TRUE(records.ok());
    ASSERT_EQ(records->size(), 1);
    const QString report = CheckpointReport::markdown(status, *records);
    EXPECT_TRUE(report.contains(QStringLiteral("# Checkpoint report: Day 4 EOD Checkpoint")));
    EXPECT_TRUE(report.contains(QStringLiteral("| Success rate > 95%? | success_rate(1h) > 95% | not_met | 90% |"))) << report.toStdString();
    EXPECT_TRUE(report.contains(QStringLiteral("- NO-GO by gate_"))) << report.toStdString();
    EXPECT_TRUE(report.contains(QStringLiteral("success rate too low")));
    EXPECT_TRUE(report.contains(QStringLiteral("— not met at signing: All tests passing? (not_met, not checked); Success rate > 95%? (not_met, 90%)")))
        << report.toStdString();
}

TEST_F(PlanCommandsTest, ReportCommandsWriteMarkdownWithTheSignoffAndAPdf)
{
    ASSERT_EQ(console({QStringLiteral("plan"), QStringLiteral("import"), QStringLiteral(OPS_TEST_DATA "/plans/week1-master-plan.md"),
                       QStringLiteral("--project"), QStringLiteral("gate")}).exitCode, 0);
    auto gate = CheckpointService::nextGate(*m_admin, m_project);
    ASSERT_TRUE(gate.ok() && gate->has_value());
    const CheckpointStatus status = CheckpointService::evaluateLive(*m_admin, m_project, **gate, nullptr);
    ASSERT_TRUE(CheckpointService::sign(*m_admin, status, Decision::NoGo, QStringLiteral("sandbox not ready")).ok());
    QTemporaryDir dir;
    const QString markdown = dir.filePath(QStringLiteral("day1.md"));
    const QString pdf = dir.filePath(QStringLiteral("day1.pdf"));
    const ProcessResult report = console({QStringLiteral("checkpoint"), QStringLiteral("report"), QStringLiteral("--project"),
                                          QStringLiteral("gate"), QStringLiteral("--markdown"), markdown, QStringLiteral("--pdf"), pdf});
    ASSERT_EQ(report.exitCode, 0) << report.output.toStdString();
    QFile file(markdown);
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const QString text = QString::fromUtf8(file.readAll());
    EXPECT_TRUE(text.startsWith(QStringLiteral("# Checkpoint report: Day 1 EOD Checkpoint\n"))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral("- NO-GO by postgres at "))) << text.toStdString();
    EXPECT_TRUE(text.contains(QStringLiteral(": sandbox not ready — not met at signing: Sandboxing working? (not_met, not checked)")))
        << text.toStdString();
    EXPECT_TRUE(QFileInfo::exists(dir.filePath(QStringLiteral("day1.chart.png"))));
    QFile pdfFile(pdf);
    ASSERT_TRUE(pdfFile.open(QIODevice::ReadOnly));
    EXPECT_EQ(pdfFile.read(5), QByteArray("%PDF-"));

    // Without files the Markdown goes to stdout; the week report lists the sign-off.
    const ProcessResult week = console({QStringLiteral("plan"), QStringLiteral("week-report"), QStringLiteral("--project"), QStringLiteral("gate")});
    ASSERT_EQ(week.exitCode, 0) << week.output.toStdString();
    EXPECT_TRUE(week.output.contains("# Week report: ")) << week.output.toStdString();
    EXPECT_TRUE(week.output.contains("| Day 1 EOD Checkpoint | no_go | postgres |")) << week.output.toStdString();
    EXPECT_TRUE(week.output.contains("| 2-3 | Connection Pool Implementation |")) << week.output.toStdString();
    EXPECT_TRUE(week.output.contains("## Next checkpoint: Day 1 EOD Checkpoint\n\n| Criterion | Binding | State | Value |")) << week.output.toStdString();

    // A directory that does not exist: a clear error, exit 1.
    const ProcessResult bad = console({QStringLiteral("plan"), QStringLiteral("week-report"), QStringLiteral("--project"), QStringLiteral("gate"),
                                       QStringLiteral("--pdf"), dir.filePath(QStringLiteral("missing/week.pdf"))});
    EXPECT_EQ(bad.exitCode, 1);
    EXPECT_TRUE(bad.output.contains("no such directory")) << bad.output.toStdString();
}
