// SPDX-License-Identifier: MIT
#pragma once

// SettingsDialog (File > Settings…, Ctrl+,): every first-run choice and more, changed later.
// Pages: Connection profiles, Monitors, Deploy providers, Thresholds (a way into the Health tab's
// editor), Retention. Each validates as you type; OK and Apply are disabled while any page has a
// problem. OK applies every page (database writes asynchronously) and closes when all succeeded;
// a failure keeps the dialog open with the reason.

#include <QDialog>

#include <vector>

class QListWidget;
class QLabel;
class QPushButton;
class QSettings;
class QStackedWidget;

namespace ops::services {
class Pool;
class SecretStore;
} // namespace ops::services

namespace ops::widgets {

class ConnectionsPage;
class DeployPage;
class MonitorsPage;
class ProblemLabel;
class RetentionPage;
class SettingsPage;

class SettingsDialog final : public QDialog {
    Q_OBJECT
public:
    // pool: null before the database is up (the database pages say so). projectSlug: the project
    // the Monitors and Retention pages edit.
    SettingsDialog(QSettings& settings, ops::services::SecretStore& secrets, ops::services::Pool* pool,
                   const QString& projectSlug, QWidget* parent = nullptr);

    ConnectionsPage* connectionsPage() const { return m_connections; }
    MonitorsPage* monitorsPage() const { return m_monitors; }
    DeployPage* deployPage() const { return m_deploy; }
    RetentionPage* retentionPage() const { return m_retention; }
    QPushButton* okButton() const { return m_ok; }
    QPushButton* applyButton() const { return m_apply; }
    QString errorText() const;
    // Selects the page whose title this is.
    void showPage(const QString& title);

signals:
    void thresholdsRequested();
    void applied(bool ok);

private:
    void updateButtons();
    void applyAll(bool closeWhenDone);

    std::vector<SettingsPage*> m_pages;
    ConnectionsPage* m_connections = nullptr;
    MonitorsPage* m_monitors = nullptr;
    DeployPage* m_deploy = nullptr;
    RetentionPage* m_retention = nullptr;
    QListWidget* m_navigation = nullptr;
    QStackedWidget* m_stack = nullptr;
    ProblemLabel* m_error = nullptr;
    QPushButton* m_ok = nullptr;
    QPushButton* m_apply = nullptr;
    int m_pending = 0;  // pages still applying
};

} // namespace ops::widgets
