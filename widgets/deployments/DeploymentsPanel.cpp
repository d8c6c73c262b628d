// SPDX-License-Identifier: MIT
#include "deployments/DeploymentsPanel.h"

#include "demo/DemoPlatform.h"
#include "deploy/HttpDeployProvider.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSplitter>
#include <QTableWidget>
#include <QUuid>
#include <QApplication>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ops::widgets {

using namespace ops::services;

namespace {

QTableWidget* makeTable(const QStringList& headers, QWidget* parent)
{
    auto* table = new QTableWidget(0, int(headers.size()), parent);
    table->setHorizontalHeaderLabels(headers);
    table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table->setSelectionBehavior(QAbstractItemView::SelectRows);
    table->verticalHeader()->hide();
    table->horizontalHeader()->setStretchLastSection(true);
    return table;
}

QTableWidgetItem* item(const QString& text)
{
    auto* i = new QTableWidgetItem(text);  // plain text: provider data is never rendered as markup
    return i;
}

bool defaultConfirm(QWidget* parent, const RollbackPlan& plan, QString* reason)
{
    bool ok = false;
    const QString text = QInputDialog::getText(
        parent, plan.sentence(),
        QStringLiteral("%1?\nThe code rolls back; the database schema does not.\nReason (sent to the provider and recorded):")
            .arg(plan.sentence()),
        QLineEdit::Normal, QString(), &ok);
    if (ok)
        *reason = text;
    return ok;
}

} // namespace

DeploymentsPanel::DeploymentsPanel(RolloutService& service, QWidget* parent)
    : QWidget(parent), m_service(service), m_confirm(defaultConfirm)
{
    auto* layout = new QVBoxLayout(this);
    auto* top = new QHBoxLayout;
    m_status = new QLabel(QStringLiteral("Loading deployments..."), this);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setObjectName(QStringLiteral("deploymentsStatus"));
    m_rollback = new QPushButton(QStringLiteral("&Roll back"), this);
    m_rollback->setObjectName(QStringLiteral("rollbackButton"));
    m_rollback->setEnabled(false);
    m_refresh = new QPushButton(QStringLiteral("Re&fresh"), this);
    top->addWidget(m_status, 1);
    top->addWidget(m_refresh);
    top->addWidget(m_rollback);
    layout->addLayout(top);

    auto* split = new QSplitter(Qt::Vertical, this);
    m_history = makeTable({QStringLiteral(""), QStringLiteral("Version"), QStringLiteral("Health"), QStringLiteral("Created (UTC)"),
                           QStringLiteral("By"), QStringLiteral("Provider id")}, split);
    m_history->setObjectName(QStringLiteral("deploymentHistory"));
    m_output = new QPlainTextEdit(split);
    m_output->setReadOnly(true);
    m_output->setObjectName(QStringLiteral("rolloutOutput"));
    m_output->setPlaceholderText(QStringLiteral("Output of the running operation"));
    m_audit = makeTable({QStringLiteral("#"), QStringLiteral("At (UTC)"), QStringLiteral("Who"), QStringLiteral("Action"),
                         QStringLiteral("Subject")}, split);
    m_audit->setObjectName(QStringLiteral("auditLog"));
    split->addWidget(m_history);
    split->addWidget(m_output);
    split->addWidget(m_audit);
    layout->addWidget(split, 1);

    connect(m_refresh, &QPushButton::clicked, this, &DeploymentsPanel::refresh);
    connect(m_rollback, &QPushButton::clicked, this, &DeploymentsPanel::startRollback);
}

DeploymentsPanel::~DeploymentsPanel()
{
    // The worker refers to the service, owned with this panel: let it finish first.
    m_running.waitForFinished();
}

QString DeploymentsPanel::statusText() const { return m_status->text(); }
QString DeploymentsPanel::outputText() const { return m_output->toPlainText(); }

void DeploymentsPanel::setBusy(bool busy, const QString& why)
{
    m_busy = busy;
    m_refresh->setEnabled(!busy);
    if (busy) {
        m_rollback->setEnabled(false);
        m_rollback->setToolTip(why);
    }
}

void DeploymentsPanel::appendOutput(const QString& line)
{
    m_output->appendPlainText(QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss ")) + line);
}

void DeploymentsPanel::showError(const QString& message)
{
    m_status->setText(QStringLiteral("Deployments unavailable: %1").arg(message));
}

void DeploymentsPanel::start()
{
    // Crash recovery first (a console that died mid-rollout), then the first view.
    setBusy(true, QStringLiteral("Recovering unfinished operations"));
    QPointer<DeploymentsPanel> self(this);
    m_running = QtConcurrent::run([this, self] {
        auto outcomes = m_service.recover();
        QMetaObject::invokeMethod(qApp, [self, outcomes] {
            if (!self)
                return;
            self->setBusy(false);
            if (!outcomes)
                self->appendOutput(QStringLiteral("recovery: %1").arg(outcomes.error().message));
            else
                for (const RolloutOutcome& o : outcomes.value())
                    self->appendOutput(QStringLiteral("recovered rollout %1: %2: %3").arg(o.rolloutId).arg(o.state, o.message));
            self->refresh();
        }, Qt::QueuedConnection);
    });
}

void DeploymentsPanel::refresh()
{
    if (m_busy)
        return;
    setBusy(true, QStringLiteral("Refreshing"));
    QPointer<DeploymentsPanel> self(this);
    m_running = QtConcurrent::run([this, self] {
        auto synced = m_service.sync();
        auto snapshot = m_service.snapshot();
        QMetaObject::invokeMethod(qApp, [self, synced, snapshot] {
            if (!self)
                return;
            self->setBusy(false);
            if (!snapshot) {
                self->showError(snapshot.error().message);
            } else {
                self->showSnapshot(snapshot.value());
                if (!synced)
                    self->m_status->setText(self->m_status->text() + QStringLiteral("  (provider: %1)").arg(synced.error().message));
            }
            emit self->refreshed();
        }, Qt::QueuedConnection);
    });
}

void DeploymentsPanel::showSnapshot(const EnvironmentSnapshot& s)
{
    m_roleLevel = s.roleLevel;
    m_unfinished = s.unfinished;
    QString status = QStringLiteral("%1: %2 (%3)").arg(s.environment, s.currentVersion.isEmpty() ? QStringLiteral("unknown") : s.currentVersion,
                                                       s.currentHealth.isEmpty() ? QStringLiteral("unknown") : s.currentHealth);
    if (s.pinned)
        status += QStringLiteral(" | PINNED after a rollback: new builds do not go live until promoted");
    if (!s.lock.isEmpty())
        status += QStringLiteral(" | LOCKED by %1").arg(s.lock);
    if (!s.unfinished.isEmpty())
        status += QStringLiteral(" | in progress: %1").arg(s.unfinished);
    m_status->setText(status);

    m_history->setRowCount(int(s.deployments.size()));
    for (int row = 0; row < s.deployments.size(); ++row) {
        const DeploymentRow& d = s.deployments[row];
        m_history->setItem(row, 0, item(d.current ? QStringLiteral("live") : d.rolledBackTo ? QStringLiteral("rolled back to") : QString()));
        m_history->setItem(row, 1, item(d.version));
        m_history->setItem(row, 2, item(d.health));
        m_history->setItem(row, 3, item(d.created.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"))));
        m_history->setItem(row, 4, item(d.createdBy));
        m_history->setItem(row, 5, item(d.providerId));
    }
    m_history->resizeColumnsToContents();
    m_audit->setRowCount(int(s.audit.size()));
    for (int row = 0; row < s.audit.size(); ++row) {
        const AuditRow& a = s.audit[row];
        m_audit->setItem(row, 0, item(QString::number(a.id)));
        m_audit->setItem(row, 1, item(a.at.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))));
        m_audit->setItem(row, 2, item(a.actor));
        m_audit->setItem(row, 3, item(a.action));
        m_audit->setItem(row, 4, item(a.subject));
    }
    m_audit->resizeColumnsToContents();

    // The button says why it is disabled.
    QString why;
    if (m_roleLevel == QLatin1String("viewer") || m_roleLevel == QLatin1String("none"))
        why = QStringLiteral("Rolling back needs the ops_operator role");
    else if (!m_unfinished.isEmpty())
        why = QStringLiteral("Another operation is in progress: %1").arg(m_unfinished);
    m_rollback->setEnabled(why.isEmpty());
    m_rollback->setToolTip(why.isEmpty() ? QStringLiteral("Roll %1 back to the last deployment that passed its health check").arg(s.environment)
                                         : why);
}

void DeploymentsPanel::startRollback()
{
    if (m_busy)
        return;
    setBusy(true, QStringLiteral("Planning the rollback"));
    QPointer<DeploymentsPanel> self(this);
    m_running = QtConcurrent::run([this, self] {
        auto plan = m_service.planRollback();
        QMetaObject::invokeMethod(qApp, [self, plan] {
            if (!self)
                return;
            self->setBusy(false);
            if (!plan) {
                self->appendOutput(QStringLiteral("cannot roll back: %1").arg(plan.error().message));
                self->refresh();
                return;
            }
            QString reason;
            if (!self->m_confirm(self, plan.value(), &reason)) {
                self->refresh();
                return;
            }
            self->setBusy(true, QStringLiteral("Rolling back"));
            const QString key = QUuid::createUuid().toString(QUuid::WithoutBraces);
            self->m_service.setProgressListener([self](const QString& line) {
                QMetaObject::invokeMethod(qApp, [self, line] { if (self) self->appendOutput(line); }, Qt::QueuedConnection);
            });
            const RollbackPlan chosen = plan.value();
            RolloutService* service = &self->m_service;
            self->m_running = QtConcurrent::run([self, service, chosen, reason, key] {
                auto outcome = service->rollback(chosen, reason, key);
                QMetaObject::invokeMethod(qApp, [self, outcome] {
                    if (!self)
                        return;
                    self->setBusy(false);
                    const QString state = outcome ? outcome->state : QStringLiteral("refused");
                    const QString message = outcome ? outcome->message : outcome.error().message;
                    self->appendOutput(QStringLiteral("%1: %2").arg(state, message));
                    emit self->rolloutFinished(state, message);
                    self->refresh();
                }, Qt::QueuedConnection);
            });
        }, Qt::QueuedConnection);
    });
}

namespace {

// Owns what the panel works with; destroyed after the panel (child order is reversed).
class DeploymentsTab final : public QWidget {
public:
    explicit DeploymentsTab(QWidget* parent) : QWidget(parent) {}
    ~DeploymentsTab() override
    {
        delete m_panel;  // waits for its worker before the service goes
    }
    std::unique_ptr<DemoPlatform> demo;
    std::unique_ptr<HttpDeployProvider> provider;
    std::unique_ptr<RolloutService> service;
    DeploymentsPanel* m_panel = nullptr;
};

} // namespace

QWidget* createDeploymentsTab(Pool& pool, const QString& projectSlug, QWidget* parent, DemoPlatform* sharedDemo)
{
    auto* tab = new DeploymentsTab(parent);
    auto* layout = new QVBoxLayout(tab);
    layout->setContentsMargins(0, 0, 0, 0);
    HttpDeployProvider::Config providerConfig;
    QString healthUrl = qEnvironmentVariable("OPS_HEALTH_URL");
    if (qEnvironmentVariableIsSet("OPS_DEPLOY_URL")) {
        providerConfig.baseUrl = qEnvironmentVariable("OPS_DEPLOY_URL");
        providerConfig.projectId = qEnvironmentVariable("OPS_DEPLOY_PROJECT");
        providerConfig.token = qgetenv("OPS_DEPLOY_TOKEN");
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
    tab->provider = std::make_unique<HttpDeployProvider>(providerConfig);
    RolloutService::Config config;
    config.projectSlug = projectSlug;  // resolved by the service on its first (worker) call
    config.providerProject = providerConfig.projectId;
    config.verification.baseUrl = healthUrl;
    config.verification.smokePaths = {QStringLiteral("/api/health"), QStringLiteral("/api/contacts"), QStringLiteral("/api/campaigns"),
                                      QStringLiteral("/api/contacts"), QStringLiteral("/api/campaigns")};
    tab->service = std::make_unique<RolloutService>(pool, *tab->provider, config);
    tab->m_panel = new DeploymentsPanel(*tab->service, tab);
    layout->addWidget(tab->m_panel);
    tab->m_panel->start();
    return tab;
}

} // namespace ops::widgets
