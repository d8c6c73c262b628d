// SPDX-License-Identifier: MIT
// The Standup tab on a real database: tick the manual criteria, watch a metric criterion turn
// green from inserted Health samples (delivered by NOTIFY ops_health, no manual reload), edit a
// binding, sign Go, and find the sign-off in the exported Markdown (and a PDF); standup entries
// reach a second console live; blockers carry their escalation clock and record who resolved them.
#include "TestCluster.h"
#include "common/OperationProgress.h"
#include "Wait.h"

#include "db/Pool.h"
#include "plan/PlanImporter.h"
#include "plan/PlanStore.h"
#include "standup/StandupPanel.h"

#include <QDateEdit>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTest>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTreeWidget>

#include <gtest/gtest.h>

#include <functional>

using namespace ops::services;
using namespace ops::services::plan;
using ops::testing::TestCluster;
using ops::widgets::OperationProgress;
using ops::testing::waitFor;
using ops::testing::waitForCount;
using ops::widgets::StandupPanel;

namespace {

QString cellText(QTreeWidget* tree, int row, int column)
{
    return row < tree->topLevelItemCount() ? tree->topLevelItem(row)->text(column) : QString();
}

class StandupPanelTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok());
        m_options = *database;
        m_admin = TestCluster::shared().connect(m_options.database());
        ASSERT_TRUE(m_admin);
        QFile file(QStringLiteral(OPS_TEST_DATA "/plans/week1-master-plan.md"));
        ASSERT_TRUE(file.open(QIODevice::ReadOnly));
        const ImportResult imported = PlanImporter().import(file.readAll(), QStringLiteral("week1-master-plan.md"));
        auto project = m_admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"));
        ASSERT_TRUE(project.ok());
        m_project = project->toInt64(0, 0);
        ASSERT_TRUE(PlanStore::save(*m_admin, m_project, imported.plan).ok());
        // Day 1 and Day 3 signed Go: the Day 4 EOD checkpoint (with metric criteria) is next.
        ASSERT_TRUE(m_admin->exec(QStringLiteral(
            "SELECT ops.sign_checkpoint(id, 'go', '', '{}') FROM ops.checkpoints "
            "WHERE title IN ('Day 1 EOD Checkpoint', 'Day 3 EOD Checkpoint')")).ok());
        PoolConfig config;
        config.connection = m_options;
        config.direct = m_options;
        config.maxSize = 3;
        config.minIdle = 1;
        m_pool = std::make_unique<Pool>(config);
    }

    void TearDown() override
    {
        if (m_pool)
            m_pool->shutdown();
    }

    // Samples written the way the Health collector writes them (lease, monitor, record).
    void insertHealthSamples(double latencyMs, int count)
    {
        ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'test', 600000)"), {m_project}).ok());
        auto monitor = m_admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'api', 'http://127.0.0.1:1/', 1000)"), {m_project});
        ASSERT_TRUE(monitor.ok());
        auto inserted = m_admin->exec(QStringLiteral(
            "SELECT count(*) FILTER (WHERE ops.record_health_sample($1, 'test', now() - make_interval(secs => i), 'up', $2, 200, "
            "'healthy', 'CLOSED', '{}', NULL)) FROM generate_series(1, $3) i"), {monitor->toInt64(0, 0), latencyMs, count});
        ASSERT_TRUE(inserted.ok()) << inserted.error().toString().toStdString();
        ASSERT_EQ(inserted->scalar(), QString::number(count));
    }

    ConnectionOptions m_options;
    std::unique_ptr<Connection> m_admin;
    qint64 m_project = 0;
    std::unique_ptr<Pool> m_pool;
};

} // namespace

TEST_F(StandupPanelTest, TickManualCriteriaWatchMetricTurnGreenSignGoAndExport)
{
    StandupPanel panel(*m_pool, m_options, QStringLiteral("demo"));
    panel.dateEdit()->setDate(QDate(2025, 1, 21));  // the plan's day 4
    QTreeWidget* criteria = panel.criteriaView();
    ASSERT_TRUE(waitFor([&] { return panel.tasksView()->topLevelItemCount() == 4 && criteria->topLevelItemCount() == 3; }));
    EXPECT_EQ(cellText(panel.tasksView(), 0, 0), QStringLiteral("Task 11: Connection Pool Tests"));
    EXPECT_TRUE(panel.dayLabel()->text().contains(QStringLiteral("day 4"))) << panel.dayLabel()->text().toStdString();
    EXPECT_EQ(cellText(criteria, 0, StandupPanel::CriterionStateColumn), QStringLiteral("not_met"));
    EXPECT_EQ(cellText(criteria, 1, StandupPanel::CriterionBinding), QStringLiteral("success_rate(1h) > 95%"));
    // No Health samples yet: never "met", even though the console's own pool has run queries.
    EXPECT_EQ(cellText(criteria, 1, StandupPanel::CriterionStateColumn), QStringLiteral("not_measured"));
    EXPECT_EQ(cellText(criteria, 2, StandupPanel::CriterionStateColumn), QStringLiteral("not_measured"));

    criteria->topLevelItem(0)->setCheckState(0, Qt::Checked);  // "All tests passing?"
    ASSERT_TRUE(waitFor([&] { return cellText(criteria, 0, StandupPanel::CriterionStateColumn) == QStringLiteral("met"); }));

    // The binding is editable: a bad expression is refused and kept out, a good one is stored.
    criteria->topLevelItem(2)->setText(StandupPanel::CriterionBinding, QStringLiteral("latency is fine"));
    ASSERT_TRUE(waitFor([&] { return panel.statusLabel()->text().contains(QStringLiteral("not a criterion expression")); }));
    ASSERT_TRUE(waitFor([&] { return cellText(criteria, 2, StandupPanel::CriterionBinding) == QStringLiteral("p95_latency(15m) < 200ms"); }));
    criteria->topLevelItem(2)->setText(StandupPanel::CriterionBinding, QStringLiteral("p95_latency(15m)<150ms"));
    ASSERT_TRUE(waitFor([&] { return cellText(criteria, 2, StandupPanel::CriterionBinding) == QStringLiteral("p95_latency(15m) < 150ms"); }));

    // Samples arrive: NOTIFY ops_health reloads the tab by itself; both metric criteria turn green.
    insertHealthSamples(120.0, 20);
    ASSERT_TRUE(waitFor([&] { return cellText(criteria, 1, StandupPanel::CriterionStateColumn) == QStringLiteral("met"); }))
        << cellText(criteria, 1, StandupPanel::CriterionValue).toStdString();
    EXPECT_EQ(cellText(criteria, 1, StandupPanel::CriterionValue), QStringLiteral("100%"));
    EXPECT_EQ(cellText(criteria, 2, StandupPanel::CriterionStateColumn), QStringLiteral("met"));
    EXPECT_EQ(cellText(criteria, 2, StandupPanel::CriterionValue), QStringLiteral("120ms"));

    QSignalSpy signedSpy(&panel, &StandupPanel::signed_);
    panel.signCheckpoint(true);
    ASSERT_TRUE(waitForCount(signedSpy, 1)) << panel.statusLabel()->text().toStdString();
    auto signoff = m_admin->exec(QStringLiteral(
        "SELECT s.decision, s.snapshot->'criteria'->1->>'state', s.snapshot->'criteria'->2->>'value' "
        "FROM ops.signoffs s JOIN ops.checkpoints c ON c.id = s.checkpoint_id WHERE c.title = 'Day 4 EOD Checkpoint'"));
    ASSERT_TRUE(signoff.ok());
    ASSERT_EQ(signoff->rowCount(), 1);
    EXPECT_EQ(signoff->text(0, 0), QStringLiteral("go"));
    EXPECT_EQ(signoff->text(0, 1), QStringLiteral("met"));
    EXPECT_EQ(signoff->text(0, 2), QStringLiteral("120ms"));
    ASSERT_TRUE(waitFor([&] { return cellText(criteria, 0, 0) == QStringLiteral("Staging successful?"); }));  // Day 5 2pm next

    QTemporaryDir dir;
    QSignalSpy exported(&panel, &StandupPanel::exported);
    panel.exportCheckpointReport(dir.filePath(QStringLiteral("day4.md")));
    ASSERT_TRUE(waitForCount(exported, 1));
    ASSERT_TRUE(exported.last().at(1).toBool()) << panel.statusLabel()->text().toStdString();
    QFile markdown(dir.filePath(QStringLiteral("day4.md")));
    ASSERT_TRUE(markdown.open(QIODevice::ReadOnly));
    const QString report = QString::fromUtf8(markdown.readAll());
    EXPECT_TRUE(report.contains(QStringLiteral("# Checkpoint report: Day 4 EOD Checkpoint"))) << report.toStdString();
    EXPECT_TRUE(report.contains(QStringLiteral("- GO by postgres at "))) << report.toStdString();
    EXPECT_TRUE(report.contains(QStringLiteral("| Response time < 200ms? | p95_latency(15m) < 150ms | met | 120ms |"))) << report.toStdString();
    EXPECT_TRUE(report.contains(QStringLiteral("| Success rate > 95%? | success_rate(1h) > 95% | met | 100% |"))) << report.toStdString();
    EXPECT_TRUE(report.contains(QStringLiteral("![success_rate, last 24 hours](day4.chart.png)"))) << report.toStdString();
    EXPECT_GT(QFileInfo(dir.filePath(QStringLiteral("day4.chart.png"))).size(), 1000);

    panel.exportWeekReport(dir.filePath(QStringLiteral("week.pdf")));
    ASSERT_TRUE(waitForCount(exported, 2));
    ASSERT_TRUE(exported.last().at(1).toBool()) << panel.statusLabel()->text().toStdString();
    QFile pdf(dir.filePath(QStringLiteral("week.pdf")));
    ASSERT_TRUE(pdf.open(QIODevice::ReadOnly));
    EXPECT_TRUE(pdf.read(5) == "%PDF-");
    EXPECT_GT(pdf.size(), 5000);  // text, table and the chart image
}

TEST_F(StandupPanelTest, AReportExportShowsProgressAndCancelLeavesNothingBehind)
{
    StandupPanel panel(*m_pool, m_options, QStringLiteral("demo"));
    QSignalSpy loaded(&panel, &StandupPanel::loaded);
    ASSERT_TRUE(loaded.wait(10000));
    QTemporaryDir dir;
    const QString file = dir.filePath(QStringLiteral("cancelled.md"));
    QSignalSpy exported(&panel, &StandupPanel::exported);
    OperationProgress* progress = panel.reportProgress();
    panel.exportCheckpointReport(file);
    EXPECT_FALSE(progress->isHidden());
    EXPECT_EQ(progress->bar()->accessibleName(), QStringLiteral("Exporting cancelled.md"));
    QTest::mouseClick(progress->cancelButton(), Qt::LeftButton);
    ASSERT_TRUE(exported.wait(15000));
    EXPECT_FALSE(exported.last().at(1).toBool());
    EXPECT_TRUE(progress->isHidden());
    EXPECT_TRUE(panel.statusLabel()->text().contains(QStringLiteral("cancelled"))) << panel.statusLabel()->text().toStdString();
    EXPECT_TRUE(QDir(dir.path()).entryList(QDir::Files).isEmpty()) << QDir(dir.path()).entryList(QDir::Files).join(',').toStdString();
}

TEST_F(StandupPanelTest, EntriesReachAnotherConsoleLiveAndBlockersShowTheirClock)
{
    StandupPanel mine(*m_pool, m_options, QStringLiteral("demo"));
    StandupPanel theirs(*m_pool, m_options, QStringLiteral("demo"));
    EXPECT_EQ(mine.dateEdit()->date(), QDate::currentDate());  // today by default
    for (StandupPanel* panel : {&mine, &theirs})
        panel->dateEdit()->setDate(QDate(2025, 1, 21));
    // The plan's team are the rows to fill in.
    ASSERT_TRUE(waitFor([&] { return mine.peopleView()->topLevelItemCount() >= 2; }));
    ASSERT_TRUE(waitFor([&] { return theirs.peopleView()->topLevelItemCount() >= 2; }));
    EXPECT_EQ(cellText(mine.peopleView(), 0, 0), QStringLiteral("Rana"));
    EXPECT_FALSE(mine.readinessLabel()->text().isEmpty());

    mine.peopleView()->topLevelItem(0)->setText(2, QStringLiteral("pool tests"));
    ASSERT_TRUE(waitFor([&] { return cellText(theirs.peopleView(), 0, 2) == QStringLiteral("pool tests"); }));
    EXPECT_EQ(m_admin->exec(QStringLiteral("SELECT today FROM ops.standup_entries WHERE person = 'Rana' AND entry_date = '2025-01-21'"))->scalar(),
              QStringLiteral("pool tests"));

    mine.raiseBlocker(QStringLiteral("P0"), QStringLiteral("pooler down"));
    ASSERT_TRUE(waitFor([&] { return theirs.blockersView()->topLevelItemCount() == 1; }));
    QTreeWidget* blockers = theirs.blockersView();
    EXPECT_EQ(cellText(blockers, 0, StandupPanel::BlockerPriority), QStringLiteral("P0"));
    const QString clock = cellText(blockers, 0, StandupPanel::BlockerTimeLeft);
    EXPECT_TRUE(clock == QStringLiteral("14 min left") || clock == QStringLiteral("15 min left")) << clock.toStdString();
    EXPECT_EQ(cellText(blockers, 0, StandupPanel::BlockerState), QStringLiteral("open"));

    // An old P1 is overdue and stands out.
    ASSERT_TRUE(m_admin->exec(QStringLiteral(
        "INSERT INTO ops.blockers (project_id, entry_date, title, priority, raised_by, raised_at) "
        "VALUES ($1, '2025-01-21', 'old', 'P1', 'claire', now() - interval '3 hours')"), {m_project}).ok());
    theirs.reload();
    ASSERT_TRUE(waitFor([&] { return blockers->topLevelItemCount() == 2; }));
    QTreeWidgetItem* old = blockers->findItems(QStringLiteral("old"), Qt::MatchExactly, StandupPanel::BlockerTitle).value(0);
    ASSERT_NE(old, nullptr);
    EXPECT_EQ(old->text(StandupPanel::BlockerState), QStringLiteral("OVERDUE"));
    EXPECT_TRUE(old->text(StandupPanel::BlockerTimeLeft).endsWith(QStringLiteral("overdue")));
    EXPECT_TRUE(old->font(StandupPanel::BlockerState).bold());

    emit blockers->itemDoubleClicked(blockers->findItems(QStringLiteral("pooler down"), Qt::MatchExactly, StandupPanel::BlockerTitle).value(0), 0);
    ASSERT_TRUE(waitFor([&] {
        auto found = blockers->findItems(QStringLiteral("pooler down"), Qt::MatchExactly, StandupPanel::BlockerTitle);
        return !found.isEmpty() && found.first()->text(StandupPanel::BlockerState).startsWith(QStringLiteral("resolved by postgres at"));
    }));
}
