// SPDX-License-Identifier: MIT
#pragma once

// ViolationQuery: keyset pages of ops.sandbox_violations for the tab, newest first, with the
// filters applied in the database. A page continues strictly after the last (occurred_at, id)
// seen, so rows inserted meanwhile never shift or repeat a page; rows newer than what is shown
// are fetched separately (fetchNewer, by id) and put on top. Runs on a pooled connection.

#include "common/Result.h"
#include "db/Connection.h"
#include "sandbox/ViolationEvent.h"

#include <QDateTime>
#include <QString>

#include <optional>
#include <vector>

namespace ops::services::sandbox {

struct ViolationFilter {
    QString kind;      // empty: any
    QString severity;
    QString status;
    QString decision;
    QDateTime from, to;  // invalid: open
    QString text;      // substring of target or operation (case-insensitive, trigram index)
};

struct ViolationRow {
    qint64 id = 0;
    QDateTime occurredAt;
    QString machine, agent, session, kind, operation, target, rule, decision, severity, status, sourceFormat, raw;
    bool targetUntrusted = false;
};

// The stored row as an event again (for SandboxPolicy::explain and proposals).
ViolationEvent toEvent(const ViolationRow& row);

struct PageCursor {
    QDateTime occurredAt;
    qint64 id = 0;
};

class ViolationQuery final {
public:
    // Up to `limit` rows after `after` (none: from the newest).
    static Result<std::vector<ViolationRow>> page(Connection& connection, qint64 projectId, const ViolationFilter& filter,
                                                  const std::optional<PageCursor>& after, int limit);
    // Rows with id > `afterId` matching the filter, lowest id first (what NOTIFY announced): a caller
    // that gets `limit` rows asks again after the last id, so a burst is never cut in the middle.
    static Result<std::vector<ViolationRow>> newer(Connection& connection, qint64 projectId, const ViolationFilter& filter,
                                                   qint64 afterId, int limit);
    // These rows again (a page the model evicted and needs back), in page order; RLS applies.
    static Result<std::vector<ViolationRow>> byIds(Connection& connection, qint64 projectId,
                                                   const std::vector<qint64>& ids);
    // The highest id stored for the project (0: none): rows above it are "new" for the tab.
    static Result<qint64> maxId(Connection& connection, qint64 projectId);

    // The filter as SQL for other queries on ops.sandbox_violations (charts, export, checks):
    // " WHERE project_id = $1 AND ..." using parameters $1..$8, and those 8 parameters.
    static const char* filterClause();
    static SqlParams filterParams(qint64 projectId, const ViolationFilter& filter);
    // `text` as a LIKE pattern matching it literally.
    static QString likePattern(const QString& text);
};

} // namespace ops::services::sandbox
