// SPDX-License-Identifier: MIT
#include "deployments/DeploymentsPanel.h"

#include "common/SecretStore.h"
#include "common/RoleGate.h"
#include "common/ColumnFit.h"
#include "common/OperationProgress.h"

#include "common/PlainToolTip.h"
#include "demo/DemoPlatform.h"
#include "deploy/AuditVerifier.h"
#include "deploy/CommandDeployProvider.h"
#include "deploy/HttpDeployProvider.h"
#include "deployments/EnvironmentCard.h"
#include "deployments/RolloutDialogs.h"

#include <QApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QUuid>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ops::widgets {

using namespace ops::services;

namespace {

// `objectName` keys the remembered column layout; `name` is what a screen reader announces.
QTableWidget* makeTable(const QStringList& headers, const QString& objectName, const QString& name, QWidget* parent)
{
    auto* table = new QTableWidget(0, int(headers.size()), parent);
    table->setObjectName(objectName);
    table->setAccessibleName(name);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->setTabKeyNavigation(false);  // Tab leaves the table: the rest of the tab stays keyboard reachable
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

// Plain text: provider data, reasons and messages are never rendered as markup.
QTableWidgetItem* item(const QString& text) { return new QTableWidgetItem(text); }

void setRow(QTableWidget* table, int row, const QStringList& cells)
{
    for (int column = 0; column < cells.size(); ++column)
        table->setItem(row, column, item(cells[column]));
}

QString utc(const QDateTime& time, const QString& format = QStringLiteral("yyyy-MM-dd HH:mm:ss"))
{
    return time.isValid() ? time.toUTC().toString(format) : QString();
}

bool mayOverrideGate(const QString& roleLevel)
{
    return roleLevel == QLatin1String("approver") || roleLevel == QLatin1String("admin");
}

} // namespace

DeploymentsPanel::DeploymentsPanel(RolloutService& service, QWidget* parent)
    : DeploymentsPanel(QList<RolloutService*>{&service}, parent)
{
}

DeploymentsPanel::DeploymentsPanel(const QList<RolloutService*>& environments, QWidget* parent)
    : QWidget(parent), m_services(environments)
{
    m_confirm = [this](QWidget* parentWidget, const RolloutPlan& plan, QString* reason, QString* gateOverride) {
        return confirmRollout(parentWidget, plan, mayOverrideGate(m_cards.first()->snapshot().roleLevel), reason, gateOverride);
    };
    m_askLock = askLock;

    auto* layout = new QVBoxLayout(this);
    // The environments side by side.
    auto* cards = new QHBoxLayout;
    for (int i = 0; i < m_services.size(); ++i) {
        RolloutService* service = m_services[i];
        auto* card = new EnvironmentCard(service->environmentName(), i == 0 ? QString() : m_services.first()->environmentName(), this);
        m_cards.append(card);
        cards->addWidget(card, 1);
        connect(card, &EnvironmentCard::rollbackClicked, this, [this, i] { startRollback(i); });
        connect(card, &EnvironmentCard::undoClicked, this, [this, i] { startUndo(i); });
        connect(card, &EnvironmentCard::promoteClicked, this, [this, i] { startPromotion(i); });
        connect(card, &EnvironmentCard::lockClicked, this, [this, i] { lockOrUnlock(i, true); });
        connect(card, &EnvironmentCard::unlockClicked, this, [this, i] { lockOrUnlock(i, false); });
        // Progress and states arrive on the worker thread; the panel shows them on its own.
        QPointer<DeploymentsPanel> self(this);
        service->setProgressListener([self](const QString& line) {
            QMetaObject::invokeMethod(qApp, [self, line] { if (self) self->appendOutput(line); }, Qt::QueuedConnection);
        });
        service->setStateListener([self](qint64 rollout, const QString& state, const QString& message) {
            QMetaObject::invokeMethod(qApp, [self, rollout, state, message] {
                if (self)
                    self->addTimelineEntry(tr("%1  (rollout %2)").arg(state).arg(rollout), message);
            }, Qt::QueuedConnection);
        });
    }
    if (!m_cards.isEmpty())
        m_cards.first()->rollbackButton()->setText(tr("&Roll back"));  // Alt+R: the button that matters most
    m_refresh = new QPushButton(tr("Re&fresh"), this);
    cards->addWidget(m_refresh, 0, Qt::AlignTop);
    layout->addLayout(cards);

    auto* split = new QSplitter(Qt::Horizontal, this);
    split->setObjectName(QStringLiteral("deploymentsSplitter"));  // sizes remembered by name
    auto* history = new QTabWidget(split);
    m_history = makeTable({tr("Environment"), QString(), tr("Version"), tr("Health"),
                           tr("Created (UTC)"), tr("Built by"), tr("Provider id")},
                          QStringLiteral("deploymentHistory"), tr("Deployment history"), history);
    m_operations = makeTable({tr("Environment"), tr("Requested (UTC)"), tr("Operation"),
                              tr("From -> to"), tr("Initiated by"), tr("State"),
                              tr("Reason"), tr("Gate override"), tr("Message")},
                             QStringLiteral("operationHistory"), tr("Operation history"), history);
    auto* auditPage = new QWidget(history);
    auto* auditLayout = new QVBoxLayout(auditPage);
    auto* auditTop = new QHBoxLayout;
    m_verifyAudit = new QPushButton(tr("&Verify chain"), auditPage);
    m_verifyAudit->setObjectName(QStringLiteral("verifyAuditButton"));
    m_verifyAudit->setToolTip(tr("Recompute the audit log's hash chain and report the first broken link"));
    m_auditResult = new QLabel(auditPage);
    m_auditResult->setTextFormat(Qt::PlainText);
    m_auditResult->setObjectName(QStringLiteral("auditVerification"));
    auditTop->addWidget(m_verifyAudit);
    auditTop->addWidget(m_auditResult, 1);
    m_audit = makeTable({QStringLiteral("#"), tr("At (UTC)"), tr("Who"), tr("Action"),
                         tr("Subject")}, QStringLiteral("auditLog"), tr("Audit log"), auditPage);
    m_auditProgress = new OperationProgress(auditPage);
    m_auditProgress->setObjectName(QStringLiteral("auditProgress"));
    auditLayout->addLayout(auditTop);
    auditLayout->addWidget(m_auditProgress);
    auditLayout->addWidget(m_audit, 1);
    history->addTab(m_history, tr("&Deployments"));
    history->addTab(m_operations, tr("&Operations"));
    history->addTab(auditPage, tr("&Audit log"));

    // The running operation: its states, its output, its Cancel.
    auto* running = new QWidget(split);
    auto* runningLayout = new QVBoxLayout(running);
    runningLayout->setContentsMargins(0, 0, 0, 0);
    auto* runningTop = new QHBoxLayout;
    auto* runningTitle = new QLabel(tr("Running operation"), running);
    m_cancel = new QPushButton(tr("&Cancel operation"), running);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setEnabled(false);
    m_cancel->setToolTip(tr("No operation is running"));
    // A rollout has no measurable fraction (the provider decides how long it takes): a busy bar.
    m_runningBar = new QProgressBar(running);
    m_runningBar->setObjectName(QStringLiteral("operationRunning"));
    m_runningBar->setAccessibleName(tr("Operation running"));
    m_runningBar->setRange(0, 0);
    m_runningBar->setMaximumWidth(160);
    m_runningBar->setVisible(false);
    runningTop->addWidget(runningTitle, 1);
    runningTop->addWidget(m_runningBar);
    runningTop->addWidget(m_cancel);
    m_timeline = new QListWidget(running);
    m_timeline->setObjectName(QStringLiteral("rolloutTimeline"));
    m_timeline->setAccessibleName(tr("Operation timeline"));
    m_timeline->setMaximumHeight(120);
    m_output = new QPlainTextEdit(running);
    m_output->setReadOnly(true);
    m_output->setObjectName(QStringLiteral("rolloutOutput"));
    m_output->setAccessibleName(tr("Operation output"));
    m_output->setPlaceholderText(tr("Output of the running operation, line by line as it arrives"));
    runningLayout->addLayout(runningTop);
    runningLayout->addWidget(m_timeline);
    runningLayout->addWidget(m_output, 1);
    split->addWidget(history);
    split->addWidget(running);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    layout->addWidget(split, 1);

    connect(m_refresh, &QPushButton::clicked, this, &DeploymentsPanel::refresh);
    // At quit the console shuts its pool down before the window (and this panel) goes: a worker
    // still using the pool then would outlive it. Let the running work end first (a rollout is
    // finished, not abandoned half-way).
    connect(qApp, &QCoreApplication::aboutToQuit, this, [this] {
        m_running.waitForFinished();
        m_auditRunning.waitForFinished();
    });
    connect(m_cancel, &QPushButton::clicked, this, &DeploymentsPanel::cancelOperation);
    connect(m_verifyAudit, &QPushButton::clicked, this, &DeploymentsPanel::verifyAudit);
    connect(m_auditProgress, &OperationProgress::cancelRequested, this, [this] { m_auditCancel->store(true); });
}

DeploymentsPanel::~DeploymentsPanel()
{
    // The workers refer to the services, which may outlive the panel: let them finish, then
    // stop the services from calling back into it.
    m_running.waitForFinished();
    m_auditRunning.waitForFinished();
    for (RolloutService* service : m_services) {
        service->setProgressListener({});
        service->setStateListener({});
    }
}

QPushButton* DeploymentsPanel::rollbackButton(int environment) const
{
    return m_cards.value(environment) ? m_cards[environment]->rollbackButton() : nullptr;
}

QString DeploymentsPanel::statusText(int environment) const
{
    return m_cards.value(environment) ? m_cards[environment]->statusText() : QString();
}

QString DeploymentsPanel::outputText() const { return m_output->toPlainText(); }

QStringList DeploymentsPanel::timeline() const
{
    QStringList entries;
    for (int i = 0; i < m_timeline->count(); ++i)
        entries << m_timeline->item(i)->text();
    return entries;
}

QString DeploymentsPanel::auditVerification() const { return m_auditResult->text(); }

void DeploymentsPanel::setBusy(const QString& why)
{
    m_busy = why;
    m_refresh->setEnabled(why.isEmpty());
    m_refresh->setToolTip(why);
    updateButtons();
}

void DeploymentsPanel::updateButtons()
{
    const QString targetLock = m_cards.isEmpty() ? QString() : m_cards.first()->snapshot().lock;
    for (int i = 0; i < m_cards.size(); ++i)
        m_cards[i]->updateButtons(m_busy, i == 0 ? QString() : targetLock);
}

void DeploymentsPanel::appendOutput(const QString& line)
{
    m_output->appendPlainText(QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss ")) + line);
}

void DeploymentsPanel::addTimelineEntry(const QString& state, const QString& message)
{
    auto* entry = new QListWidgetItem(QStringLiteral("%1  %2  %3")
                                          .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss")), state, message));
    m_timeline->addItem(entry);
    m_timeline->scrollToBottom();
}

void DeploymentsPanel::start()
{
    // Crash recovery first (a console that died mid-rollout), then the first view.
    setBusy(tr("Recovering unfinished operations"));
    QPointer<DeploymentsPanel> self(this);
    const QList<RolloutService*> services = m_services;
    m_running = QtConcurrent::run([self, services] {
        QStringList lines;
        for (RolloutService* service : services) {
            auto outcomes = service->recover();
            if (!outcomes)
                lines << tr("recovery of %1: %2").arg(service->environmentName(), outcomes.error().message);
            else
                for (const RolloutOutcome& o : outcomes.value())
                    lines << tr("recovered rollout %1: %2: %3").arg(o.rolloutId).arg(o.state, o.message);
        }
        QMetaObject::invokeMethod(qApp, [self, lines] {
            if (!self)
                return;
            self->setBusy({});
            for (const QString& line : lines)
                self->appendOutput(line);
            self->refresh();
        }, Qt::QueuedConnection);
    });
}

void DeploymentsPanel::refresh()
{
    if (!m_busy.isEmpty())
        return;
    setBusy(tr("Refreshing"));
    QPointer<DeploymentsPanel> self(this);
    const QList<RolloutService*> services = m_services;
    m_running = QtConcurrent::run([self, services] {
        QList<Result<EnvironmentSnapshot>> snapshots;
        QStringList problems;
        for (RolloutService* service : services) {
            if (auto synced = service->sync(); !synced)
                problems << tr("provider: %1").arg(synced.error().message);
            else
                problems << QString();
            snapshots.append(service->snapshot());
        }
        QMetaObject::invokeMethod(qApp, [self, snapshots, problems] {
            if (!self)
                return;
            self->showSnapshots(snapshots, problems);
            self->setBusy({});
            emit self->refreshed();
        }, Qt::QueuedConnection);
    });
}

void DeploymentsPanel::showSnapshots(const QList<Result<EnvironmentSnapshot>>& snapshots, const QStringList& syncProblems)
{
    QList<DeploymentRow> deployments;
    QStringList deploymentEnvironments;
    QList<RolloutRow> rollouts;
    QStringList rolloutEnvironments;
    for (int i = 0; i < snapshots.size() && i < m_cards.size(); ++i) {
        if (!snapshots[i]) {
            m_cards[i]->showError(snapshots[i].error().message);
            continue;
        }
        const EnvironmentSnapshot& s = snapshots[i].value();
        m_cards[i]->showSnapshot(s);
        if (!syncProblems.value(i).isEmpty())
            m_cards[i]->setToolTip(plainToolTip(syncProblems[i]));  // the provider's own words
        for (const DeploymentRow& d : s.deployments) {
            deployments.append(d);
            deploymentEnvironments.append(s.environment);
        }
        for (const RolloutRow& r : s.rollouts) {
            rollouts.append(r);
            rolloutEnvironments.append(s.environment);
        }
        if (i == 0) {  // the project's audit log, the same from every environment
            // The chain spans every project: only an admin (or the owner) sees all of its rows,
            // anyone else would see gaps and a "broken" chain that is not.
            m_verifyAudit->setToolTip(tr("Recompute the audit log's hash chain and report the first broken link"));
            RoleGate::apply(m_verifyAudit, s.roleLevel, RoleLevel::Admin, !m_auditRunning.isRunning());
            m_audit->setRowCount(int(s.audit.size()));
            for (int row = 0; row < s.audit.size(); ++row) {
                const AuditRow& a = s.audit[row];
                setRow(m_audit, row, {QString::number(a.id), utc(a.at), a.actor, a.action, a.subject});
            }
            fitColumnsUnlessArranged(m_audit);
        }
    }
    m_history->setRowCount(int(deployments.size()));
    for (int row = 0; row < deployments.size(); ++row) {
        const DeploymentRow& d = deployments[row];
        setRow(m_history, row, {deploymentEnvironments[row],
                                d.current ? tr("live") : d.rolledBackTo ? tr("rolled back to") : QString(),
                                d.version, d.health, utc(d.created, QStringLiteral("yyyy-MM-dd HH:mm")), d.createdBy, d.providerId});
    }
    fitColumnsUnlessArranged(m_history);
    m_operations->setRowCount(int(rollouts.size()));
    for (int row = 0; row < rollouts.size(); ++row) {
        const RolloutRow& r = rollouts[row];
        // Rollbacks stand out: they are what someone did in an incident.
        setRow(m_operations, row, {rolloutEnvironments[row], utc(r.requestedAt),
                                   r.kind == QLatin1String("rollback") ? tr("ROLLBACK") : r.kind,
                                   QStringLiteral("%1 -> %2").arg(r.fromVersion, r.toVersion), r.requestedBy, r.state, r.reason,
                                   r.gateOverride, r.message});
    }
    fitColumnsUnlessArranged(m_operations);
    updateButtons();
}

void DeploymentsPanel::startRollback(int environment)
{
    runOperation(environment, tr("rollback"), [](RolloutService& s) { return s.planRollback(); });
}

void DeploymentsPanel::startUndo(int environment)
{
    runOperation(environment, tr("undo"), [](RolloutService& s) { return s.planUndo(); });
}

void DeploymentsPanel::startPromotion(int environment)
{
    if (environment <= 0 || environment >= m_services.size())
        return;
    const QString source = m_services[environment]->environmentName();
    // The promotion runs in the target environment (the first one).
    runOperation(0, tr("promotion"), [source](RolloutService& s) { return s.planPromotion(source); });
}

void DeploymentsPanel::runOperation(int environment, const QString& what, Planner planner)
{
    if (!m_busy.isEmpty() || environment < 0 || environment >= m_services.size())
        return;
    setBusy(tr("Planning the %1").arg(what));
    QPointer<DeploymentsPanel> self(this);
    RolloutService* service = m_services[environment];
    m_running = QtConcurrent::run([self, service, planner, what] {
        auto plan = planner(*service);
        QMetaObject::invokeMethod(qApp, [self, service, plan, what] {
            if (!self)
                return;
            self->setBusy({});
            if (!plan) {
                self->appendOutput(tr("cannot start the %1: %2").arg(what, plan.error().message));
                self->refresh();
                return;
            }
            QString reason, gateOverride;
            if (!self->m_confirm(self, plan.value(), &reason, &gateOverride)) {
                self->refresh();
                return;
            }
            const RolloutPlan chosen = plan.value();
            self->m_timeline->clear();
            self->setBusy(tr("An operation is running: %1").arg(chosen.sentence()));
            self->m_cancel->setEnabled(service->canCancel());
            self->m_runningBar->setVisible(true);
            self->m_cancel->setToolTip(service->canCancel() ? tr("Stop the provider command now (the operation ends failed)")
                                                            : tr("The HTTP provider's request cannot be stopped; it times out on its own"));
            const QString key = QUuid::createUuid().toString(QUuid::WithoutBraces);
            self->m_running = QtConcurrent::run([self, service, chosen, reason, key, gateOverride] {
                auto outcome = service->run(chosen, reason, key, gateOverride);
                QMetaObject::invokeMethod(qApp, [self, outcome] {
                    if (!self)
                        return;
                    self->m_cancel->setEnabled(false);
                    self->m_runningBar->setVisible(false);
                    self->m_cancel->setToolTip(tr("No operation is running"));
                    self->setBusy({});
                    const QString state = outcome ? outcome->state : QStringLiteral("refused");
                    const QString message = outcome ? outcome->message : outcome.error().message;
                    if (!outcome)
                        self->addTimelineEntry(state, message);
                    self->appendOutput(QStringLiteral("%1: %2").arg(state, message));
                    emit self->rolloutFinished(state, message);
                    self->refresh();
                }, Qt::QueuedConnection);
            });
        }, Qt::QueuedConnection);
    });
}

void DeploymentsPanel::lockOrUnlock(int environment, bool lock)
{
    if (!m_busy.isEmpty() || environment < 0 || environment >= m_services.size())
        return;
    RolloutService* service = m_services[environment];
    QString reason;
    QDateTime until;
    if (lock && !m_askLock(this, service->environmentName(), &reason, &until))
        return;
    setBusy(lock ? tr("Locking") : tr("Unlocking"));
    QPointer<DeploymentsPanel> self(this);
    m_running = QtConcurrent::run([self, service, lock, reason, until] {
        const Result<void> done = lock ? service->lock(reason, until) : service->unlock();
        QMetaObject::invokeMethod(qApp, [self, done, lock, name = service->environmentName()] {
            if (!self)
                return;
            self->setBusy({});
            // Whole sentences: a translation may need another word order.
            if (done)
                self->appendOutput(lock ? tr("%1 locked").arg(name) : tr("%1 unlocked").arg(name));
            else
                self->appendOutput(lock ? tr("cannot lock %1: %2").arg(name, done.error().message)
                                        : tr("cannot unlock %1: %2").arg(name, done.error().message));
            self->refresh();
        }, Qt::QueuedConnection);
    });
}

void DeploymentsPanel::verifyAudit()
{
    if (m_services.isEmpty() || m_auditRunning.isRunning())
        return;
    m_verifyAudit->setEnabled(false);
    m_auditResult->setText(tr("Verifying..."));
    m_auditCancel->store(false);
    m_auditProgress->start(tr("Verifying the audit chain"));
    QPointer<DeploymentsPanel> self(this);
    Pool* pool = &m_services.first()->pool();
    auto cancel = m_auditCancel;
    m_auditRunning = QtConcurrent::run([self, pool, cancel] {
        const auto reportProgress = [self](qint64 rows) {
            QMetaObject::invokeMethod(qApp, [self, rows] {
                if (self && self->m_auditProgress->isRunning())
                    self->m_auditProgress->setProgress(0, tr("%1 rows checked").arg(rows));
            }, Qt::QueuedConnection);
        };
        auto verification = AuditVerifier::verify(*pool, 5000, cancel.get(), reportProgress);
        QMetaObject::invokeMethod(qApp, [self, verification] {
            if (!self)
                return;
            self->m_auditProgress->finish();
            self->m_verifyAudit->setEnabled(true);
            if (!verification) {
                self->m_auditResult->setText(tr("Cannot verify: %1").arg(verification.error().message));
                return;
            }
            if (verification->cancelled) {
                self->m_auditResult->setText(tr("Verification cancelled after %1 rows: nothing is claimed about the rest")
                                                 .arg(verification->rowsChecked));
                return;
            }
            self->m_auditResult->setText(
                verification->intact ? tr("Chain intact: %1 rows verified").arg(verification->rowsChecked)
                                     : tr("Chain BROKEN at row %1: %2").arg(verification->brokenAtId).arg(verification->problem));
            emit self->auditVerified(verification->intact);
        }, Qt::QueuedConnection);
    });
}

void DeploymentsPanel::cancelOperation()
{
    // Thread-safe by contract (DeployProvider::cancel); the running call fails with "cancelled".
    for (RolloutService* service : m_services)
        if (service->canCancel())
            service->cancel();
    appendOutput(tr("cancel requested"));
}

namespace {

// Owns what the panel works with; destroyed after the panel (child order is reversed).
class DeploymentsTab final : public QWidget {
public:
    explicit DeploymentsTab(QWidget* parent) : QWidget(parent) {}
    ~DeploymentsTab() override
    {
        delete m_panel;  // waits for its worker before the services go
    }
    std::unique_ptr<DemoPlatform> demo;
    std::vector<std::unique_ptr<DeployProvider>> providers;
    std::vector<std::unique_ptr<RolloutService>> services;
    DeploymentsPanel* m_panel = nullptr;
};

// Production's provider: the command provider when the settings name a rollback command
// (deploy/commandRollback, deploy/commandPromote, deploy/commandList, deploy/commandStatus as
// argument lists; deploy/commandTimeoutSeconds), else the HTTP one.
std::unique_ptr<DeployProvider> productionProvider(const HttpDeployProvider::Config& http)
{
    const QSettings settings;
    if (!settings.contains(QStringLiteral("deploy/commandRollback")))
        return std::make_unique<HttpDeployProvider>(http);
    CommandDeployProvider::Config config;
    config.project = http.projectId;
    config.rollbackTemplate = settings.value(QStringLiteral("deploy/commandRollback")).toStringList();
    config.promoteTemplate = settings.value(QStringLiteral("deploy/commandPromote")).toStringList();
    config.listTemplate = settings.value(QStringLiteral("deploy/commandList")).toStringList();
    config.statusTemplate = settings.value(QStringLiteral("deploy/commandStatus")).toStringList();
    config.timeout = std::chrono::seconds(settings.value(QStringLiteral("deploy/commandTimeoutSeconds"), 120).toInt());
    return std::make_unique<CommandDeployProvider>(config);
}

} // namespace

bool deployProviderNeedsToken()
{
    return qEnvironmentVariableIsSet("OPS_DEPLOY_URL")
           || QSettings().value(QStringLiteral("deploy/kind")).toString() == QLatin1String("http");
}

QWidget* createDeploymentsTab(Pool& pool, const QString& projectSlug, QWidget* parent, DemoPlatform* sharedDemo,
                              const SecretStore* secrets)
{
    auto* tab = new DeploymentsTab(parent);
    auto* layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    HttpDeployProvider::Config providerConfig;
    QString healthUrl = qEnvironmentVariable("OPS_HEALTH_URL");
    // OPS_DEPLOY_TOKEN, the keyring or the app's prompt put the token there; none: the provider says 401.
    const QByteArray token = secrets ? secrets->cached(QStringLiteral("deploy/default")).value_or(QByteArray()) : QByteArray();
    const QSettings settings;
    if (qEnvironmentVariableIsSet("OPS_DEPLOY_URL")) {
        providerConfig.baseUrl = qEnvironmentVariable("OPS_DEPLOY_URL");
        providerConfig.projectId = qEnvironmentVariable("OPS_DEPLOY_PROJECT");
        providerConfig.token = token;
    } else if (settings.contains(QStringLiteral("deploy/kind"))
               && settings.value(QStringLiteral("deploy/kind")).toString() != QLatin1String("demo")) {
        // Settings > Deploy providers (the environment above still wins, for CI).
        providerConfig.baseUrl = settings.value(QStringLiteral("deploy/url")).toString();
        providerConfig.projectId = settings.value(QStringLiteral("deploy/projectId")).toString();
        providerConfig.token = token;
    } else {
        DemoPlatform* demo = sharedDemo;
        if (!demo) {
            tab->demo = std::make_unique<DemoPlatform>();
            demo = tab->demo.get();
        }
        if (auto started = demo->start(); !started) {  // no-op when already running
            auto* label = new QLabel(started.error().message, tab);
            label->setTextFormat(Qt::PlainText);
            layout->addWidget(label);
            return tab;
        }
        providerConfig.baseUrl = demo->baseUrl();
        providerConfig.projectId = demo->config().projectId;
        providerConfig.token = demo->config().token.toUtf8();
        if (healthUrl.isEmpty())
            healthUrl = demo->baseUrl();
    }
    // Production first (where promotions go), then staging: the provider's preview builds.
    HttpDeployProvider::Config stagingConfig = providerConfig;
    stagingConfig.target = QStringLiteral("preview");
    tab->providers.push_back(productionProvider(providerConfig));
    tab->providers.push_back(std::make_unique<HttpDeployProvider>(stagingConfig));

    RolloutService::Config production;
    production.projectSlug = projectSlug;  // resolved by the service on its first (worker) call
    production.providerProject = providerConfig.projectId;
    production.verification.baseUrl = healthUrl;
    production.verification.smokePaths = {QStringLiteral("/api/health"), QStringLiteral("/api/contacts"), QStringLiteral("/api/campaigns"),
                                          QStringLiteral("/api/contacts"), QStringLiteral("/api/campaigns")};
    RolloutService::Config staging = production;
    staging.environment = QStringLiteral("staging");
    staging.verification.baseUrl.clear();  // preview builds have no health endpoint of their own here
    tab->services.push_back(std::make_unique<RolloutService>(pool, *tab->providers[0], production));
    tab->services.push_back(std::make_unique<RolloutService>(pool, *tab->providers[1], staging));
    tab->m_panel = new DeploymentsPanel({tab->services[0].get(), tab->services[1].get()}, tab);
    layout->addWidget(tab->m_panel);
    tab->m_panel->start();
    return tab;
}

} // namespace ops::widgets
