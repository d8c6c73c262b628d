// SPDX-License-Identifier: MIT
// The real confirmation dialog: it names the operation, shows the migration warning and a refusing
// promotion gate as plain text, and for an approver keeps OK disabled until an override reason is
// written.
#include "deployments/RolloutDialogs.h"

#include <QApplication>
#include <QDialogButtonBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTest>
#include <QTimer>

#include <gtest/gtest.h>

using namespace ops::services;

TEST(RolloutDialogsTest, ConfirmationShowsTheMigrationWarningAndRequiresAnOverrideReason)
{
    RolloutPlan plan;
    plan.kind = RolloutPlan::Kind::Promote;
    plan.environment = QStringLiteral("production");
    plan.sourceEnvironment = QStringLiteral("staging");
    plan.fromVersion = QStringLiteral("v3");
    plan.targetVersion = QStringLiteral("<b>v5</b>");
    plan.migrationWarning = QStringLiteral("v5 was built before the database migration 0012_x (applied 2026-11-23 10:00 UTC): "
                                           "the code goes back, the schema does not");
    plan.gateBlock = QStringLiteral("checkpoint \"Launch readiness\" is not signed");

    QStringList shown;
    bool okEnabledBeforeOverride = true;
    QTimer::singleShot(0, [&] {
        QWidget* dialog = QApplication::activeModalWidget();
        ASSERT_TRUE(dialog);
        for (QLabel* label : dialog->findChildren<QLabel*>())
            if (label->textFormat() == Qt::PlainText)
                shown << label->text();
        auto* buttons = dialog->findChild<QDialogButtonBox*>();
        QPushButton* ok = buttons->button(QDialogButtonBox::Ok);
        okEnabledBeforeOverride = ok->isEnabled();
        const QList<QLineEdit*> edits = dialog->findChildren<QLineEdit*>();
        ASSERT_EQ(edits.size(), 2);  // reason, override
        QTest::keyClicks(edits[0], QStringLiteral("ship it"));
        QTest::keyClicks(edits[1], QStringLiteral("outage fix"));
        ok->click();
    });
    QString reason, gateOverride;
    ASSERT_TRUE(ops::widgets::confirmRollout(nullptr, plan, true, &reason, &gateOverride));
    EXPECT_FALSE(okEnabledBeforeOverride) << "an override needs a written reason";
    EXPECT_EQ(reason, QStringLiteral("ship it"));
    EXPECT_EQ(gateOverride, QStringLiteral("outage fix"));
    EXPECT_TRUE(shown.contains(QStringLiteral("Promote staging's <b>v5</b> to production (now v3)?"))) << shown.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(shown.contains(QStringLiteral("Warning: ") + plan.migrationWarning)) << shown.join(QLatin1Char('\n')).toStdString();
    EXPECT_TRUE(shown.contains(QStringLiteral("The promotion gate refuses: checkpoint \"Launch readiness\" is not signed.")));
}

TEST(RolloutDialogsTest, AnOperatorIsToldTheGateWillRefuseAndGetsNoOverrideField)
{
    RolloutPlan plan;
    plan.kind = RolloutPlan::Kind::Promote;
    plan.environment = QStringLiteral("production");
    plan.targetVersion = QStringLiteral("v5");
    plan.gateBlock = QStringLiteral("checkpoint \"Launch readiness\" is no_go");
    int edits = -1;
    QTimer::singleShot(0, [&] {
        QWidget* dialog = QApplication::activeModalWidget();
        ASSERT_TRUE(dialog);
        edits = int(dialog->findChildren<QLineEdit*>().size());
        dialog->findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Cancel)->click();
    });
    QString reason, gateOverride;
    EXPECT_FALSE(ops::widgets::confirmRollout(nullptr, plan, false, &reason, &gateOverride));
    EXPECT_EQ(edits, 1) << "only the reason";
}
