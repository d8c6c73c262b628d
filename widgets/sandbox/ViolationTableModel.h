// SPDX-License-Identifier: MIT
#pragma once

// ViolationTableModel: the violations of one project as a lazily paged table. Only the pages the
// view asked for are in memory (canFetchMore/fetchMore load the next keyset page on a pool worker;
// the GUI thread never waits). A filter change starts over (a generation number drops answers to
// older requests). fetchNewer() puts rows that arrived since (NOTIFY) on top.

#include "db/Pool.h"
#include "sandbox/ViolationQuery.h"

#include <QAbstractTableModel>
#include <QSet>

#include <vector>

namespace ops::widgets {

class ViolationTableModel final : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Time, Kind, Severity, Decision, Status, Agent, Operation, Target, Rule, ColumnCount };
    static constexpr int PageSize = 200;

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
    const ops::services::sandbox::ViolationRow* rowAt(int row) const;

signals:
    void loadFailed(const QString& message);
    void newRowsOnTop(int count);
    void pageLoaded();

private:
    ops::services::Pool* m_pool;
    qint64 m_projectId;
    ops::services::sandbox::ViolationFilter m_filter;
    std::vector<ops::services::sandbox::ViolationRow> m_rows;
    quint64 m_generation = 0;
    qint64 m_maxId = 0;
    std::optional<ops::services::sandbox::PageCursor> m_cursor;  // after the last page loaded
    QSet<qint64> m_present;  // ids shown: a page and a fetchNewer answer may overlap, each row is shown once
    bool m_loading = false;
    bool m_loadingNewer = false;
    bool m_exhausted = false;
};

} // namespace ops::widgets
