// SPDX-License-Identifier: MIT
#pragma once

// ViolationTableModel: the violations of one project as a lazily paged table that never holds the
// whole table in memory, whatever the user scrolls through:
// - canFetchMore/fetchMore load the next keyset page on a pool worker (the GUI thread never waits);
// - only the MaxResidentPages pages used most recently keep their rows; the others keep just their
//   ids (8 bytes a row) and are loaded again by id when the view paints them, so a page shows the
//   same rows whatever was inserted meanwhile;
// - fetchNewer() (on NOTIFY) puts rows that arrived since on top, as a page of their own.
// Exactly once: rows with an id up to the "frontier" (the highest id when the first page was read)
// come only through keyset pages; rows above it can come both ways (a page or fetchNewer), so
// their ids are remembered (a small set) and each is shown once.
// A filter change starts over (a generation number drops answers to older requests).

#include "db/Pool.h"
#include "sandbox/ViolationQuery.h"

#include <QAbstractTableModel>
#include <QSet>

#include <functional>
#include <vector>

namespace ops::widgets {

class ViolationTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Kind, Severity, Decision, Status, Agent, Operation, Target, Rule, ColumnCount };
    static constexpr int PageSize = 200;
    static constexpr int MaxResidentPages = 50;  // 10,000 rows with their text

    ViolationTableModel(ops::services::Pool* pool, qint64 projectId, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    void setFilter(const ops::services::sandbox::ViolationFilter& filter);
    const ops::services::sandbox::ViolationFilter& filter() const { return m_filter; }
    void fetchNewer();
    // The row's data, or nullptr when out of range or evicted (then it is being loaded again).
    const ops::services::sandbox::ViolationRow* rowAt(int row) const;
    qint64 idAt(int row) const;  // always known (0: out of range)
    bool isResident(int row) const;  // its page holds its text now (does not count as a use)
    int residentPages() const { return m_residentPages; }
    bool isLoading() const { return m_loading; }

signals:
    void loadFailed(const QString& message);
    void newRowsOnTop(int count);
    void pageLoaded();

private:
    struct Page {
        quint64 serial = 0;  // stable name of the page while pages are inserted in front of it
        std::vector<qint64> ids;
        std::vector<ops::services::sandbox::ViolationRow> rows;  // empty while evicted
        quint64 lastUsed = 0;
        bool reloading = false;
    };
    int pageOf(int row) const;
    void addPage(std::vector<ops::services::sandbox::ViolationRow> rows, bool onTop);
    bool deferWhileChanging(std::function<void()> apply);
    void reload(quint64 serial);
    void applyReload(quint64 generation, quint64 serial, ops::services::Result<std::vector<ops::services::sandbox::ViolationRow>> rows);
    void evictIfNeeded(quint64 keepSerial);
    void recomputeFirstRows();
    Page* pageBySerial(quint64 serial);

    ops::services::Pool* m_pool;
    qint64 m_projectId;
    ops::services::sandbox::ViolationFilter m_filter;
    mutable std::vector<Page> m_pages;  // display order; `mutable`: data() marks use and asks for reloads
    std::vector<int> m_firstRow;        // row number of each page's first row
    int m_rowCount = 0;
    int m_residentPages = 0;
    mutable quint64 m_useClock = 0;
    quint64 m_nextSerial = 1;
    quint64 m_generation = 0;
    qint64 m_frontier = -1;  // -1: first page not read yet
    qint64 m_newestId = 0;   // fetchNewer asks for ids above this
    QSet<qint64> m_aboveFrontier;
    std::optional<ops::services::sandbox::PageCursor> m_cursor;  // after the last page loaded
    bool m_loading = false;
    bool m_loadingNewer = false;
    bool m_newerAgain = false;
    bool m_exhausted = false;
    bool m_changing = false;  // inside begin/endInsertRows (and the signals they emit)
};

} // namespace ops::widgets
