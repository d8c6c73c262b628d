// SPDX-License-Identifier: MIT
#pragma once

// FirstRunWizard: shown once, before the console starts its database, when nothing is saved yet.
// Pages: Database (the embedded default, or an existing server: DSN fields, TLS, password into the
// SecretStore), Platform health URL (optional), Plan import (optional; the importer's report is
// shown before anything is imported), Finish. Finishing saves the connection profile (never the
// password) and marks the first run done; skipping keeps the embedded default and only marks it.
// What needs the database (the monitor, the plan) is returned by choices() and applied by the app
// once the database is up (plan/FirstRunSetup).

#include "plan/FirstRunSetup.h"
#include "plan/PlanImporter.h"

#include <QFutureWatcher>
#include <QWizard>

class QLineEdit;
class QPlainTextEdit;
class QRadioButton;
class QSettings;

namespace ops::services {
class SecretStore;
}

namespace ops::widgets {

class ConnectionProfileEditor;
class ProblemLabel;

class FirstRunWizard final : public QWizard {
    Q_OBJECT
public:
    enum PageId { DatabasePage, HealthPage, PlanPage, FinishPage };

    FirstRunWizard(QSettings& settings, ops::services::SecretStore& secrets, QWidget* parent = nullptr);
    ~FirstRunWizard() override;

    // After the wizard closed: empty for the embedded default, else the chosen profile's string.
    QString connectionString() const { return m_connectionString; }
    ops::services::plan::FirstRunChoices choices() const { return m_choices; }

    // For tests.
    QRadioButton* existingDatabaseButton() const { return m_existing; }
    ConnectionProfileEditor* databaseEditor() const { return m_editor; }
    QLineEdit* healthUrlEdit() const { return m_healthUrl; }
    QLineEdit* planFileEdit() const { return m_planFile; }
    QString planReport() const;
    bool planChecking() const { return m_planWatcher.isRunning(); }

    void done(int result) override;

signals:
    void planChecked(bool usable);

private:
    QWizardPage* createDatabasePage();
    QWizardPage* createHealthPage();
    QWizardPage* createPlanPage();
    QWizardPage* createFinishPage();
    void checkPlanFile();
    QString summary() const;

    QSettings& m_settings;
    ops::services::SecretStore& m_secrets;
    QRadioButton* m_embedded = nullptr;
    QRadioButton* m_existing = nullptr;
    ConnectionProfileEditor* m_editor = nullptr;
    QLineEdit* m_healthUrl = nullptr;
    ProblemLabel* m_healthProblem = nullptr;
    QLineEdit* m_planFile = nullptr;
    QPlainTextEdit* m_planReport = nullptr;
    ProblemLabel* m_planProblem = nullptr;
    QString m_planPath;  // the file being read or last read
    std::optional<ops::services::plan::Plan> m_checkedPlan;  // the file's plan when usable
    QFutureWatcher<ops::services::Result<ops::services::plan::ImportResult>> m_planWatcher;
    QString m_connectionString;
    ops::services::plan::FirstRunChoices m_choices;
};

} // namespace ops::widgets
