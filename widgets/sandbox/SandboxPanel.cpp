// SPDX-License-Identifier: MIT
#include "sandbox/SandboxPanel.h"

#include "common/OperationProgress.h"
#include "common/RoleGate.h"
#include "db/Listener.h"
#include "db/Projects.h"
#include "sandbox/IsolationCheckView.h"
#include "sandbox/PolicyProposalDialog.h"
#include "sandbox/ViolationChartsView.h"
#include "sandbox/ViolationCsvExport.h"
#include "sandbox/ViolationFilterBar.h"
#include "sandbox/ViolationTableModel.h"
#include "sandbox/ViolationTailWatcher.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

namespace ops::widgets {

using namespace ops::services;
using namespace ops::services::sandbox;

namespace {
struct Session {
    qint64 projectId = 0;
    QString roleLevel;  // ops.current_role_level(): admin, approver, operator, viewer, none
};

bool canOperate(const QString& roleLevel)
{
    return RoleGate::allows(roleLevel, RoleLevel::Operator);
}
} // namespace

SandboxPanel::SandboxPanel(Pool* pool, ConnectionOptions directOptions, QString projectSlug, QWidget* parent)
    : QWidget(parent), m_pool(pool), m_directOptions(std::move(directOptions)), m_projectSlug(std::move(projectSlug))
{
    auto* layout = new QVBoxLayout(this);
    m_filters = new ViolationFilterBar(this);
    layout->addWidget(m_filters);

    auto* actions = new QHBoxLayout;
    m_acknowledge = new QPushButton(tr("Acknowledge"), this);
    m_resolve = new QPushButton(tr("Resolve"), this);
    auto* exportButton = new QPushButton(tr("Export CSV..."), this);
    auto* loadPolicyButton = new QPushButton(tr("Load settings..."), this);
    m_propose = new QPushButton(tr("Propose allow..."), this);
    m_propose->setToolTip(tr("Load the sandbox settings file and select an event first."));
    m_follow = new QPushButton(tr("Follow log file..."), this);
    m_unfollow = new QPushButton(tr("Stop following"), this);
    m_followedLabel = new QLabel(this);
    m_followedLabel->setTextFormat(Qt::PlainText);
    for (QPushButton* button : {m_acknowledge, m_resolve, exportButton, loadPolicyButton, m_propose, m_follow, m_unfollow})
        actions->addWidget(button);
    actions->addWidget(m_followedLabel, 1);
    layout->addLayout(actions);
    // Until the role is known nothing may be changed.
    for (QPushButton* button : {m_acknowledge, m_resolve, m_follow, m_unfollow, m_propose})
        button->setEnabled(false);

    m_views = new QTabWidget(this);
    auto* splitter = new QSplitter(Qt::Vertical);
    splitter->setObjectName(QStringLiteral("sandboxEventsSplitter"));  // sizes remembered by name
    m_table = new QTableView(splitter);
    m_table->setObjectName(QStringLiteral("violationTable"));  // column layout remembered by name
    m_table->setAccessibleName(tr("Violations"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);  // uniform rows: cheap at a million
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_detail = new QPlainTextEdit(splitter);  // plain text: outside text is never interpreted
    m_detail->setReadOnly(true);
    m_detail->setAccessibleName(tr("Selected violation"));
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    m_views->addTab(splitter, tr("Events"));
    layout->addWidget(m_views, 1);
    m_exportProgress = new OperationProgress(this);
    m_exportProgress->setObjectName(QStringLiteral("exportProgress"));
    layout->addWidget(m_exportProgress);
    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);
    layout->addWidget(m_message);
    // The export stops between pages; the file is then not created.
    connect(m_exportProgress, &OperationProgress::cancelRequested, this, [this] { m_exportCancel->store(true); });

    connect(m_acknowledge, &QPushButton::clicked, this, [this] { setStatusOfSelection(QStringLiteral("acknowledged")); });
    connect(m_resolve, &QPushButton::clicked, this, [this] { setStatusOfSelection(QStringLiteral("resolved")); });
    connect(m_filters, &ViolationFilterBar::filterChanged, this, &SandboxPanel::applyFilter);
    connect(exportButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export violations (current filter)"),
                                                          QDir::home().filePath(QStringLiteral("sandbox-violations.csv")),
                                                          tr("CSV files (*.csv)"));
        if (!path.isEmpty())
            exportCsv(path);
    });
    connect(loadPolicyButton, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Sandbox settings file"), QDir::homePath(),
                                                          tr("JSON files (*.json);;All files (*)"));
        if (!path.isEmpty())
            loadPolicy(path);
    });
    connect(m_propose, &QPushButton::clicked, this, [this] {
        const auto change = proposalForCurrentRow();
        if (!change)
            return;
        PolicyProposalDialog dialog(change.value(), m_policyPath, this);
        dialog.exec();
    });
    connect(m_follow, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Log file to follow (JSON Lines or any supported shape)"),
                                                          QDir::homePath());
        if (!path.isEmpty())
            followFile(path);
    });
    connect(m_unfollow, &QPushButton::clicked, this, [this] {
        if (!m_watcher)
            return;
        for (const QString& path : m_watcher->followed())
            m_watcher->unfollow(path);
        rememberFollowedFiles();
    });

    if (!m_pool)
        return;
    m_message->setText(tr("Loading..."));
    const QString slug = m_projectSlug;
    m_pool->withClientAsync(QStringLiteral("GET /projects/id"), [slug](Connection& connection) -> Result<Session> {
        auto id = projectIdBySlug(connection, slug);
        if (!id)
            return id.error();
        auto role = connection.exec(QStringLiteral("SELECT ops.current_role_level()"));
        if (!role)
            return role.error();
        return Session{id.value(), role->scalar()};
    }, CallOptions::idempotentUnit()).then(this, [this](Result<Session> session) {
        if (!session) {
            m_message->setText(session.error().toString());
            return;
        }
        start(session->projectId, session->roleLevel);
    });
}

SandboxPanel::~SandboxPanel()
{
    // An export holds the pool between pages: stop it at the next page and wait for that.
    m_exportCancel->store(true);
    m_export.waitForFinished();
}

void SandboxPanel::start(qint64 projectId, const QString& roleLevel)
{
    m_projectId = projectId;
    m_roleLevel = roleLevel;
    for (QPushButton* button : {m_acknowledge, m_resolve, m_follow, m_unfollow})
        RoleGate::apply(button, roleLevel, RoleLevel::Operator);
    m_model = new ViolationTableModel(m_pool, projectId, this);
    m_table->setModel(m_model);
    m_charts = new ViolationChartsView(m_pool, projectId, m_views);
    m_views->addTab(m_charts, tr("Charts"));
    m_isolation = new IsolationCheckView(m_pool, projectId, m_views);
    m_views->addTab(m_isolation, tr("Isolation check"));
    connect(m_views, &QTabWidget::currentChanged, this, &SandboxPanel::refreshVisibleSubTab);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &SandboxPanel::showDetail);
    connect(m_model, &QAbstractItemModel::dataChanged, this, [this](const QModelIndex& first, const QModelIndex& last) {
        const int current = m_table->currentIndex().row();
        if (current >= first.row() && current <= last.row())
            showDetail();  // the current row's page was loaded again
    });
    connect(m_model, &ViolationTableModel::loadFailed, m_message, &QLabel::setText);
    connect(m_model, &ViolationTableModel::pageLoaded, this, [this] {
        m_message->setText(tr("%n violations loaded", nullptr, m_model->rowCount()));
    });
    connect(m_model, &ViolationTableModel::newRowsOnTop, this, [this](int count) {
        // Rows inserted above: scroll down by as much, so the rows being read stay where they were
        // (at the very top the user is watching for new rows: let them appear).
        QScrollBar* bar = m_table->verticalScrollBar();
        if (bar->value() > 0)
            bar->setValue(bar->value() + count);
        if (!isVisible()) {
            m_newSinceViewed += count;
            emit newSinceViewedChanged(m_newSinceViewed);
        }
        if (m_views->currentWidget() == m_isolation)
            m_isolation->recheck();
    });

    m_watcher = new ViolationTailWatcher(m_pool, projectId, this);
    connect(m_watcher, &ViolationTailWatcher::failed, this, [this](const QString& path, const QString& message) {
        m_message->setText(tr("Following %1: %2").arg(path, message));
    });
    connect(m_watcher, &ViolationTailWatcher::polled, this, [this](const QString& path, const TailStep& step) {
        if (step.rotatedFileLost)
            m_message->setText(tr("%1 was rotated and its old file is gone: lines it had not yet sent are lost.").arg(path));
        else if (step.unparsed > 0)
            m_message->setText(tr("%1: %2 lines not understood (kept in the unparsed list)").arg(path).arg(step.unparsed));
    });
    if (canOperate(roleLevel))
        for (const QString& path : QSettings().value(QStringLiteral("sandbox/followed/") + m_projectSlug).toStringList())
            m_watcher->follow(path);  // resumes from the stored position: nothing twice, nothing lost
    m_followedLabel->setText(followedFiles().isEmpty() ? QString() : tr("Following: %1").arg(followedFiles().join(QStringLiteral(", "))));

    m_listener = new Listener(m_directOptions, {QStringLiteral("ops_sandbox")}, this);
    connect(m_listener, &Listener::notification, m_model, [this] { m_model->fetchNewer(); });
    connect(m_listener, &Listener::connected, m_model, [this] { m_model->fetchNewer(); });  // re-read what NOTIFY missed
    // Close the LISTEN connection before the console shuts its database down: an embedded server is
    // stopped only when no other console connection is left, and this one would count as one.
    connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, m_listener, &Listener::stop);
    m_listener->start();
    m_model->setFilter(m_filters->filter());
}

void SandboxPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_newSinceViewed != 0) {
        m_newSinceViewed = 0;
        emit newSinceViewedChanged(0);
    }
}

QString SandboxPanel::detailText() const { return m_detail->toPlainText(); }
QString SandboxPanel::messageText() const { return m_message->text(); }

void SandboxPanel::applyFilter()
{
    if (!m_model)
        return;
    m_model->setFilter(m_filters->filter());
    refreshVisibleSubTab();
}

void SandboxPanel::refresh()
{
    applyFilter();
}

void SandboxPanel::refreshVisibleSubTab()
{
    // Only what is on screen is recomputed: charts aggregate, the check queries.
    if (m_charts && m_views->currentWidget() == m_charts)
        m_charts->refresh(m_filters->filter());
    if (m_isolation && m_views->currentWidget() == m_isolation)
        m_isolation->recheck();
}

void SandboxPanel::showDetail()
{
    const ViolationRow* row = m_model ? m_model->rowAt(m_table->currentIndex().row()) : nullptr;
    m_propose->setEnabled(row && m_policy);
    if (!row) {
        m_detail->setPlainText(m_model && m_table->currentIndex().isValid() ? tr("loading...") : QString());
        return;
    }
    QString explanation;
    if (m_policy) {
        const PolicyVerdict verdict = m_policy->explain(toEvent(*row));
        explanation = tr("settings %1: %2 (%3)").arg(QFileInfo(m_policyPath).fileName(), verdict.rule,
                                                     decisionName(verdict.decision));
        if (verdict.ignored)
            explanation += tr("; not reported by the runtime: %1").arg(verdict.ignoredBy);
    } else {
        explanation = tr("(load the sandbox settings file to see which of its rules decides this)");
    }
    m_detail->setPlainText(tr("id %1  %2  %3 / %4 / %5 / %6\nsource: %7 on %8, agent %9, session %10\n")
                               .arg(row->id)
                               .arg(row->occurredAt.toString(Qt::ISODateWithMs), row->kind, row->severity, row->decision,
                                    row->status, row->sourceFormat, row->machine, row->agent)
                               .arg(row->session)
                           + tr("operation: %1\ntarget%2: %3\nrule (from the source): %4\nrule (explained): %5\n\nraw:\n%6")
                                 .arg(row->operation,
                                      row->targetUntrusted ? tr(" (untrusted: chosen by the sandboxed process)") : QString(),
                                      row->target, row->rule.isEmpty() ? tr("(not given)") : row->rule, explanation, row->raw));
}

void SandboxPanel::loadPolicy(const QString& path)
{
    const QString project = m_isolation ? m_isolation->projectDirectoryEdit()->text().trimmed() : QDir::currentPath();
    const QString home = QDir::homePath();
    QtConcurrent::run([=] { return SandboxPolicy::load(path, home, project); })
        .then(this, [this, path](Result<SandboxPolicy> policy) {
            if (!policy) {
                m_message->setText(policy.error().toString());
                return;
            }
            m_policy = std::move(policy.value());
            m_policyPath = path;
            m_message->setText(tr("Sandbox settings loaded from %1").arg(path));
            showDetail();
            emit policyLoaded();
        });
}

std::optional<PolicyChange> SandboxPanel::proposalForCurrentRow() const
{
    const ViolationRow* row = m_model ? m_model->rowAt(m_table->currentIndex().row()) : nullptr;
    if (!row || !m_policy)
        return std::nullopt;
    return m_policy->proposeAllow(toEvent(*row));
}

void SandboxPanel::exportCsv(const QString& path)
{
    if (!m_model)
        return;
    if (m_export.isRunning()) {
        m_message->setText(tr("An export is already running."));
        return;
    }
    m_exportCancel->store(false);
    auto written = std::make_shared<std::atomic<qint64>>(0);
    Pool* pool = m_pool;
    const qint64 project = m_projectId;
    const ViolationFilter filter = m_filters->filter();
    const std::shared_ptr<std::atomic_bool> cancel = m_exportCancel;
    m_export = QtConcurrent::run([=] {
        return ViolationCsvExport::exportTo(*pool, project, filter, path, [written](qint64 rows) { written->store(rows); },
                                            cancel.get());
    });
    auto* progress = new QTimer(this);
    connect(progress, &QTimer::timeout, this, [this, written] {
        m_exportProgress->setProgress(0, tr("%n rows", nullptr, int(written->load())));
    });
    progress->start(500);
    m_exportProgress->start(tr("Exporting violations to %1").arg(QFileInfo(path).fileName()));
    m_message->clear();
    m_export.then(this, [this, path, progress](Result<qint64> rows) {
        progress->deleteLater();
        const bool cancelled = m_exportProgress->cancelWasRequested();
        m_exportProgress->finish();
        m_message->setText(rows        ? tr("Exported %1 rows to %2").arg(rows.value()).arg(path)
                           : cancelled ? tr("Export cancelled: %1 was not written.").arg(path)
                                       : rows.error().toString());
        emit exportFinished(rows.ok());
    });
}

void SandboxPanel::followFile(const QString& path)
{
    if (!m_watcher || !canOperate(m_roleLevel))
        return;
    m_watcher->follow(QFileInfo(path).absoluteFilePath());
    rememberFollowedFiles();
}

QStringList SandboxPanel::followedFiles() const
{
    return m_watcher ? m_watcher->followed() : QStringList();
}

void SandboxPanel::rememberFollowedFiles()
{
    // Paths only (no secrets); the read position itself lives in the database.
    QSettings().setValue(QStringLiteral("sandbox/followed/") + m_projectSlug, followedFiles());
    m_followedLabel->setText(followedFiles().isEmpty() ? QString() : tr("Following: %1").arg(followedFiles().join(QStringLiteral(", "))));
}

void SandboxPanel::setStatusOfSelection(const QString& status)
{
    if (!m_model)
        return;
    QStringList ids;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        if (const qint64 id = m_model->idAt(index.row()))
            ids << QString::number(id);
    if (ids.isEmpty())
        return;
    const QString idArray = QLatin1Char('{') + ids.join(QLatin1Char(',')) + QLatin1Char('}');
    const qint64 project = m_projectId;
    m_pool->withClientAsync(QStringLiteral("POST /sandbox/status"), [=](Connection& connection) -> Result<qint64> {
        auto changed = connection.exec(QStringLiteral("SELECT ops.set_violation_status($1, $2::bigint[], $3, '')"),
                                       {project, idArray, status});
        if (!changed)
            return changed.error();
        return changed->toInt64(0, 0);
    }).then(this, [this, status](Result<qint64> changed) {
        if (!changed) {
            m_message->setText(changed.error().toString());
            return;
        }
        m_message->setText(tr("%1 violations marked %2").arg(changed.value()).arg(status));
        applyFilter();  // reload with the new statuses
    });
}

} // namespace ops::widgets
