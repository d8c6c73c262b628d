// SPDX-License-Identifier: MIT
#pragma once

// MonitorListView: one row per monitor of the project: name, kind, state, uptime over 24 h / 7 d /
// 30 d ("unknown" without samples) and unacknowledged alerts, from MonitorStatus on the pool's
// workers. It has no LISTEN connection of its own: the Health tab calls reload() after each of its
// refreshes.

#include "health/MonitorStatus.h"

#include <QAbstractTableModel>
#include <QWidget>

class QTableView;

namespace ops::widgets {

class MonitorListModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Name, Kind, State, Uptime24h, Uptime7d, Uptime30d, Alerts, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    void setMonitors(std::vector<ops::services::MonitorStatus> monitors);

private:
    std::vector<ops::services::MonitorStatus> m_monitors;
};

class MonitorListView final : public QWidget {
    Q_OBJECT
public:
    MonitorListView(ops::services::Pool& pool, qint64 projectId, QWidget* parent = nullptr);

    void reload();
    MonitorListModel* model() const { return m_model; }

signals:
    void loaded();

private:
    ops::services::Pool& m_pool;
    qint64 m_project;
    MonitorListModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    bool m_loading = false;
};

} // namespace ops::widgets
