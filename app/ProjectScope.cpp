// SPDX-License-Identifier: MIT
#include "ProjectScope.h"

#include "ConsoleController.h"
#include "HealthTab.h"
#include "SecretPrompts.h"
#include "MainWindow.h"
#include "db/ProjectMembership.h"
#include "deployments/DeploymentsPanel.h"
#include "projects/ProjectAdminDialog.h"
#include "sandbox/SandboxPanel.h"
#include "standup/StandupPanel.h"

#include <QSettings>
#include <QTabWidget>

using namespace ops::services;

namespace ops::app {

namespace {

const QString kSettingsKey = QStringLiteral("project/current");

struct Session {
    LoginIdentity identity;
    std::vector<ProjectSummary> projects;
};

} // namespace

ProjectScope::ProjectScope(MainWindow& window, ConsoleController& controller, QObject* parent)
    : QObject(parent), m_window(window), m_controller(controller)
{
    connect(&m_window, &MainWindow::projectSelected, this, &ProjectScope::selectProject);
    connect(&m_window, &MainWindow::manageProjectsRequested, this, &ProjectScope::openAdminDialog);
}

void ProjectScope::start()
{
    loadProjects(QSettings().value(kSettingsKey, QStringLiteral("demo")).toString());
}

void ProjectScope::loadProjects(const QString& preferred)
{
    Pool* pool = m_controller.pool();
    if (!pool)
        return;
    pool->withClientAsync(QStringLiteral("GET /session"), [](Connection& c) -> Result<Session> {
        auto identity = loginIdentity(c);
        if (!identity)
            return identity.error();
        auto projects = memberProjects(c);
        if (!projects)
            return projects.error();
        return Session{identity.value(), projects.value()};
    }, CallOptions::idempotentUnit()).then(this, [this, preferred](Result<Session> session) {
        if (!session) {
            emit noProject(session.error().message);
            return;
        }
        m_roleLevel = session->identity.level;
        m_window.showLoginIdentity(session->identity.role, session->identity.level);
        QList<QPair<QString, QString>> choices;
        QString chosen;
        for (const ProjectSummary& p : session->projects) {
            choices.append({p.slug, p.name});
            if (p.slug == preferred || chosen.isEmpty())
                chosen = p.slug;  // the remembered one, else the first
        }
        m_window.setProjects(choices, chosen);
        if (chosen.isEmpty()) {
            emit noProject(tr("%1 is not a member of any project: an administrator can add it (ops-console members add).")
                               .arg(session->identity.role));
            return;
        }
        if (chosen != m_current)
            selectProject(chosen);
    });
}

void ProjectScope::selectProject(const QString& slug)
{
    Pool* pool = m_controller.pool();
    if (!pool || slug.isEmpty())
        return;
    m_current = slug;
    QSettings().setValue(kSettingsKey, slug);
    delete m_selection;
    m_selection = new QObject(this);
    // setPanel deletes the panel it replaces: each new panel reads only `slug`.
    m_window.setPanel(MainWindow::Tab::Standup, new ops::widgets::StandupPanel(*pool, m_controller.directOptions(), slug));
    auto* sandbox = new ops::widgets::SandboxPanel(pool, m_controller.directOptions(), slug);
    m_window.setPanel(MainWindow::Tab::Sandbox, sandbox);
    m_window.tabs()->setTabText(int(MainWindow::Tab::Sandbox), tr("Sandbox"));
    QObject::connect(sandbox, &ops::widgets::SandboxPanel::newSinceViewedChanged, &m_window, [this](int count) {
        m_window.tabs()->setTabText(int(MainWindow::Tab::Sandbox), count ? tr("Sandbox (%1 new)").arg(count) : tr("Sandbox"));
    });
    installHealthTab(m_window, m_controller, slug, m_selection);  // the Health tab and this console's collector
    // The demo platform is the demo project's provider only.
    auto installDeployments = [this, pool, slug] {
        m_window.setPanel(MainWindow::Tab::Deployments,
                          ops::widgets::createDeploymentsTab(*pool, slug, nullptr,
                                                             slug == QLatin1String("demo") ? m_controller.demoPlatform() : nullptr,
                                                             &m_controller.secrets()));
    };
    // An HTTP provider needs its token first (keyring, else asked once per run).
    if (ops::widgets::deployProviderNeedsToken())
        ensureDeployToken(&m_window, m_controller.secrets(), m_selection, m_deployTokenAsked, installDeployments);
    else
        installDeployments();
    emit projectInstalled(slug);
}

void ProjectScope::openAdminDialog()
{
    Pool* pool = m_controller.pool();
    if (!pool)
        return;
    auto* dialog = new ops::widgets::ProjectAdminDialog(*pool, m_roleLevel, &m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // A new project appears in the switcher at once.
    connect(dialog, &ops::widgets::ProjectAdminDialog::projectsChanged, this, [this] { loadProjects(m_current); });
    dialog->open();
}

} // namespace ops::app
