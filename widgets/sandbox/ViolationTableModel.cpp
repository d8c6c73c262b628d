// SPDX-License-Identifier: MIT
#include "sandbox/ViolationTableModel.h"

#include <QFuture>
#include <QMetaObject>

#include <algorithm>

namespace ops::widgets {

using namespace ops::services;
using namespace ops::services::sandbox;

namespace {
struct FirstPage {
    qint64 maxId = 0;
    std::vector<ViolationRow> rows;
};
constexpr int NewerBatch = 1000;
} // namespace

ViolationTableModel::ViolationTableModel(Pool* pool, qint64 projectId, QObject* parent)
    : QAbstractTableModel(parent), m_pool(pool), m_projectId(projectId)
{
}

int ViolationTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : m_rowCount;
}

int ViolationTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

int ViolationTableModel::pageOf(int row) const
{
    if (row < 0 || row >= m_rowCount)
        return -1;
    return int(std::upper_bound(m_firstRow.begin(), m_firstRow.end(), row) - m_firstRow.begin()) - 1;
}

qint64 ViolationTableModel::idAt(int row) const
{
    const int page = pageOf(row);
    return page < 0 ? 0 : m_pages[std::size_t(page)].ids[std::size_t(row - m_firstRow[std::size_t(page)])];
}

bool ViolationTableModel::isResident(int row) const
{
    const int page = pageOf(row);
    return page >= 0 && !m_pages[std::size_t(page)].rows.empty();
}

const ViolationRow* ViolationTableModel::rowAt(int row) const
{
    const int index = pageOf(row);
    if (index < 0)
        return nullptr;
    Page& page = m_pages[std::size_t(index)];
    page.lastUsed = ++m_useClock;
    if (page.rows.empty()) {
        if (!page.reloading) {
            page.reloading = true;
            // Not from inside data(): the view is painting. The model object itself is not const.
            auto* self = const_cast<ViolationTableModel*>(this);
            QMetaObject::invokeMethod(self, [self, serial = page.serial] { self->reload(serial); }, Qt::QueuedConnection);
        }
        return nullptr;
    }
    return &page.rows[std::size_t(row - m_firstRow[std::size_t(index)])];
}

QVariant ViolationTableModel::data(const QModelIndex& index, int role) const
{
    if (role != Qt::DisplayRole)
        return {};
    const ViolationRow* row = rowAt(index.row());
    if (!row)
        return index.column() == Time && index.row() < m_rowCount ? QVariant(tr("loading...")) : QVariant();
    // Outside text shown as plain text by the view; long values cut for the cell (the detail pane has all).
    switch (index.column()) {
    case Time: return row->occurredAt.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Kind: return row->kind;
    case Severity: return row->severity;
    case Decision: return row->decision;
    case Status: return row->status;
    case Agent: return row->agent.left(200);
    case Operation: return row->operation.left(200);
    case Target: return (row->targetUntrusted ? tr("[untrusted] ") : QString()) + row->target.left(500);
    case Rule: return row->rule.left(300);
    default: return {};
    }
}

QVariant ViolationTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {QT_TR_NOOP("Time"),   QT_TR_NOOP("Kind"),      QT_TR_NOOP("Severity"),
                                        QT_TR_NOOP("Decision"), QT_TR_NOOP("Status"), QT_TR_NOOP("Agent"),
                                        QT_TR_NOOP("Operation"), QT_TR_NOOP("Target"), QT_TR_NOOP("Rule")};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

bool ViolationTableModel::canFetchMore(const QModelIndex& parent) const
{
    return !parent.isValid() && !m_exhausted && !m_loading;
}

void ViolationTableModel::recomputeFirstRows()
{
    m_firstRow.resize(m_pages.size());
    int row = 0;
    for (std::size_t i = 0; i < m_pages.size(); ++i) {
        m_firstRow[i] = row;
        row += int(m_pages[i].ids.size());
    }
    m_rowCount = row;
}

ViolationTableModel::Page* ViolationTableModel::pageBySerial(quint64 serial)
{
    for (Page& page : m_pages)
        if (page.serial == serial)
            return &page;
    return nullptr;
}

bool ViolationTableModel::deferWhileChanging(std::function<void()> apply)
{
    // A continuation attached to a future that has already finished runs at once, so an answer can
    // arrive inside another change's signals (a view or tester reacting to rowsInserted starts a
    // fetch). Changes never nest: this one waits for the next event-loop turn.
    if (!m_changing)
        return false;
    QMetaObject::invokeMethod(this, std::move(apply), Qt::QueuedConnection);
    return true;
}

void ViolationTableModel::addPage(std::vector<ViolationRow> rows, bool onTop)
{
    if (deferWhileChanging([this, rows, onTop]() mutable { addPage(std::move(rows), onTop); }))
        return;
    const int count = int(rows.size());
    Page page;
    page.serial = m_nextSerial++;
    page.lastUsed = ++m_useClock;
    page.ids.reserve(rows.size());
    for (const ViolationRow& row : rows)
        page.ids.push_back(row.id);
    page.rows = std::move(rows);
    const int first = onTop ? 0 : m_rowCount;
    m_changing = true;
    beginInsertRows({}, first, first + count - 1);
    m_pages.insert(onTop ? m_pages.begin() : m_pages.end(), std::move(page));
    ++m_residentPages;
    recomputeFirstRows();
    endInsertRows();
    m_changing = false;
    evictIfNeeded(m_nextSerial - 1);
}

void ViolationTableModel::evictIfNeeded(quint64 keepSerial)
{
    while (m_residentPages > MaxResidentPages) {
        Page* oldest = nullptr;
        for (Page& page : m_pages)
            if (!page.rows.empty() && page.serial != keepSerial && (!oldest || page.lastUsed < oldest->lastUsed))
                oldest = &page;
        if (!oldest)
            return;
        oldest->rows.clear();
        oldest->rows.shrink_to_fit();
        --m_residentPages;
    }
}

void ViolationTableModel::fetchMore(const QModelIndex& parent)
{
    if (!canFetchMore(parent) || !m_pool)
        return;
    m_loading = true;
    const std::optional<PageCursor> cursor = m_cursor;
    const bool first = m_frontier < 0;
    const quint64 generation = m_generation;
    const ViolationFilter filter = m_filter;
    const qint64 project = m_projectId;
    m_pool->withClientAsync(QStringLiteral("GET /sandbox/violations"), [=](Connection& connection) -> Result<FirstPage> {
        FirstPage answer;
        if (first) {  // the frontier is read BEFORE the page: rows above it may also come by fetchNewer
            auto maxId = ViolationQuery::maxId(connection, project);
            if (!maxId)
                return maxId.error();
            answer.maxId = maxId.value();
        }
        auto page = ViolationQuery::page(connection, project, filter, cursor, PageSize);
        if (!page)
            return page.error();
        answer.rows = std::move(page.value());
        return answer;
    }, CallOptions::idempotentUnit()).then(this, [this, generation, first](Result<FirstPage> answer) {
        if (generation != m_generation)
            return;  // an answer for a filter no longer shown
        m_loading = false;
        if (!answer) {
            emit loadFailed(answer.error().toString());
            return;
        }
        if (first) {
            m_frontier = answer->maxId;
            m_newestId = answer->maxId;
            if (m_newerAgain)  // a notification came while the first page was on its way
                QMetaObject::invokeMethod(this, &ViolationTableModel::fetchNewer, Qt::QueuedConnection);
        }
        std::vector<ViolationRow>& rows = answer->rows;
        if (int(rows.size()) < PageSize)
            m_exhausted = true;
        if (!rows.empty()) {
            // The cursor moves past every row of the page, even those already put on top by fetchNewer.
            m_cursor = PageCursor{rows.back().occurredAt, rows.back().id};
            std::vector<ViolationRow> fresh;
            fresh.reserve(rows.size());
            for (ViolationRow& row : rows) {
                if (row.id > m_frontier) {
                    if (m_aboveFrontier.contains(row.id))
                        continue;
                    m_aboveFrontier.insert(row.id);
                }
                fresh.push_back(std::move(row));
            }
            if (!fresh.empty())
                addPage(std::move(fresh), false);
        }
        emit pageLoaded();
    });
}

void ViolationTableModel::reload(quint64 serial)
{
    Page* page = pageBySerial(serial);
    if (!page || !m_pool)
        return;
    const std::vector<qint64> ids = page->ids;
    const quint64 generation = m_generation;
    const qint64 project = m_projectId;
    m_pool->withClientAsync(QStringLiteral("GET /sandbox/violations/page"), [=](Connection& connection) {
        return ViolationQuery::byIds(connection, project, ids);
    }, CallOptions::idempotentUnit()).then(this, [this, generation, serial](Result<std::vector<ViolationRow>> rows) {
        applyReload(generation, serial, std::move(rows));
    });
}

void ViolationTableModel::applyReload(quint64 generation, quint64 serial, Result<std::vector<ViolationRow>> rows)
{
    if (deferWhileChanging([this, generation, serial, rows]() mutable { applyReload(generation, serial, std::move(rows)); }))
        return;
    if (generation != m_generation)
        return;
    Page* page = pageBySerial(serial);
    if (!page)
        return;
    page->reloading = false;
    if (!rows) {
        emit loadFailed(rows.error().toString());
        return;
    }
    // Same ids in the same order; a row that is no longer visible keeps its place, empty.
    QHash<qint64, ViolationRow*> byId;
    for (ViolationRow& row : rows.value())
        byId.insert(row.id, &row);
    page->rows.resize(page->ids.size());
    for (std::size_t i = 0; i < page->ids.size(); ++i) {
        if (ViolationRow* row = byId.value(page->ids[i]))
            page->rows[i] = std::move(*row);
        else
            page->rows[i].id = page->ids[i];
    }
    page->lastUsed = ++m_useClock;
    ++m_residentPages;
    const int index = int(page - m_pages.data());
    const int first = m_firstRow[std::size_t(index)];
    const int last = first + int(page->ids.size()) - 1;
    evictIfNeeded(serial);
    emit dataChanged(this->index(first, 0), this->index(last, ColumnCount - 1));
}

void ViolationTableModel::fetchNewer()
{
    if (!m_pool)
        return;
    if (m_loadingNewer) {
        m_newerAgain = true;  // a notification during the query: ask once more when it is done
        return;
    }
    if (m_frontier < 0) {
        // No frontier yet: the first page is to come. It may have been read before these rows
        // were committed, so ask again once it is there.
        m_newerAgain = true;
        fetchMore({});
        return;
    }
    m_loadingNewer = true;
    m_newerAgain = false;
    const quint64 generation = m_generation;
    const ViolationFilter filter = m_filter;
    const qint64 project = m_projectId;
    const qint64 after = m_newestId;
    m_pool->withClientAsync(QStringLiteral("GET /sandbox/violations/newer"), [=](Connection& connection) {
        return ViolationQuery::newer(connection, project, filter, after, NewerBatch);
    }, CallOptions::idempotentUnit()).then(this, [this, generation](Result<std::vector<ViolationRow>> rows) {
        if (generation != m_generation)
            return;
        m_loadingNewer = false;
        if (!rows)
            return;
        if (!rows->empty())
            m_newestId = std::max(m_newestId, rows->back().id);
        std::vector<ViolationRow> fresh;
        for (ViolationRow& row : rows.value()) {
            if (m_aboveFrontier.contains(row.id))
                continue;  // a page already showed it
            m_aboveFrontier.insert(row.id);
            fresh.push_back(std::move(row));
        }
        const bool more = int(rows->size()) == NewerBatch || m_newerAgain;
        if (!fresh.empty()) {
            std::sort(fresh.begin(), fresh.end(), [](const ViolationRow& a, const ViolationRow& b) {
                return a.occurredAt != b.occurredAt ? a.occurredAt > b.occurredAt : a.id > b.id;
            });
            const int count = int(fresh.size());
            addPage(std::move(fresh), true);
            emit newRowsOnTop(count);
        }
        if (more)
            fetchNewer();
    });
}

void ViolationTableModel::setFilter(const ViolationFilter& filter)
{
    if (deferWhileChanging([this, filter] { setFilter(filter); }))
        return;
    m_changing = true;
    beginResetModel();
    m_filter = filter;
    ++m_generation;
    m_pages.clear();
    m_pages.shrink_to_fit();
    m_firstRow.clear();
    m_rowCount = 0;
    m_residentPages = 0;
    m_aboveFrontier.clear();
    m_cursor.reset();
    m_frontier = -1;
    m_newestId = 0;
    m_loading = false;
    m_loadingNewer = false;
    m_newerAgain = false;
    m_exhausted = false;
    endResetModel();
    m_changing = false;
    fetchMore({});
}

} // namespace ops::widgets
