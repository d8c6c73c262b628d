// SPDX-License-Identifier: MIT
#include "health/MonitorListView.h"

#include "common/PlainToolTip.h"

#include <QBrush>
#include <QColor>
#include <QHeaderView>
#include <QTableView>
#include <QVBoxLayout>

using namespace ops::services;

namespace ops::widgets {

namespace {
constexpr int staleAfterSeconds = 300;  // as `ops-console health`
}

int MonitorListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_monitors.size());
}

int MonitorListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MonitorListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(m_monitors.size()))
        return {};
    const MonitorStatus& m = m_monitors[std::size_t(index.row())];
    if (role == Qt::ForegroundRole && index.column() == State)
        return QBrush(m.grade == 0 ? QColor(0x1b, 0x7f, 0x3a) : m.grade == 1 ? QColor(0xa8, 0x6b, 0x00) : QColor(0xb3, 0x26, 0x1e));
    if (role == Qt::ToolTipRole && index.column() == State)
        return plainToolTip(m.error);  // the endpoint's text, shown literally
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: return m.name;
    case Kind: return m.kind;
    case State: return m.state;
    case Uptime24h: return uptimeText(m.uptime24h);
    case Uptime7d: return uptimeText(m.uptime7d);
    case Uptime30d: return uptimeText(m.uptime30d);
    case Alerts: return m.unacknowledgedAlerts;
    default: return {};
    }
}

QVariant MonitorListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    const char* names[] = {QT_TR_NOOP("Monitor"), QT_TR_NOOP("Kind"), QT_TR_NOOP("State"), QT_TR_NOOP("Uptime 24 h"),
                           QT_TR_NOOP("7 d"),     QT_TR_NOOP("30 d"), QT_TR_NOOP("Open alerts")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void MonitorListModel::setMonitors(std::vector<MonitorStatus> monitors)
{
    beginResetModel();
    m_monitors = std::move(monitors);
    endResetModel();
}

MonitorListView::MonitorListView(Pool& pool, qint64 projectId, QWidget* parent)
    : QWidget(parent), m_pool(pool), m_project(projectId)
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_model = new MonitorListModel(this);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("monitorTable"));  // column layout remembered by name
    m_table->setAccessibleName(tr("Monitors"));
    m_table->setModel(m_model);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->horizontalHeader()->setSectionResizeMode(MonitorListModel::Name, QHeaderView::Stretch);
    m_table->setSelectionMode(QAbstractItemView::NoSelection);
    m_table->setMaximumHeight(150);
    layout->addWidget(m_table);
    reload();
}

void MonitorListView::reload()
{
    if (m_loading)
        return;  // the next refresh of the tab brings the newest figures
    m_loading = true;
    loadMonitorStatus(m_pool, m_project, staleAfterSeconds).then(this, [this](Result<std::vector<MonitorStatus>> monitors) {
        m_loading = false;
        if (!monitors)
            return;  // the tab's own message line reports database problems
        m_model->setMonitors(std::move(monitors.value()));
        emit loaded();
    });
}

} // namespace ops::widgets
