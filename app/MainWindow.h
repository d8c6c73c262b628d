// SPDX-License-Identifier: MIT
#pragma once

// MainWindow: the four tabs (Health, Sandbox, Deployments, Standup), the menu and the status bar
// with the database state. Window geometry is kept in QSettings. GUI thread only.

#include "db/DatabaseBootstrap.h"
#include "db/Pool.h"

#include <QMainWindow>

class QAction;
class QComboBox;
class QLabel;
class QTabWidget;

namespace ops::app {

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    enum class Tab { Health = 0, Sandbox = 1, Deployments = 2, Standup = 3 };

    QTabWidget* tabs() const { return m_tabs; }
    // Puts a feature's panel in place of the tab's placeholder (the window takes ownership).
    void setPanel(Tab tab, QWidget* panel);
    QString databaseStatusText() const;
    QString poolStatusText() const;
    // The connection's protection: a warning for a remote host without TLS, a note otherwise
    // (empty for a local socket or loopback without TLS).
    QString transportSecurityText() const;
    // Saves one PNG per tab into `directory`, named after the tab ("health.png", ...).
    // Returns the files written, or an error naming the one that failed.
    ops::services::Result<QStringList> saveScreenshots(const QString& directory);

    // Who is connected: "Connected as alice · operator" in the status bar; the admin-only menu
    // entry is gated by the level.
    void showLoginIdentity(const QString& role, const QString& level);
    QString loginIdentityText() const;
    // The project switcher: the login's projects (slug, display name), `current` selected.
    // Choosing another emits projectSelected.
    void setProjects(const QList<QPair<QString, QString>>& projects, const QString& current);
    QComboBox* projectSwitcher() const { return m_projectSwitcher; }
    QAction* manageProjectsAction() const { return m_manageProjects; }

signals:
    void projectSelected(const QString& slug);
    void manageProjectsRequested();
    void settingsRequested();  // File > Settings… (Ctrl+,)

public slots:
    void showDatabaseReady(const ops::services::DatabaseStatus& status);
    void showDatabaseFailed(const ops::services::Error& error);
    // "Pool CLOSED · 1/5 in use · 0 waiting", coloured by circuit state.
    void showPoolMetrics(const ops::services::PoolMetrics& metrics);

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void createMenus();
    void showTransportSecurity(const ops::services::DatabaseStatus& status);
    QTabWidget* m_tabs = nullptr;
    QLabel* m_databaseLabel = nullptr;
    QLabel* m_poolLabel = nullptr;
    QLabel* m_transportLabel = nullptr;
    QLabel* m_identityLabel = nullptr;
    QComboBox* m_projectSwitcher = nullptr;
    QAction* m_manageProjects = nullptr;
};

} // namespace ops::app
