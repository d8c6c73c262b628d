// SPDX-License-Identifier: MIT
// Who is connected and which project every tab shows: the real console controller against a real
// database, logged in as a real login role. Switching projects replaces what the panels show;
// the administrator's dialog is refused to anyone else.
#include "ConsoleController.h"
#include "MainWindow.h"
#include "ProjectScope.h"
#include "TestCluster.h"
#include "Wait.h"
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

class ProjectScopeTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok());
        m_database = database->database();
        m_owner = TestCluster::shared().connect(m_database);
        ASSERT_TRUE(m_owner);
        m_alpha = project(QStringLiteral("alpha"));
        m_beta = project(QStringLiteral("beta"));
        QSettings().remove(QStringLiteral("project/current"));
    }

    void TearDown() override
    {
        m_window.reset();
        if (m_controller)
            m_controller->shutdown();
    }

    qint64 project(const QString& slug)
    {
        auto id = m_owner->exec(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ($1, initcap($1)) RETURNING id"), {slug});
        EXPECT_TRUE(id.ok());
        auto violation = m_owner->exec(QStringLiteral("SELECT ops.report_violation($1, now(), 'm', 'a', 's', 'network', 'connect', $2, "
                                                      "'r', 'blocked', 'high', 'raw')"),
                                       {id->toInt64(0, 0), slug + QStringLiteral("-only.example.org:443")});
        EXPECT_TRUE(violation.ok()) << violation.error().toString().toStdString();
        return id->toInt64(0, 0);
    }

    // Starts the console as `login` and waits until every tab shows a project.
    ProjectScope& startConsoleAs(const QString& login)
    {
        m_controller = std::make_unique<ConsoleController>(
            ops::services::DatabaseTarget{TestCluster::shared().connectionString(m_database, login), m_dataDirectory.path()},
            m_secrets);
        m_window = std::make_unique<MainWindow>();
        auto* scope = new ProjectScope(*m_window, *m_controller, m_window.get());
        QObject::connect(m_controller.get(), &ConsoleController::databaseReady, scope, &ProjectScope::start);
        QSignalSpy installed(scope, &ProjectScope::projectInstalled);
        m_controller->start();
        EXPECT_TRUE(waitForCount(installed, 1)) << "no project was installed";
        return *scope;
    }

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

    QTemporaryDir m_dataDirectory;
    QString m_database;
    std::unique_ptr<Connection> m_owner;
    qint64 m_alpha = 0;
    qint64 m_beta = 0;
    ops::services::SecretStore m_secrets{QStringLiteral("ops-console-tests"), /*useKeyring=*/false};
    std::unique_ptr<ConsoleController> m_controller;
    std::unique_ptr<MainWindow> m_window;
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
    const QString login = TestCluster::createMember(*m_owner, QStringLiteral("ops_viewer"), m_alpha, QStringLiteral("scopeviewer"));
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
    const QString login = TestCluster::createMember(*m_owner, QStringLiteral("ops_operator"), m_alpha, QStringLiteral("scope"));
    ASSERT_TRUE(m_owner->exec(QStringLiteral("INSERT INTO ops.project_members (project_id, member) VALUES ($1, $2)"), {m_beta, login}).ok());
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
    const QString login = TestCluster::createMember(*m_owner, QStringLiteral("ops_approver"), m_alpha, QStringLiteral("scope"));
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
    const QString admin = TestCluster::createMember(*m_owner, QStringLiteral("ops_admin"), m_alpha, QStringLiteral("scopeadmin"));
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
