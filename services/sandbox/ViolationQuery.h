// SPDX-License-Identifier: MIT
#pragma once

// ViolationQuery: keyset pages of ops.sandbox_violations for the tab, newest first, with the
// filters applied in the database. A page continues strictly after the last (occurred_at, id)
// seen, so rows inserted meanwhile never shift or repeat a page; rows newer than what is shown
// are fetched separately (fetchNewer, by id) and put on top. Runs on a pooled connection.

#include "common/Result.h"
#include "db/Connection.h"

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

struct PageCursor {
    QDateTime occurredAt;
    qint64 id = 0;
};

class ViolationQuery final {
public:
    // Up to `limit` rows after `after` (none: from the newest).
    static Result<std::vector<ViolationRow>> page(Connection& connection, qint64 projectId, const ViolationFilter& filter,
                                                  const std::optional<PageCursor>& after, int limit);
    // Rows with id > `afterId` matching the filter, newest first (what NOTIFY announced).
    static Result<std::vector<ViolationRow>> newer(Connection& connection, qint64 projectId, const ViolationFilter& filter,
                                                   qint64 afterId, int limit);
    // `text` as a LIKE pattern matching it literally.
    static QString likePattern(const QString& text);
};

} // namespace ops::services::sandbox
