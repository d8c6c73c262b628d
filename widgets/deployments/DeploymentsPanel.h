// SPDX-License-Identifier: MIT
#pragma once

// DeploymentsPanel: the Deployments tab. The environments side by side (EnvironmentCard: current
// deployment, health, pinned/lock state, buttons); the history of deployments (health verdicts,
// who built them) and of operations (who rolled back, undid, promoted; rollbacks marked); the
// running operation's timeline of states, its live output (the command provider's lines as they
// arrive) and a Cancel button; the project's audit log with "Verify chain".
// Every service call runs on a worker thread (QtConcurrent) and comes back as a queued update:
// the GUI thread never waits on the database or the provider. One operation at a time from this
// panel; the database refuses a second one across consoles and the refusal is shown as is.

#include "deploy/RolloutService.h"

#include <QDateTime>
#include <QFuture>
#include <QWidget>

#include <atomic>
#include <functional>
#include <memory>

class QLabel;
class QListWidget;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace ops::services {
class DemoPlatform;
class DeployProvider;
class SecretStore;
}

namespace ops::widgets {

class OperationProgress;

class EnvironmentCard;

class DeploymentsPanel final : public QWidget {
    Q_OBJECT
public:
    // Asks the user to confirm a plan; fills in a reason and, for a refusing promotion gate, an
    // approver's override reason. Replaced by tests.
    using Confirm = std::function<bool(QWidget* parent, const ops::services::RolloutPlan& plan, QString* reason,
                                       QString* gateOverride)>;
    // Asks why and until when to lock an environment. Replaced by tests.
    using AskLock = std::function<bool(QWidget* parent, const QString& environment, QString* reason, QDateTime* until)>;

    // `environments`: one service per environment, shown left to right; the first one is where
    // the others promote to (production). The services outlive the panel.
    explicit DeploymentsPanel(const QList<ops::services::RolloutService*>& environments, QWidget* parent = nullptr);
    explicit DeploymentsPanel(ops::services::RolloutService& service, QWidget* parent = nullptr);
    ~DeploymentsPanel() override;

    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    void setAskLock(AskLock askLock) { m_askLock = std::move(askLock); }

    EnvironmentCard* card(int environment = 0) const { return m_cards.value(environment); }
    QPushButton* rollbackButton(int environment = 0) const;
    QPushButton* cancelButton() const { return m_cancel; }
    QProgressBar* runningBar() const { return m_runningBar; }  // busy while an operation runs
    QPushButton* verifyAuditButton() const { return m_verifyAudit; }
    QString statusText(int environment = 0) const;
    QString outputText() const;
    QStringList timeline() const;
    QString auditVerification() const;
    OperationProgress* auditProgress() const { return m_auditProgress; }
    QTableWidget* operationsTable() const { return m_operations; }

public slots:
    void start();                        // recover unfinished rollouts, then refresh
    void refresh();                      // provider sync + snapshot of every environment, then redraw
    void startRollback(int environment = 0);
    void startUndo(int environment = 0);
    void startPromotion(int environment);  // this environment's current deployment to the first one
    void lockOrUnlock(int environment, bool lock);
    void verifyAudit();
    void cancelOperation();

signals:
    void refreshed();
    void rolloutFinished(const QString& state, const QString& message);
    void auditVerified(bool intact);

private:
    using Planner = std::function<ops::services::Result<ops::services::RolloutPlan>(ops::services::RolloutService&)>;
    // Plan on a worker, confirm here, run on a worker, report, refresh.
    void runOperation(int environment, const QString& what, Planner planner);
    void showSnapshots(const QList<ops::services::Result<ops::services::EnvironmentSnapshot>>& snapshots,
                       const QStringList& syncProblems);
    void appendOutput(const QString& line);
    void addTimelineEntry(const QString& state, const QString& message);
    void setBusy(const QString& why);  // empty: idle
    void updateButtons();

    QList<ops::services::RolloutService*> m_services;
    QList<EnvironmentCard*> m_cards;
    Confirm m_confirm;
    AskLock m_askLock;
    QPushButton* m_refresh = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_runningBar = nullptr;
    QPushButton* m_verifyAudit = nullptr;
    QLabel* m_auditResult = nullptr;
    OperationProgress* m_auditProgress = nullptr;  // "Verify chain": rows so far, Cancel
    // Set by Cancel, read by the verifying worker between pages; shared so a worker outliving the
    // panel never reads freed memory.
    std::shared_ptr<std::atomic<bool>> m_auditCancel = std::make_shared<std::atomic<bool>>(false);
    QTableWidget* m_history = nullptr;
    QTableWidget* m_operations = nullptr;
    QTableWidget* m_audit = nullptr;
    QListWidget* m_timeline = nullptr;
    QPlainTextEdit* m_output = nullptr;
    QString m_busy;
    QFuture<void> m_running;       // the panel's one operation or refresh
    QFuture<void> m_auditRunning;  // "Verify chain", independent of it
};

// True when the Deployments tab will talk to an HTTP provider that needs the "deploy/default" token:
// OPS_DEPLOY_URL is set (CI) or Settings > Deploy providers chose HTTP (deploy/kind = http).
bool deployProviderNeedsToken();

// The tab for the console: its providers (OPS_DEPLOY_URL / OPS_DEPLOY_PROJECT / the token "deploy/default" of `secrets` /
// OPS_HEALTH_URL, else the demo platform: `sharedDemo` when given, so the Health tab can probe the
// same one, otherwise one started here; production is the provider's production target, staging
// its preview builds; with deploy/commandRollback in the settings, production uses the command
// provider), services and panel, owned by the returned widget. Recovers unfinished rollouts on start.
QWidget* createDeploymentsTab(ops::services::Pool& pool, const QString& projectSlug = QStringLiteral("demo"),
                              QWidget* parent = nullptr, ops::services::DemoPlatform* sharedDemo = nullptr,
                              const ops::services::SecretStore* secrets = nullptr);

} // namespace ops::widgets
