// SPDX-License-Identifier: MIT
#include "HealthTab.h"

#include "ConsoleController.h"
#include "HealthAlertTray.h"
#include "MainWindow.h"
#include "db/Projects.h"
#include "health/AlertHistoryView.h"
#include "health/HealthCollector.h"
#include "health/HealthPanel.h"
#include "health/LoadTestPanel.h"
#include "SecretPrompts.h"

#include <QCoreApplication>
#include <QMenu>
#include <QMenuBar>

using namespace ops::services;

namespace ops::app {

namespace {

// Health > Enter a monitor secret...: into the console's SecretStore (besides OPS_SECRET_* and the keyring).
// One menu per window: a project switch replaces the panel and its collector, so the action is
// rebuilt for the new collector and dies with the old one (the collector is its context object).
void addSecretMenu(MainWindow& window, SecretStore& secrets, HealthCollector* collector)
{
    auto* menu = window.findChild<QMenu*>(QStringLiteral("healthMenu"));
    if (!menu) {
        menu = new QMenu(QObject::tr("H&ealth"), &window);
        menu->setObjectName(QStringLiteral("healthMenu"));
        const QList<QAction*> menus = window.menuBar()->actions();
        window.menuBar()->insertMenu(menus.isEmpty() ? nullptr : menus.last(), menu);  // before Help
    }
    menu->clear();
    menu->addAction(QObject::tr("Enter a monitor &secret..."), collector, [&window, &secrets, collector] {
        if (askForMonitorSecret(&window, secrets))
            collector->reloadChecks();
    });
}

} // namespace

void installHealthTab(MainWindow& window, ConsoleController& controller, const QString& projectSlug, QObject* selection)
{
    Pool* pool = controller.pool();
    if (!pool)
        return;
    const ConnectionOptions direct = controller.directOptions();
    // On the embedded default the demo platform is this project's monitor (its port is new on
    // every start, so the monitor's URL is updated each time).
    const QString demoHealthUrl = controller.demoPlatform() && projectSlug == QLatin1String("demo")
                                      ? controller.demoPlatform()->baseUrl() + QStringLiteral("/api/health")
                                      : QString();
    pool->withClientAsync(QStringLiteral("health.project"), [projectSlug, demoHealthUrl](Connection& c) -> Result<qint64> {
        auto project = projectIdBySlug(c, projectSlug);
        if (!project || demoHealthUrl.isEmpty())
            return project;
        auto monitor = c.exec(QStringLiteral("SELECT ops.ensure_monitor($1, $2, $3, $4)"),
                              {project.value(), QStringLiteral("demo platform"), demoHealthUrl, 5000});
        if (!monitor)
            return monitor.error();
        // The embedded database and this console's pool are watched too.
        auto own = c.exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'console database', '', 10000, 10000, 3, 200, 299, NULL, 'postgres'), "
                                         "       ops.ensure_monitor($1, 'console pool', '', 5000, 10000, 3, 200, 299, NULL, 'pool')"),
                          {project.value()});
        if (!own)
            return own.error();
        return project;
    }, CallOptions::idempotentUnit()).then(selection ? selection : &window, [&window, &controller, pool, direct, demoHealthUrl](Result<qint64> project) {
        if (!project)
            return;  // the tab keeps its placeholder; the status bar already reports database problems
        auto* panel = new ops::widgets::HealthPanel(*pool, project.value(), direct);
        if (!demoHealthUrl.isEmpty())  // the team's `ab -n 1000 -c 50` step, ready to start
            panel->loadTestPanel()->setEndpoint(demoHealthUrl, 1000, 50);
        window.setPanel(MainWindow::Tab::Health, panel);
        QObject::connect(qApp, &QCoreApplication::aboutToQuit, panel, &ops::widgets::HealthPanel::stopLiveUpdates);
        // One tray per window (the desktop actions make it; a bare window gets one here): its dot
        // follows the panel of the project shown now.
        auto* tray = window.findChild<HealthAlertTray*>();
        if (!tray)
            tray = new HealthAlertTray(&window);
        tray->showStatus({}, {});
        QObject::connect(panel, &ops::widgets::HealthPanel::statusShown, tray, &HealthAlertTray::showStatus);
        if (auto* alerts = panel->findChild<ops::widgets::AlertHistoryView*>()) {
            QObject::connect(alerts, &ops::widgets::AlertHistoryView::newAlert, tray, &HealthAlertTray::notify);
            QObject::connect(qApp, &QCoreApplication::aboutToQuit, alerts, &ops::widgets::AlertHistoryView::stopLiveUpdates);
        }
        CollectorConfig config;
        config.projectId = project.value();
        // Credentials of prometheus monitors: "health/<name>" in the console's SecretStore (the keyring,
        // OPS_SECRET_<NAME>, the menu below); the collector loads the names its monitors use.
        config.secrets = &controller.secrets();
        // The panel owns its collector: switching projects deletes both, and the collector's
        // destructor releases the lease.
        auto* collector = new HealthCollector(*pool, config, panel);
        // Release the lease before the pool shuts down, so another console takes over at once.
        QObject::connect(qApp, &QCoreApplication::aboutToQuit, collector, &HealthCollector::stop);
        collector->start();
        addSecretMenu(window, controller.secrets(), collector);
    });
}

} // namespace ops::app
