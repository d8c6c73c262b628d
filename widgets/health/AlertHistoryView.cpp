// SPDX-License-Identifier: MIT
#include "health/AlertHistoryView.h"

#include "db/Listener.h"
#include "health/AlertModel.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

using namespace ops::services;

namespace ops::widgets {

AlertHistoryView::AlertHistoryView(Pool& pool, qint64 projectId, const ConnectionOptions& directOptions, QWidget* parent)
    : QWidget(parent), m_store(pool, projectId)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto* bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Alerts"), this));
    m_acknowledge = new QPushButton(tr("Acknowledge"), this);
    m_acknowledge->setEnabled(false);
    bar->addWidget(m_acknowledge);
    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);  // database errors and endpoint text
    bar->addWidget(m_message, 1);
    layout->addLayout(bar);

    m_model = new AlertModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("alertHistoryTable"));  // column layout remembered by name
    m_table->setAccessibleName(tr("Alert history"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);  // uniform row heights
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionResizeMode(AlertModel::Message, QHeaderView::Stretch);
    m_table->setMinimumHeight(120);
    layout->addWidget(m_table);

    connect(m_acknowledge, &QPushButton::clicked, this, &AlertHistoryView::acknowledgeSelected);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        const QModelIndexList rows = m_table->selectionModel()->selectedRows();
        const HealthAlert* a = rows.isEmpty() ? nullptr : m_model->alertAt(rows.first().row());
        m_acknowledge->setEnabled(a && !a->acknowledgedAt.isValid());
    });
    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(300);
    connect(m_debounce, &QTimer::timeout, this, &AlertHistoryView::reload);
    if (!directOptions.database().isEmpty()) {
        m_listener = std::make_unique<Listener>(directOptions, QStringList{QStringLiteral("ops_health_alert")});
        connect(m_listener.get(), &Listener::notification, this, [this] {
            if (!m_debounce->isActive())
                m_debounce->start();
        });
        connect(m_listener.get(), &Listener::connected, this, &AlertHistoryView::reload);
        m_listener->start();
    }
    reload();
}

AlertHistoryView::~AlertHistoryView() = default;

void AlertHistoryView::stopLiveUpdates()
{
    if (m_listener)
        m_listener->stop();
    m_debounce->stop();
}

QString AlertHistoryView::message() const
{
    return m_message->text();
}

void AlertHistoryView::reload()
{
    if (m_loading) {
        m_reloadAgain = true;  // one reload at a time; the latest request wins
        return;
    }
    m_loading = true;
    m_store.recent().then(this, [this](Result<std::vector<HealthAlert>> alerts) {
        m_loading = false;
        if (!alerts) {
            m_message->setText(tr("Alerts could not be read: %1").arg(alerts.error().toString()));
        } else {
            const qint64 previousNewest = m_newestSeen;
            for (auto it = alerts->rbegin(); it != alerts->rend(); ++it) {  // oldest first
                if (previousNewest >= 0 && it->id > previousNewest)
                    emit newAlert(QString(it->kind).replace(QLatin1Char('_'), QLatin1Char(' ')), it->message);
                m_newestSeen = std::max(m_newestSeen, it->id);
            }
            m_newestSeen = std::max<qint64>(m_newestSeen, 0);
            m_model->setAlerts(std::move(alerts.value()));
            m_acknowledge->setEnabled(false);
            emit loaded();
        }
        if (m_reloadAgain) {
            m_reloadAgain = false;
            reload();
        }
    });
}

void AlertHistoryView::acknowledgeSelected()
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    const HealthAlert* a = rows.isEmpty() ? nullptr : m_model->alertAt(rows.first().row());
    if (!a)
        return;
    m_acknowledge->setEnabled(false);
    m_store.acknowledge(a->id).then(this, [this](Result<bool> done) {
        if (!done)
            m_message->setText(done.error().kind == ErrorKind::Permission
                                   ? tr("Acknowledging needs the operator role: %1").arg(done.error().message)
                                   : tr("Could not acknowledge: %1").arg(done.error().toString()));
        else
            m_message->clear();
        reload();
    });
}

} // namespace ops::widgets
