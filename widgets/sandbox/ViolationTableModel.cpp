// SPDX-License-Identifier: MIT
#include "sandbox/ViolationTableModel.h"

#include <QFuture>

namespace ops::widgets {

using namespace ops::services;
using namespace ops::services::sandbox;

ViolationTableModel::ViolationTableModel(Pool* pool, qint64 projectId, QObject* parent)
    : QAbstractTableModel(parent), m_pool(pool), m_projectId(projectId)
{
}

int ViolationTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ViolationTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

const ViolationRow* ViolationTableModel::rowAt(int row) const
{
    return row >= 0 && row < int(m_rows.size()) ? &m_rows[std::size_t(row)] : nullptr;
}

QVariant ViolationTableModel::data(const QModelIndex& index, int role) const
{
    const ViolationRow* row = rowAt(index.row());
    if (!row || role != Qt::DisplayRole)
        return {};
    // Outside text shown as plain text by the view; long values cut for the cell (the detail pane has all).
    switch (index.column()) {
    case Time: return row->occurredAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Kind: return row->kind;
    case Severity: return row->severity;
    case Decision: return row->decision;
    case Status: return row->status;
    case Agent: return row->agent.left(200);
    case Operation: return row->operation.left(200);
    case Target: return (row->targetUntrusted ? QStringLiteral("[untrusted] ") : QString()) + row->target.left(500);
    case Rule: return row->rule.left(300);
    default: return {};
    }
}

QVariant ViolationTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {"Time", "Kind", "Severity", "Decision", "Status", "Agent", "Operation", "Target", "Rule"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

bool ViolationTableModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && !m_exhausted && !m_loading;
}

void ViolationTableModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent) || !m_pool)
        return;
    m_loading = true;
    const std::optional<PageCursor> cursor = m_cursor;
    const quint64 generation = m_generation;
    const ViolationFilter filter = m_filter;
    const qint64 project = m_projectId;
    m_pool->withClientAsync(QStringLiteral("GET /sandbox/violations"), [=](Connection& connection) {
        return ViolationQuery::page(connection, project, filter, cursor, PageSize);
    }, CallOptions::idempotentUnit()).then(this, [this, generation](Result<std::vector<ViolationRow>> page) {
        if (generation != m_generation)
            return;  // an answer for a filter no longer shown
        m_loading = false;
        if (!page) {
            emit loadFailed(page.error().toString());
            return;
        }
        if (int(page->size()) < PageSize)
            m_exhausted = true;
        if (!page->empty()) {
            // The cursor moves past every row of the page, even those already put on top by fetchNewer.
            const PageCursor last{page->back().occurredAt, page->back().id};  // before the rows are moved
            std::vector<ViolationRow> fresh;
            for (ViolationRow& row : page.value())
                if (!m_present.contains(row.id))
                    fresh.push_back(std::move(row));
            if (!fresh.empty()) {
                beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + fresh.size()) - 1);
                for (ViolationRow& row : fresh) {
                    m_maxId = std::max(m_maxId, row.id);
                    m_present.insert(row.id);
                    m_rows.push_back(std::move(row));
                }
                endInsertRows();
            }
            m_cursor = last;
        }
        emit pageLoaded();
    });
}

void ViolationTableModel::fetchNewer()
{
    if (m_loadingNewer || !m_pool)
        return;
    if (m_rows.empty() && !m_exhausted) {
        fetchMore({});  // the first page is still to come: it will hold the new rows
        return;
    }
    m_loadingNewer = true;
    const quint64 generation = m_generation;
    const ViolationFilter filter = m_filter;
    const qint64 project = m_projectId;
    const qint64 after = m_maxId;
    m_pool->withClientAsync(QStringLiteral("GET /sandbox/violations/newer"), [=](Connection& connection) {
        return ViolationQuery::newer(connection, project, filter, after, 1000);
    }, CallOptions::idempotentUnit()).then(this, [this, generation](Result<std::vector<ViolationRow>> rows) {
        m_loadingNewer = false;
        if (generation != m_generation || !rows)
            return;
        // A page that arrived meanwhile may already hold some of them.
        std::vector<ViolationRow> fresh;
        for (ViolationRow& row : rows.value())
            if (!m_present.contains(row.id))
                fresh.push_back(std::move(row));
        if (fresh.empty())
            return;
        const int count = int(fresh.size());
        beginInsertRows({}, 0, count - 1);
        for (const ViolationRow& row : fresh) {
            m_maxId = std::max(m_maxId, row.id);
            m_present.insert(row.id);
        }
        m_rows.insert(m_rows.begin(), std::make_move_iterator(fresh.begin()), std::make_move_iterator(fresh.end()));
        endInsertRows();
        emit newRowsOnTop(count);
    });
}

void ViolationTableModel::setFilter(const ViolationFilter& filter)
{
    beginResetModel();
    m_filter = filter;
    ++m_generation;
    m_rows.clear();
    m_rows.shrink_to_fit();
    m_present.clear();
    m_cursor.reset();
    m_maxId = 0;
    m_loading = false;
    m_loadingNewer = false;
    m_exhausted = false;
    endResetModel();
    fetchMore({});
}

} // namespace ops::widgets
