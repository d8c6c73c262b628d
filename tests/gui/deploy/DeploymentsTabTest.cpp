// SPDX-License-Identifier: MIT
// The Deployments tab with production and staging side by side against the demo platform: pinned
// after a rollback, undo in one click, a lock shown with who and why that disables promotion but
// not rollback, the running operation's timeline, the command provider's output line by line and
// its cancel, and "Verify chain" finding an owner's edit. Real PostgreSQL, loopback HTTP, real
// processes; buttons are clicked.
#include "TestCluster.h"
#include "Wait.h"

#include "db/Pool.h"
#include "demo/DemoPlatform.h"
#include "deploy/CommandDeployProvider.h"
#include "deploy/HttpDeployProvider.h"
#include "deployments/DeploymentsPanel.h"
#include "deployments/EnvironmentCard.h"
#include "common/OperationProgress.h"

#include <QApplication>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTest>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;
using ops::testing::waitFor;
using ops::testing::waitForCount;
using ops::widgets::DeploymentsPanel;
using namespace std::chrono_literals;

namespace {

struct TabFixture {
    TabFixture()
    {
        auto database = TestCluster::shared().createDatabase();
        EXPECT_TRUE(database.ok());
        options = database.value();
        admin = TestCluster::shared().connect(options.database());
        EXPECT_TRUE(platform.start().ok());
        PoolConfig config;
        config.connection = options;
        config.direct = options;
        config.maxSize = 3;
        pool = std::make_unique<Pool>(config);
        HttpDeployProvider::Config http;
        http.baseUrl = platform.baseUrl();
        http.projectId = platform.config().projectId;
        http.token = "demo-token";
        production = std::make_unique<HttpDeployProvider>(http);
        http.target = QStringLiteral("preview");
        staging = std::make_unique<HttpDeployProvider>(http);
    }

    RolloutService::Config serviceConfig(const QString& environment) const
    {
        RolloutService::Config config;
        config.environment = environment;
        config.providerProject = platform.config().projectId;
        if (environment == QLatin1String("production"))
            config.verification.baseUrl = platform.baseUrl();
        config.verification.window = 1500ms;
        config.verification.interval = 100ms;
        return config;
    }

    QString scalar(const QString& sql)
    {
        auto r = admin->exec(sql);
        return r ? r->scalar() : QStringLiteral("ERROR ") + r.error().message;
    }

    ConnectionOptions options;
    std::unique_ptr<Connection> admin;
    DemoPlatform platform;
    std::unique_ptr<Pool> pool;
    std::unique_ptr<HttpDeployProvider> production, staging;
};

} // namespace

TEST(DeploymentsTabTest, SideBySidePinnedUndoLockAndTimeline)
{
    TabFixture f;
    RolloutService production(*f.pool, *f.production, f.serviceConfig(QStringLiteral("production")));
    RolloutService staging(*f.pool, *f.staging, f.serviceConfig(QStringLiteral("staging")));
    DeploymentsPanel panel({&production, &staging});
    panel.setConfirm([](QWidget*, const RolloutPlan&, QString* reason, QString*) {
        *reason = QStringLiteral("clicked in a test");
        return true;
    });
    panel.setAskLock([](QWidget*, const QString&, QString* reason, QDateTime* until) {
        *reason = QStringLiteral("release freeze");
        *until = QDateTime::currentDateTimeUtc().addSecs(3600);
        return true;
    });
    panel.resize(1200, 800);
    panel.show();
    QSignalSpy refreshed(&panel, &DeploymentsPanel::refreshed);
    panel.start();
    ASSERT_TRUE(waitForCount(refreshed, 1));
    EXPECT_TRUE(panel.statusText(0).startsWith(QStringLiteral("production: v4 (failed)"))) << panel.statusText(0).toStdString();
    EXPECT_TRUE(panel.statusText(1).startsWith(QStringLiteral("staging: v5 (passed)"))) << panel.statusText(1).toStdString();
    auto* card = panel.card(0);
    EXPECT_FALSE(card->undoButton()->isEnabled());
    EXPECT_TRUE(card->undoButton()->toolTip().contains(QStringLiteral("Nothing to undo"))) << card->undoButton()->toolTip().toStdString();
    EXPECT_FALSE(panel.card(1)->rollbackButton()->isEnabled()) << "staging shows its newest build";
    EXPECT_TRUE(panel.card(1)->promoteButton()->isEnabled()) << panel.card(1)->promoteButton()->toolTip().toStdString();

    QSignalSpy finished(&panel, &DeploymentsPanel::rolloutFinished);
    QTest::mouseClick(card->rollbackButton(), Qt::LeftButton);
    EXPECT_TRUE(card->undoButton()->toolTip().startsWith(QStringLiteral("Planning"))) << card->undoButton()->toolTip().toStdString();
    ASSERT_TRUE(waitForCount(finished, 1));
    EXPECT_EQ(finished.at(0).at(0).toString(), QStringLiteral("succeeded"));
    const QStringList timeline = panel.timeline();
    ASSERT_EQ(timeline.size(), 4) << timeline.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(timeline[0].contains(QStringLiteral("requested")) && timeline[0].contains(QStringLiteral("Roll back production from v4 to v3")));
    EXPECT_TRUE(timeline[1].contains(QStringLiteral("running")));
    EXPECT_TRUE(timeline[2].contains(QStringLiteral("verifying")));
    EXPECT_TRUE(timeline[3].contains(QStringLiteral("succeeded")));
    ASSERT_TRUE(waitFor([&] { return panel.statusText(0).contains(QStringLiteral("production: v3 (passed)")); })) << panel.statusText(0).toStdString();
    EXPECT_TRUE(panel.statusText(0).contains(QStringLiteral("PINNED after a rollback: new builds do not go live until someone promotes (undo: v3 -> v4 again)")))
        << panel.statusText(0).toStdString();
    QTableWidget* operations = panel.operationsTable();
    ASSERT_GE(operations->rowCount(), 1);
    EXPECT_EQ(operations->item(0, 2)->text(), QStringLiteral("ROLLBACK"));
    EXPECT_EQ(operations->item(0, 3)->text(), QStringLiteral("v4 -> v3"));
    EXPECT_FALSE(operations->item(0, 4)->text().isEmpty()) << "who initiated it";
    EXPECT_EQ(operations->item(0, 6)->text(), QStringLiteral("clicked in a test"));
    ASSERT_TRUE(card->undoButton()->isEnabled()) << card->undoButton()->toolTip().toStdString();

    // Locked: shown with who and why; promotion and undo disabled with the reason, rollback not.
    QTest::mouseClick(card->lockButton(), Qt::LeftButton);
    ASSERT_TRUE(waitFor([&] { return panel.statusText(0).contains(QStringLiteral("LOCKED by ")); })) << panel.statusText(0).toStdString();
    EXPECT_TRUE(panel.statusText(0).contains(QStringLiteral(": release freeze (until "))) << panel.statusText(0).toStdString();
    EXPECT_EQ(card->lockButton()->text(), QStringLiteral("Unlock"));
    EXPECT_FALSE(panel.card(1)->promoteButton()->isEnabled());
    EXPECT_TRUE(panel.card(1)->promoteButton()->toolTip().contains(QStringLiteral("production is locked by")))
        << panel.card(1)->promoteButton()->toolTip().toStdString();
    EXPECT_FALSE(card->undoButton()->isEnabled());
    EXPECT_TRUE(card->rollbackButton()->isEnabled()) << "a lock never blocks a rollback";

    QTest::mouseClick(card->lockButton(), Qt::LeftButton);
    ASSERT_TRUE(waitFor([&] { return !panel.statusText(0).contains(QStringLiteral("LOCKED")); })) << panel.statusText(0).toStdString();
    ASSERT_TRUE(card->undoButton()->isEnabled());

    // Undo in one click: v4 is promoted again (and verification says it is unhealthy).
    finished.clear();
    QTest::mouseClick(card->undoButton(), Qt::LeftButton);
    ASSERT_TRUE(waitForCount(finished, 1));
    EXPECT_EQ(finished.at(0).at(0).toString(), QStringLiteral("needs_attention")) << finished.at(0).at(1).toString().toStdString();
    EXPECT_EQ(f.platform.promoteCalls(), 1);
    EXPECT_EQ(f.platform.liveVersion(), QStringLiteral("v4"));
    EXPECT_TRUE(waitFor([&] { return !panel.statusText(0).contains(QStringLiteral("PINNED")); })) << panel.statusText(0).toStdString();
}

TEST(DeploymentsTabTest, CommandOutputArrivesLiveAndCancelStopsIt)
{
    TabFixture f;
    {
        RolloutService recorder(*f.pool, *f.production, f.serviceConfig(QStringLiteral("production")));
        ASSERT_TRUE(recorder.sync().ok());
    }
    CommandDeployProvider::Config config;
    config.rollbackTemplate = {QStringLiteral("/bin/sh"), QStringLiteral("-c"),
                               QStringLiteral("echo \"rolling back to $0\"; sleep 0.3; echo 'waiting for the alias'; sleep 30"),
                               QStringLiteral("{deployment}")};
    config.statusTemplate = {QStringLiteral("/bin/echo"), QStringLiteral(R"({"targets": {"production": {"id": "dpl_demo_v4"}}})")};
    config.listTemplate = {QStringLiteral("/bin/echo"), QStringLiteral(R"({"deployments": []})")};
    CommandDeployProvider command(config);
    RolloutService production(*f.pool, command, f.serviceConfig(QStringLiteral("production")));
    DeploymentsPanel panel(production);
    panel.setConfirm([](QWidget*, const RolloutPlan&, QString*, QString*) { return true; });
    panel.show();
    QSignalSpy refreshed(&panel, &DeploymentsPanel::refreshed);
    panel.start();
    ASSERT_TRUE(waitForCount(refreshed, 1));
    EXPECT_FALSE(panel.cancelButton()->isEnabled());

    QSignalSpy finished(&panel, &DeploymentsPanel::rolloutFinished);
    QTest::mouseClick(panel.rollbackButton(), Qt::LeftButton);
    // The command's lines appear while it still runs.
    (void)waitFor([&] { return panel.outputText().contains(QStringLiteral("| waiting for the alias")); });
    ASSERT_TRUE(panel.outputText().contains(QStringLiteral("| rolling back to dpl_demo_v3"))) << panel.outputText().toStdString();
    ASSERT_TRUE(panel.outputText().contains(QStringLiteral("| waiting for the alias"))) << panel.outputText().toStdString();
    EXPECT_TRUE(finished.isEmpty());
    ASSERT_TRUE(panel.cancelButton()->isEnabled());
    EXPECT_TRUE(panel.runningBar()->isVisible()) << "a running operation shows a busy bar beside its Cancel";
    const auto clicked = std::chrono::steady_clock::now();
    QTest::mouseClick(panel.cancelButton(), Qt::LeftButton);
    ASSERT_TRUE(waitForCount(finished, 1));
    EXPECT_LT(std::chrono::steady_clock::now() - clicked, 25s) << "cancelled, not run to the end of its 30 s sleep";
    EXPECT_EQ(finished.at(0).at(0).toString(), QStringLiteral("failed"));
    EXPECT_TRUE(finished.at(0).at(1).toString().contains(QStringLiteral("cancelled by the operator"))) << finished.at(0).at(1).toString().toStdString();
    EXPECT_TRUE(panel.timeline().last().contains(QStringLiteral("failed"))) << panel.timeline().join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(f.scalar(QStringLiteral("SELECT state FROM ops.rollouts")), QStringLiteral("failed"));
    EXPECT_FALSE(panel.cancelButton()->isEnabled());
    EXPECT_FALSE(panel.runningBar()->isVisible());
}

TEST(DeploymentsTabTest, VerifyChainReportsIntactThenTheEditedRow)
{
    TabFixture f;
    RolloutService production(*f.pool, *f.production, f.serviceConfig(QStringLiteral("production")));
    ASSERT_TRUE(production.lock(QStringLiteral("audit me")).ok());
    ASSERT_TRUE(production.unlock().ok());
    DeploymentsPanel panel(production);
    panel.show();
    QSignalSpy verified(&panel, &DeploymentsPanel::auditVerified);
    QTest::mouseClick(panel.verifyAuditButton(), Qt::LeftButton);
    // The progress strip (rows so far, Cancel) shows while the chain is checked and goes away after.
    EXPECT_TRUE(panel.auditProgress()->isRunning());
    EXPECT_FALSE(panel.auditProgress()->isHidden());  // on the Audit log page, which need not be the current one
    ASSERT_TRUE(waitForCount(verified, 1));
    EXPECT_TRUE(verified.at(0).at(0).toBool());
    EXPECT_TRUE(panel.auditVerification().startsWith(QStringLiteral("Chain intact"))) << panel.auditVerification().toStdString();
    EXPECT_TRUE(panel.auditProgress()->isHidden());
    ASSERT_TRUE(f.admin->execScript(QStringLiteral(
        "ALTER TABLE ops.audit_log DISABLE TRIGGER audit_log_append_only; "
        "UPDATE ops.audit_log SET subject = 'nothing happened' WHERE action = 'environment.locked'; "
        "ALTER TABLE ops.audit_log ENABLE TRIGGER audit_log_append_only;")).ok());
    const QString edited = f.scalar(QStringLiteral("SELECT id FROM ops.audit_log WHERE action = 'environment.locked'"));
    verified.clear();
    QTest::mouseClick(panel.verifyAuditButton(), Qt::LeftButton);
    ASSERT_TRUE(waitForCount(verified, 1));
    EXPECT_FALSE(verified.at(0).at(0).toBool());
    EXPECT_TRUE(panel.auditVerification().startsWith(QStringLiteral("Chain BROKEN at row %1").arg(edited)))
        << panel.auditVerification().toStdString();
}

TEST(DeploymentsTabTest, PromoteFromStagingShowsTheGateAndRecordsTheOverride)
{
    TabFixture f;
    const QString plan = QStringLiteral(
        R"({"key": "launch", "title": "Launch", "shape": "phase_based",
            "checkpoints": [{"key": "cp1", "title": "Launch readiness", "kind": "gate"}]})");
    ASSERT_TRUE(f.admin->exec(QStringLiteral("SELECT ops.import_plan(id, $1::jsonb) FROM ops.projects WHERE slug = 'demo'"), {plan}).ok());
    RolloutService production(*f.pool, *f.production, f.serviceConfig(QStringLiteral("production")));
    RolloutService staging(*f.pool, *f.staging, f.serviceConfig(QStringLiteral("staging")));
    DeploymentsPanel panel({&production, &staging});
    QString shownGate, sentence;
    panel.setConfirm([&](QWidget*, const RolloutPlan& p, QString* reason, QString* gateOverride) {
        shownGate = p.gateBlock;
        sentence = p.sentence();
        *reason = QStringLiteral("ship the fix");
        *gateOverride = QStringLiteral("outage fix; sign-off tomorrow");
        return true;
    });
    panel.show();
    QSignalSpy refreshed(&panel, &DeploymentsPanel::refreshed);
    panel.start();
    ASSERT_TRUE(waitForCount(refreshed, 1));
    QSignalSpy finished(&panel, &DeploymentsPanel::rolloutFinished);
    ASSERT_TRUE(panel.card(1)->promoteButton()->isEnabled()) << panel.card(1)->promoteButton()->toolTip().toStdString();
    QTest::mouseClick(panel.card(1)->promoteButton(), Qt::LeftButton);
    ASSERT_TRUE(waitForCount(finished, 1));
    EXPECT_EQ(sentence, QStringLiteral("Promote staging's v5 to production (now v4)"));
    EXPECT_EQ(shownGate, QStringLiteral("checkpoint \"Launch readiness\" is not signed"));
    EXPECT_EQ(finished.at(0).at(0).toString(), QStringLiteral("succeeded")) << finished.at(0).at(1).toString().toStdString();
    EXPECT_EQ(f.platform.liveVersion(), QStringLiteral("v5"));
    QTableWidget* operations = panel.operationsTable();
    ASSERT_TRUE(waitFor([&] { return operations->rowCount() >= 1 && operations->item(0, 2)->text() == QStringLiteral("promote"); }));
    EXPECT_EQ(operations->item(0, 7)->text(), QStringLiteral("outage fix; sign-off tomorrow"));
}

TEST(DeploymentsTabTest, RollbackIsReachableFromTheKeyboard)
{
    TabFixture f;
    RolloutService production(*f.pool, *f.production, f.serviceConfig(QStringLiteral("production")));
    DeploymentsPanel panel(production);
    panel.setConfirm([](QWidget*, const RolloutPlan&, QString*, QString*) { return true; });
    panel.show();
    QApplication::setActiveWindow(&panel);
    QSignalSpy refreshed(&panel, &DeploymentsPanel::refreshed);
    panel.start();
    ASSERT_TRUE(waitForCount(refreshed, 1));
    // Every button of the tab is in the Tab chain.
    QList<QWidget*> chain;
    for (QWidget* w = panel.nextInFocusChain(); w && w != &panel; w = w->nextInFocusChain())
        if (w->focusPolicy() & Qt::TabFocus)
            chain << w;
    for (QPushButton* button : panel.findChildren<QPushButton*>())
        EXPECT_TRUE(chain.contains(button)) << button->text().toStdString();
    // Alt+R is the rollback button's mnemonic.
    QSignalSpy finished(&panel, &DeploymentsPanel::rolloutFinished);
    QTest::keyClick(&panel, Qt::Key_R, Qt::AltModifier);
    ASSERT_TRUE(waitForCount(finished, 1));
    EXPECT_EQ(finished.at(0).at(0).toString(), QStringLiteral("succeeded"));
    EXPECT_EQ(f.platform.liveVersion(), QStringLiteral("v3"));
}
