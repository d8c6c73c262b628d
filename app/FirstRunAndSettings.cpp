// SPDX-License-Identifier: MIT
#include "FirstRunAndSettings.h"

#include "ConsoleController.h"
#include "MainWindow.h"

#include "common/SecretStore.h"
#include "db/ConnectionProfiles.h"
#include "db/Projects.h"
#include "health/HealthPanel.h"
#include "settings/FirstRunWizard.h"
#include "settings/SettingsDialog.h"

#include <QComboBox>
#include <QLoggingCategory>
#include <QSettings>
#include <QStatusBar>
#include <QTabWidget>

Q_LOGGING_CATEGORY(lcFirstRun, "ops.app.firstrun", QtInfoMsg)

namespace ops::app {

using namespace ops::services;

FirstRunOutcome runFirstRunWizard(QSettings& settings, SecretStore& secrets)
{
    ops::widgets::FirstRunWizard wizard(settings, secrets);
    wizard.exec();
    // The password just typed is in `secrets` under the profile's name: the controller finds it there.
    return FirstRunOutcome{wizard.connectionString(), wizard.choices()};
}

void applyFirstRunChoicesWhenReady(ConsoleController& controller, MainWindow& window, const plan::FirstRunChoices& choices)
{
    if (!choices.needsDatabase())
        return;
    QObject::connect(&controller, &ConsoleController::databaseReady, &window, [&controller, &window, choices] {
        controller.pool()->inTransactionAsync(QStringLiteral("POST /first-run"), [choices](Connection& c) -> Result<plan::FirstRunApplied> {
            auto project = projectIdBySlug(c, QStringLiteral("demo"));
            if (!project)
                return project.error();
            return plan::applyFirstRunChoices(c, *project, choices);
        }).then(&window, [&window](Result<plan::FirstRunApplied> applied) {
            if (!applied) {
                qCWarning(lcFirstRun).noquote() << "first-run choices not applied:" << applied.error().toString();
                window.statusBar()->showMessage(QObject::tr("The first-run monitor or plan was not saved: %1").arg(applied.error().message));
                return;
            }
            qCInfo(lcFirstRun) << "first-run choices applied: monitor" << applied->monitorId << "plan" << applied->planId;
        });
    }, Qt::SingleShotConnection);
}

void openSettingsDialog(MainWindow& window, ConsoleController& controller, QSettings& settings, SecretStore& secrets)
{
    QString project = window.projectSwitcher() ? window.projectSwitcher()->currentData().toString() : QString();
    if (project.isEmpty())
        project = QStringLiteral("demo");
    auto* dialog = new ops::widgets::SettingsDialog(settings, secrets, controller.pool(), project, &window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    QObject::connect(dialog, &ops::widgets::SettingsDialog::thresholdsRequested, &window, [&window, dialog] {
        window.tabs()->setCurrentIndex(int(MainWindow::Tab::Health));
        if (auto* health = window.tabs()->currentWidget()->findChild<ops::widgets::HealthPanel*>())
            health->showView(QStringLiteral("thresholds"));
        else if (auto* panel = qobject_cast<ops::widgets::HealthPanel*>(window.tabs()->currentWidget()))
            panel->showView(QStringLiteral("thresholds"));
        dialog->close();
    });
    dialog->open();
}

} // namespace ops::app
