// SPDX-License-Identifier: MIT
// Who is connected and which project every tab shows: the real console controller against a real
// database, logged in as a real login role. Switching projects replaces what the panels show;
// the administrator's dialog is refused to anyone else.
#include "ConsoleWindowFixture.h"
#include "projects/ProjectAdminDialog.h"
#include "sandbox/SandboxPanel.h"
#include "sandbox/ViolationTableModel.h"

#include <QAction>
#include <QPushButton>
#include <QComboBox>
#include <QSettings>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>

#include <gtest/gtest.h>

using namespace ops::app;
using namespace ops::services;
using ops::testing::TestCluster;
using ops::testing::waitFor;
using ops::testing::waitForCount;

namespace {

class ProjectScopeTest : public ConsoleWindowFixture {
protected:
    // Starts the console as `login` and waits until every tab shows a project.
    ProjectScope& startConsoleAs(const QString& login) { return openConsoleAs(login); }

    ops::widgets::SandboxPanel* sandboxPanel() const
    {
        return qobject_cast<ops::widgets::SandboxPanel*>(m_window->tabs()->widget(int(MainWindow::Tab::Sandbox)));
    }

    // Every cell the Sandbox tab's table shows, once it has rows.
    QString sandboxText() const
    {
        QString all;
        (void)waitFor([&] { return sandboxPanel() && sandboxPanel()->model() && sandboxPanel()->model()->rowCount() > 0; });
        auto* model = sandboxPanel() ? sandboxPanel()->model() : nullptr;
        for (int row = 0; model && row < model->rowCount(); ++row)
            for (int column = 0; column < model->columnCount(); ++column)
                all += model->data(model->index(row, column), Qt::DisplayRole).toString() + QLatin1Char('|');
        return all;
    }
};

// The button labelled `text` on `tab`, once the tab's panel has one.
QPushButton* button(MainWindow& window, MainWindow::Tab tab, const QString& text)
{
    QPushButton* found = nullptr;
    (void)waitFor([&] {
        for (QPushButton* b : window.tabs()->widget(int(tab))->findChildren<QPushButton*>())
            if (b->text() == text)
                found = b;
        return found != nullptr;
    });
    return found;
}

// Waits until the gate has run (the role is read asynchronously), then checks the control.
void expectGated(QWidget* control, const QString& why)
{
    ASSERT_TRUE(control);
    EXPECT_TRUE(waitFor([&] { return control->toolTip() == why; })) << control->toolTip().toStdString();
    EXPECT_FALSE(control->isEnabled());
}

} // namespace

TEST_F(ProjectScopeTest, AViewersMutatingControlsAreDisabledAndSayWhyOnEveryPanel)
{
    const QString login = member(QStringLiteral("ops_viewer"), QStringLiteral("scopeviewer"));
    startConsoleAs(login);
    EXPECT_EQ(m_window->loginIdentityText(), QStringLiteral("Connected as %1 · viewer").arg(login));
    const QString operatorNeeded = QStringLiteral("Needs the ops_operator role; you are connected as viewer.");
    expectGated(button(*m_window, MainWindow::Tab::Sandbox, QStringLiteral("Acknowledge")), operatorNeeded);
    expectGated(button(*m_window, MainWindow::Tab::Standup, QStringLiteral("Raise")), operatorNeeded);
    expectGated(button(*m_window, MainWindow::Tab::Standup, QStringLiteral("Sign Go")),
                QStringLiteral("Needs the ops_approver role; you are connected as viewer."));
    expectGated(m_window->tabs()->widget(int(MainWindow::Tab::Health))->findChild<QPushButton*>(QStringLiteral("saveThresholds")),
                operatorNeeded);
    expectGated(button(*m_window, MainWindow::Tab::Health, QStringLiteral("Start load test")), operatorNeeded);
}

TEST_F(ProjectScopeTest, TheWindowShowsWhoIsConnectedAndSwitchingProjectsChangesWhatThePanelsShow)
{
    const QString login = member(QStringLiteral("ops_operator"), QStringLiteral("scope"), /*inBeta=*/true);
    ProjectScope& scope = startConsoleAs(login);

    EXPECT_EQ(m_window->loginIdentityText(), QStringLiteral("Connected as %1 · operator").arg(login));
    // Only the login's projects: not the demo project it does not belong to.
    QComboBox* switcher = m_window->projectSwitcher();
    ASSERT_EQ(switcher->count(), 2);
    EXPECT_EQ(switcher->itemData(0).toString(), QStringLiteral("alpha"));
    EXPECT_EQ(switcher->itemData(1).toString(), QStringLiteral("beta"));
    EXPECT_EQ(scope.currentProject(), QStringLiteral("alpha"));
    const QString alphaView = sandboxText();
    EXPECT_TRUE(alphaView.contains(QStringLiteral("alpha-only"))) << alphaView.toStdString();
    EXPECT_FALSE(alphaView.contains(QStringLiteral("beta-only")));

    QSignalSpy installed(&scope, &ProjectScope::projectInstalled);
    switcher->setCurrentIndex(1);
    emit switcher->activated(1);  // what a click on "beta" sends
    ASSERT_EQ(installed.count(), 1);
    const QString betaView = sandboxText();
    EXPECT_TRUE(betaView.contains(QStringLiteral("beta-only"))) << betaView.toStdString();
    EXPECT_FALSE(betaView.contains(QStringLiteral("alpha-only")));
    EXPECT_EQ(QSettings().value(QStringLiteral("project/current")).toString(), QStringLiteral("beta"));

    // An operator may not manage projects: the menu entry says why.
    QAction* manage = m_window->manageProjectsAction();
    EXPECT_FALSE(manage->isEnabled());
    EXPECT_EQ(manage->toolTip(), QStringLiteral("Needs the ops_admin role; you are connected as operator."));
}

TEST_F(ProjectScopeTest, TheAdminDialogIsRefusedToANonAdministratorAndWorksForAnAdministrator)
{
    const QString login = member(QStringLiteral("ops_approver"), QStringLiteral("scope"));
    startConsoleAs(login);
    ops::widgets::ProjectAdminDialog refused(*m_controller->pool(), QStringLiteral("approver"));
    EXPECT_TRUE(refused.isRefused());
    EXPECT_EQ(refused.message(), QStringLiteral("Needs the ops_admin role; you are connected as approver."));
    QSignalSpy changed(&refused, &ops::widgets::ProjectAdminDialog::changed);
    refused.createProject(QStringLiteral("gamma"), QStringLiteral("Gamma"));
    EXPECT_EQ(changed.count(), 1);
    EXPECT_EQ(m_owner->exec(QStringLiteral("SELECT count(*) FROM ops.projects WHERE slug = 'gamma'"))->scalar(), QStringLiteral("0"));

    // An administrator's dialog creates a project and adds the approver to it.
    m_window.reset();
    m_controller->shutdown();
    m_controller.reset();  // a new console, logged in as the administrator
    const QString admin = member(QStringLiteral("ops_admin"), QStringLiteral("scopeadmin"));
    startConsoleAs(admin);
    EXPECT_TRUE(m_window->manageProjectsAction()->isEnabled());
    ops::widgets::ProjectAdminDialog dialog(*m_controller->pool(), QStringLiteral("admin"));
    ASSERT_FALSE(dialog.isRefused());
    QSignalSpy done(&dialog, &ops::widgets::ProjectAdminDialog::changed);
    QSignalSpy loaded(&dialog, &ops::widgets::ProjectAdminDialog::loaded);
    ASSERT_TRUE(waitForCount(loaded, 1)) << dialog.message().toStdString();  // the first list of projects and the selected one's members
    dialog.createProject(QStringLiteral("gamma"), QStringLiteral("Gamma"));
    ASSERT_TRUE(waitForCount(done, 1));
    EXPECT_TRUE(dialog.message().contains(QStringLiteral("gamma created"))) << dialog.message().toStdString();
    ASSERT_TRUE(waitForCount(loaded, 2)) << dialog.message().toStdString();  // the reload that selects gamma
    dialog.addMember(login);
    ASSERT_TRUE(waitForCount(done, 2));
    QStringList expected{admin, login};
    expected.sort();  // byte order, as COLLATE "C"
    EXPECT_EQ(m_owner->exec(QStringLiteral("SELECT string_agg(m.member::text, ',' ORDER BY m.member::text COLLATE \"C\") "
                                           "FROM ops.project_members m JOIN ops.projects p ON p.id = m.project_id WHERE p.slug = 'gamma'"))->scalar(),
              expected.join(QLatin1Char(',')));
}
