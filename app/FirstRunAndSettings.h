// SPDX-License-Identifier: MIT
#pragma once

// The app's side of the first-run wizard and the settings dialog: showing the wizard before the
// database starts, applying what it chose once the database is up, and opening the settings
// dialog from the menu with the running console's pool and project.

#include "plan/FirstRunSetup.h"

#include <QString>

class QSettings;

namespace ops::services {
class SecretStore;
}

namespace ops::app {

class ConsoleController;
class MainWindow;

struct FirstRunOutcome {
    QString connectionString;  // empty: the embedded default; never holds the password
    ops::services::plan::FirstRunChoices choices;
};

// Modal, before the console starts its database (the caller checked AppOptions::wantsFirstRun).
FirstRunOutcome runFirstRunWizard(QSettings& settings, ops::services::SecretStore& secrets);

// Adds the wizard's monitor and plan to the "demo" project (the one a new console opens) once the
// database is ready; failures are logged and shown in the status bar, nothing is retried.
void applyFirstRunChoicesWhenReady(ConsoleController& controller, MainWindow& window,
                                   const ops::services::plan::FirstRunChoices& choices);

// File > Settings…: the dialog for the project the window shows.
void openSettingsDialog(MainWindow& window, ConsoleController& controller, QSettings& settings,
                        ops::services::SecretStore& secrets);

} // namespace ops::app
