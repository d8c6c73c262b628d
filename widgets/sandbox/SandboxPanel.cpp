// SPDX-License-Identifier: MIT
#include "sandbox/SandboxPanel.h"

#include "db/Listener.h"
#include "db/Projects.h"
#include "sandbox/ViolationTableModel.h"

#include <QComboBox>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace ops::widgets {

using namespace ops::services;
using namespace ops::services::sandbox;

namespace {
QComboBox* choices(const QStringList& values, QWidget* parent)
{
    auto* box = new QComboBox(parent);
    box->addItem(QObject::tr("any"), QString());
    for (const QString& value : values)
        box->addItem(value, value);
    return box;
}
} // namespace

SandboxPanel::SandboxPanel(Pool* pool, ConnectionOptions directOptions, QString projectSlug, QWidget* parent)
    : QWidget(parent), m_pool(pool), m_directOptions(std::move(directOptions))
{
    auto* layout = new QVBoxLayout(this);
    auto* filters = new QHBoxLayout;
    m_kind = choices({"file_read", "file_write", "network", "process", "secret", "other"}, this);
    m_severity = choices({"low", "medium", "high", "critical"}, this);
    m_status = choices({"new", "acknowledged", "allowed", "resolved"}, this);
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("target or operation contains..."));
    m_text->setClearButtonEnabled(true);
    filters->addWidget(new QLabel(tr("Kind"), this));
    filters->addWidget(m_kind);
    filters->addWidget(new QLabel(tr("Severity"), this));
    filters->addWidget(m_severity);
    filters->addWidget(new QLabel(tr("Status"), this));
    filters->addWidget(m_status);
    filters->addWidget(m_text, 1);
    auto* acknowledge = new QPushButton(tr("Acknowledge"), this);
    auto* resolve = new QPushButton(tr("Resolve"), this);
    filters->addWidget(acknowledge);
    filters->addWidget(resolve);
    layout->addLayout(filters);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_table = new QTableView(splitter);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setWordWrap(false);
    m_detail = new QPlainTextEdit(splitter);  // plain text: outside text is never interpreted
    m_detail->setReadOnly(true);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);
    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);
    layout->addWidget(m_message);

    connect(acknowledge, &QPushButton::clicked, this, [this] { setStatus(QStringLiteral("acknowledged")); });
    connect(resolve, &QPushButton::clicked, this, [this] { setStatus(QStringLiteral("resolved")); });
    for (QComboBox* box : {m_kind, m_severity, m_status})
        connect(box, &QComboBox::currentIndexChanged, this, &SandboxPanel::applyFilter);
    auto* debounce = new QTimer(this);
    debounce->setSingleShot(true);
    debounce->setInterval(250);
    connect(m_text, &QLineEdit::textChanged, debounce, qOverload<>(&QTimer::start));
    connect(debounce, &QTimer::timeout, this, &SandboxPanel::applyFilter);

    if (!m_pool)
        return;
    m_message->setText(tr("Loading..."));
    m_pool->withClientAsync(QStringLiteral("GET /projects/id"), [projectSlug](Connection& connection) { return projectIdBySlug(connection, projectSlug); },
                            CallOptions::idempotentUnit()).then(this, [this](Result<qint64> id) {
        if (!id) {
            m_message->setText(id.error().toString());
            return;
        }
        start(id.value());
    });
}

SandboxPanel::~SandboxPanel() = default;

void SandboxPanel::start(qint64 projectId)
{
    m_projectId = projectId;
    m_model = new ViolationTableModel(m_pool, projectId, this);
    m_table->setModel(m_model);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &SandboxPanel::showDetail);
    connect(m_model, &ViolationTableModel::loadFailed, m_message, &QLabel::setText);
    connect(m_model, &ViolationTableModel::pageLoaded, this, [this] {
        m_message->setText(tr("%n violations loaded", nullptr, m_model->rowCount()));
    });
    connect(m_model, &ViolationTableModel::newRowsOnTop, this, [this](int count) {
        keepViewStill(count);
        if (!isVisible()) {
            m_newSinceViewed += count;
            emit newSinceViewedChanged(m_newSinceViewed);
        }
    });
    m_listener = new Listener(m_directOptions, {QStringLiteral("ops_sandbox")}, this);
    connect(m_listener, &Listener::notification, m_model, [this] { m_model->fetchNewer(); });
    connect(m_listener, &Listener::connected, m_model, [this] { m_model->fetchNewer(); });  // re-read what NOTIFY missed
    // Close the LISTEN connection before the console shuts its database down: an embedded server is
    // stopped only when no other console connection is left, and this one would count as one.
    connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, m_listener, &Listener::stop);
    m_listener->start();
    m_model->fetchMore({});
}

void SandboxPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    if (m_newSinceViewed != 0) {
        m_newSinceViewed = 0;
        emit newSinceViewedChanged(0);
    }
}

void SandboxPanel::keepViewStill(int rowsOnTop)
{
    // Rows inserted above: scroll down by as much, so the rows being read stay where they were
    // (at the very top the user is watching for new rows: let them appear).
    QScrollBar* bar = m_table->verticalScrollBar();
    if (bar->value() > 0)
        bar->setValue(bar->value() + rowsOnTop);
}

void SandboxPanel::applyFilter()
{
    if (!m_model)
        return;
    ViolationFilter filter;
    filter.kind = m_kind->currentData().toString();
    filter.severity = m_severity->currentData().toString();
    filter.status = m_status->currentData().toString();
    filter.text = m_text->text().trimmed();
    m_model->setFilter(filter);
}

void SandboxPanel::showDetail()
{
    const ViolationRow* row = m_model ? m_model->rowAt(m_table->currentIndex().row()) : nullptr;
    if (!row) {
        m_detail->clear();
        return;
    }
    m_detail->setPlainText(QStringLiteral("id %1  %2  %3 / %4 / %5\nsource: %6 on %7, agent %8, session %9\n"
                                          "operation: %10\ntarget%11: %12\nrule: %13\n\nraw:\n%14")
                               .arg(row->id)
                               .arg(row->occurredAt.toString(Qt::ISODateWithMs), row->kind, row->decision, row->status,
                                    row->sourceFormat, row->machine, row->agent, row->session)
                               .arg(row->operation,
                                    row->targetUntrusted ? QStringLiteral(" (untrusted: chosen by the sandboxed process)") : QString(),
                                    row->target, row->rule.isEmpty() ? tr("(not given by the source)") : row->rule, row->raw));
}

void SandboxPanel::setStatus(const QString& status)
{
    if (!m_model)
        return;
    QStringList ids;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        if (const ViolationRow* row = m_model->rowAt(index.row()))
            ids << QString::number(row->id);
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
