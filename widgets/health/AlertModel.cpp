// SPDX-License-Identifier: MIT
#include "health/AlertModel.h"

#include "common/PlainToolTip.h"

#include <QBrush>
#include <QColor>

namespace ops::widgets {

int AlertModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_alerts.size());
}

int AlertModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AlertModel::data(const QModelIndex& index, int role) const
{
    const services::HealthAlert* a = index.isValid() ? alertAt(index.row()) : nullptr;
    if (!a)
        return {};
    if (role == Qt::ForegroundRole && index.column() == Kind) {
        const bool opening = a->kind.endsWith(QLatin1String("_down")) || a->kind.endsWith(QLatin1String("_opened"))
                             || a->kind.endsWith(QLatin1String("_breached"));
        return QBrush(opening ? QColor(0xb3, 0x26, 0x1e) : QColor(0x1b, 0x7f, 0x3a));
    }
    if (role == Qt::ToolTipRole)  // the same text, shown literally (monitor names and messages come from outside)
        return plainToolTip(data(index, Qt::DisplayRole).toString());
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Raised: return a->raisedAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Monitor: return a->monitorName;
    case Kind: return QString(a->kind).replace(QLatin1Char('_'), QLatin1Char(' '));
    case Message: return a->message;
    case Acknowledged:
        return a->acknowledgedAt.isValid()
                   ? tr("%1 at %2").arg(a->acknowledgedBy, a->acknowledgedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss")))
                   : tr("no");
    default: return {};
    }
}

QVariant AlertModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Raised: return tr("Raised");
    case Monitor: return tr("Monitor");
    case Kind: return tr("Alert");
    case Message: return tr("Message");
    case Acknowledged: return tr("Acknowledged");
    default: return {};
    }
}

void AlertModel::setAlerts(std::vector<services::HealthAlert> alerts)
{
    beginResetModel();
    m_alerts = std::move(alerts);
    endResetModel();
}

const services::HealthAlert* AlertModel::alertAt(int row) const
{
    return row >= 0 && row < int(m_alerts.size()) ? &m_alerts[std::size_t(row)] : nullptr;
}

} // namespace ops::widgets
