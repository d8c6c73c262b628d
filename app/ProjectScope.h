// SPDX-License-Identifier: MIT
#pragma once

// ProjectScope: which project the window shows, and who is connected. Once the database is ready
// it reads the login's identity and projects (on the pool's workers), fills the status bar and the
// project switcher, and installs every tab's panel for the selected project. Each panel is built
// for one project, so choosing another replaces all four (the old ones are deleted with their
// listeners and the health collector, which releases its lease). The choice is remembered in
// QSettings. It also opens the administrator's projects dialog.

#include <QObject>
#include <QString>

namespace ops::app {

class ConsoleController;
class MainWindow;

class ProjectScope final : public QObject {
    Q_OBJECT
public:
    ProjectScope(MainWindow& window, ConsoleController& controller, QObject* parent = nullptr);

    // Call after ConsoleController::databaseReady.
    void start();
    QString currentProject() const { return m_current; }
    QString roleLevel() const { return m_roleLevel; }
    // Replaces every panel with one for `slug` (a project of the login's, from the switcher).
    void selectProject(const QString& slug);
    void openAdminDialog();

signals:
    void projectInstalled(const QString& slug);  // every tab now shows `slug`
    void noProject(const QString& reason);       // the login belongs to no project (or the query failed)

private:
    void loadProjects(const QString& preferred);

    MainWindow& m_window;
    ConsoleController& m_controller;
    bool m_deployTokenAsked = false;  // the deploy token prompt, once per run
    QString m_current;
    QString m_roleLevel;
    QObject* m_selection = nullptr;  // lives as long as the current choice: late answers for an old one are dropped
};

} // namespace ops::app
