// SPDX-License-Identifier: MIT
#pragma once

// AlertModel: the alert history as a table (time, monitor, kind, message, acknowledged), over a
// vector of small value rows replaced as a whole on each reload (at most a few hundred rows).
// Cell text is plain: messages come from outside.

#include "health/AlertStore.h"

#include <QAbstractTableModel>

namespace ops::widgets {

class AlertModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Raised, Monitor, Kind, Message, Acknowledged, ColumnCount };
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

    void setAlerts(std::vector<ops::services::HealthAlert> alerts);
    const ops::services::HealthAlert* alertAt(int row) const;

private:
    std::vector<ops::services::HealthAlert> m_alerts;
};

} // namespace ops::widgets
