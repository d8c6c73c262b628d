// SPDX-License-Identifier: MIT
#include "HealthTab.h"

#include "ConsoleController.h"
#include "MainWindow.h"
#include "db/Projects.h"
#include "health/HealthCollector.h"
#include "health/HealthPanel.h"
#include "health/LoadTestPanel.h"

#include <QCoreApplication>

using namespace ops::services;

namespace ops::app {

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
        return project;
    }, CallOptions::idempotentUnit()).then(selection ? selection : &window, [&window, pool, direct, demoHealthUrl](Result<qint64> project) {
        if (!project)
            return;  // the tab keeps its placeholder; the status bar already reports database problems
        auto* panel = new ops::widgets::HealthPanel(*pool, project.value(), direct);
        if (!demoHealthUrl.isEmpty())  // the team's `ab -n 1000 -c 50` step, ready to start
            panel->loadTestPanel()->setEndpoint(demoHealthUrl, 1000, 50);
        window.setPanel(MainWindow::Tab::Health, panel);
        QObject::connect(qApp, &QCoreApplication::aboutToQuit, panel, &ops::widgets::HealthPanel::stopLiveUpdates);
        CollectorConfig config;
        config.projectId = project.value();
        // The panel owns its collector: switching projects deletes both, and the collector's
        // destructor releases the lease.
        auto* collector = new HealthCollector(*pool, config, panel);
        // Release the lease before the pool shuts down, so another console takes over at once.
        QObject::connect(qApp, &QCoreApplication::aboutToQuit, collector, &HealthCollector::stop);
        collector->start();
    });
}

} // namespace ops::app
