// SPDX-License-Identifier: MIT
#pragma once

// DeploymentsPanel: the Deployments tab. The environment with its current deployment, health
// and pinned/lock state; the rollback button; the history with health verdicts (rollback targets
// marked); the live output of the running operation; the project's audit log.
// Every service call runs on a worker thread (QtConcurrent) and comes back as a queued update:
// the GUI thread never waits on the database or the provider. One operation at a time from this
// panel; the database refuses a second one across consoles and the refusal is shown as is.

#include "deploy/RolloutService.h"

#include <QFuture>
#include <QWidget>

#include <functional>
#include <memory>

class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTableWidget;

namespace ops::services {
class DemoPlatform;
class DeployProvider;
}

namespace ops::widgets {

class DeploymentsPanel final : public QWidget {
    Q_OBJECT
public:
    // Asks the user to confirm a plan; may fill in a reason. Replaced by tests.
    using Confirm = std::function<bool(QWidget* parent, const ops::services::RollbackPlan& plan, QString* reason)>;

    DeploymentsPanel(ops::services::RolloutService& service, QWidget* parent = nullptr);
    ~DeploymentsPanel() override;

    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    QPushButton* rollbackButton() const { return m_rollback; }
    QString statusText() const;
    QString outputText() const;

public slots:
    void start();            // recover unfinished rollouts, then refresh
    void refresh();          // provider sync + snapshot, then redraw
    void startRollback();    // plan, confirm, run

signals:
    void refreshed();
    void rolloutFinished(const QString& state, const QString& message);

private:
    void showSnapshot(const ops::services::EnvironmentSnapshot& snapshot);
    void showError(const QString& message);
    void appendOutput(const QString& line);
    void setBusy(bool busy, const QString& why = {});

    ops::services::RolloutService& m_service;
    Confirm m_confirm;
    QLabel* m_status = nullptr;
    QPushButton* m_rollback = nullptr;
    QPushButton* m_refresh = nullptr;
    QTableWidget* m_history = nullptr;
    QTableWidget* m_audit = nullptr;
    QPlainTextEdit* m_output = nullptr;
    bool m_busy = false;
    QString m_roleLevel;
    QString m_unfinished;
    QFuture<void> m_running;
};

// The tab for the console: its own provider (OPS_DEPLOY_URL / OPS_DEPLOY_PROJECT /
// OPS_DEPLOY_TOKEN / OPS_HEALTH_URL, else the demo platform: `sharedDemo` when given, so the
// Health tab can probe the same one, otherwise one started here), service and panel, owned by
// the returned widget. Recovers unfinished rollouts on start.
QWidget* createDeploymentsTab(ops::services::Pool& pool, const QString& projectSlug = QStringLiteral("demo"),
                              QWidget* parent = nullptr, ops::services::DemoPlatform* sharedDemo = nullptr);

} // namespace ops::widgets
