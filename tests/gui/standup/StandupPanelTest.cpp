// SPDX-License-Identifier: MIT
// The Standup tab on a real database: tick the manual criteria, see the metric criteria evaluated
// from the pool's own measurements, sign Go, and find the sign-off with its snapshot.
#include "TestCluster.h"

#include "db/Pool.h"
#include "plan/PlanImporter.h"
#include "plan/PlanStore.h"
#include "standup/StandupPanel.h"

#include <QDateEdit>
#include <QFile>
#include <QLabel>
#include <QSignalSpy>
#include <QTreeWidget>

#include <gtest/gtest.h>

using namespace ops::services;
using namespace ops::services::plan;
using ops::testing::TestCluster;
using namespace std::chrono_literals;

TEST(StandupPanelTest, TickManualCriteriaSeeMetricsAndSignGo)
{
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok());
    auto admin = TestCluster::shared().connect(database->database());
    ASSERT_TRUE(admin);
    QFile file(QStringLiteral(OPS_TEST_DATA "/plans/week1-master-plan.md"));
    ASSERT_TRUE(file.open(QIODevice::ReadOnly));
    const ImportResult imported = PlanImporter().import(file.readAll(), QStringLiteral("week1-master-plan.md"));
    auto project = admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"));
    ASSERT_TRUE(project.ok());
    ASSERT_TRUE(PlanStore::save(*admin, project->toInt64(0, 0), imported.plan).ok());
    ASSERT_TRUE(admin->exec(QStringLiteral(
        "SELECT ops.sign_checkpoint(id, 'go', '', '{}') FROM ops.checkpoints "
        "WHERE title IN ('Day 1 EOD Checkpoint', 'Day 3 EOD Checkpoint')")).ok());

    PoolConfig config;
    config.connection = *database;
    config.direct = *database;
    config.maxSize = 3;
    config.minIdle = 1;
    Pool pool(config);
    ops::widgets::StandupPanel panel(pool, *database, QStringLiteral("demo"));
    QSignalSpy loaded(&panel, &ops::widgets::StandupPanel::loaded);
    ASSERT_TRUE(loaded.wait(10000));
    panel.dateEdit()->setDate(QDate(2025, 1, 21));  // the plan's day 4
    ASSERT_TRUE(loaded.wait(10000));
    QTreeWidget* tasks = panel.tasksView();
    ASSERT_EQ(tasks->topLevelItemCount(), 4);  // tasks 11-14
    EXPECT_EQ(tasks->topLevelItem(0)->text(0), QStringLiteral("Task 11: Connection Pool Tests"));
    QTreeWidget* criteria = panel.criteriaView();
    ASSERT_EQ(criteria->topLevelItemCount(), 3);
    EXPECT_EQ(criteria->topLevelItem(0)->text(2), QStringLiteral("not_met"));
    // The pool has run units of work (the loads above): success rate and latency are measured.
    EXPECT_EQ(criteria->topLevelItem(1)->text(1), QStringLiteral("success_rate(1h) > 95%"));
    EXPECT_EQ(criteria->topLevelItem(1)->text(2), QStringLiteral("met"));
    EXPECT_EQ(criteria->topLevelItem(2)->text(2), QStringLiteral("met"));

    criteria->topLevelItem(0)->setCheckState(0, Qt::Checked);  // "All tests passing?"
    ASSERT_TRUE(loaded.wait(10000));
    EXPECT_EQ(panel.criteriaView()->topLevelItem(0)->text(2), QStringLiteral("met"));

    QSignalSpy signedSpy(&panel, &ops::widgets::StandupPanel::signed_);
    panel.signCheckpoint(true);
    ASSERT_TRUE(signedSpy.wait(10000)) << panel.statusLabel()->text().toStdString();
    auto signoff = admin->exec(QStringLiteral(
        "SELECT s.decision, s.snapshot->'criteria'->1->>'state', s.snapshot->'criteria'->0->>'checked' "
        "FROM ops.signoffs s JOIN ops.checkpoints c ON c.id = s.checkpoint_id WHERE c.title = 'Day 4 EOD Checkpoint'"));
    ASSERT_TRUE(signoff.ok());
    ASSERT_EQ(signoff->rowCount(), 1);
    EXPECT_EQ(signoff->text(0, 0), QStringLiteral("go"));
    EXPECT_EQ(signoff->text(0, 1), QStringLiteral("met"));
    EXPECT_EQ(signoff->text(0, 2), QStringLiteral("true"));
    ASSERT_TRUE(loaded.wait(10000));
    EXPECT_TRUE(panel.findChildren<QLabel*>().size() > 0);
    EXPECT_EQ(panel.criteriaView()->topLevelItemCount(), 3);  // now Day 5 2pm
    EXPECT_EQ(panel.criteriaView()->topLevelItem(0)->text(0), QStringLiteral("Staging successful?"));

    // A P0 blocker raised from the tab appears with its escalation clock.
    panel.raiseBlocker(QStringLiteral("P0"), QStringLiteral("pooler down"));
    for (int i = 0; i < 5 && panel.blockersView()->topLevelItemCount() == 0; ++i)
        ASSERT_TRUE(loaded.wait(10000));
    ASSERT_EQ(panel.blockersView()->topLevelItemCount(), 1);
    EXPECT_EQ(panel.blockersView()->topLevelItem(0)->text(0), QStringLiteral("P0"));
    EXPECT_EQ(panel.blockersView()->topLevelItem(0)->text(4), QStringLiteral("open"));
    pool.shutdown();
}
