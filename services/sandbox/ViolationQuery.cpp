// SPDX-License-Identifier: MIT
#include "sandbox/ViolationQuery.h"

#include <QStringList>

namespace ops::services::sandbox {

namespace {
const char* const kColumns =
    "id, occurred_at, machine, agent, session, kind, operation, target, rule, decision, severity, status, "
    "source_format, raw, target_untrusted";

// $1 project, $2..$8 the filter; every condition is "parameter is null or matches".
const char* const kFilter =
    " WHERE project_id = $1"
    " AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR severity = $3)"
    " AND ($4::text IS NULL OR status = $4) AND ($5::text IS NULL OR decision = $5)"
    " AND ($6::timestamptz IS NULL OR occurred_at >= $6) AND ($7::timestamptz IS NULL OR occurred_at < $7)"
    " AND ($8::text IS NULL OR target ILIKE $8 OR operation ILIKE $8)";

SqlValue optionalText(const QString& text) { return text.isEmpty() ? SqlValue() : SqlValue(text); }

// One statement in its own short transaction with `setting` (a SET LOCAL) applied to it.
Result<QueryResult> execWithLocalSetting(Connection& connection, const char* setting, const QString& sql,
                                         const SqlParams& params)
{
    if (auto begun = connection.exec(QStringLiteral("BEGIN")); !begun)
        return begun.error();
    auto set = connection.exec(QLatin1String(setting));
    auto result = set ? connection.exec(sql, params) : Result<QueryResult>(set.error());
    // COMMIT of a failed transaction rolls it back: either way the connection is idle again.
    if (auto ended = connection.exec(QStringLiteral("COMMIT")); !ended && result)
        return ended.error();
    return result;
}

// A page query with a text filter. The planner usually walks the newest-first index and tests
// each row: instant when matches are dense, but when they are rare or all old it reads most of the
// table (1.3 s at a million rows for a substring whose matches are all old) and cannot know that
// beforehand. So the walk gets a short server-side budget; when it runs out, the matches are
// collected through the trigram indexes instead and sorted (tens of ms for thousands of matches).
Result<QueryResult> execTextPage(Connection& connection, const QString& sql, const SqlParams& params)
{
    if (connection.transactionStatus() != PQTRANS_IDLE)
        return connection.exec(sql, params);  // inside the caller's transaction: no BEGIN/COMMIT of ours
    auto walked = execWithLocalSetting(connection, "SET LOCAL statement_timeout = 150", sql, params);
    if (walked || walked.error().sqlstate != QLatin1String("57014"))
        return walked;
    return execWithLocalSetting(connection, "SET LOCAL enable_indexscan = off", sql, params);
}
} // namespace

const char* ViolationQuery::filterClause() { return kFilter; }

SqlParams ViolationQuery::filterParams(qint64 projectId, const ViolationFilter& filter)
{
    return {projectId, optionalText(filter.kind), optionalText(filter.severity), optionalText(filter.status),
            optionalText(filter.decision), filter.from.isValid() ? SqlValue(filter.from) : SqlValue(),
            filter.to.isValid() ? SqlValue(filter.to) : SqlValue(),
            filter.text.isEmpty() ? SqlValue() : SqlValue(ViolationQuery::likePattern(filter.text))};
}

namespace {

std::vector<ViolationRow> rowsOf(const QueryResult& result)
{
    std::vector<ViolationRow> rows;
    rows.reserve(result.rowCount());
    for (int r = 0; r < result.rowCount(); ++r) {
        ViolationRow row;
        row.id = result.toInt64(r, 0);
        row.occurredAt = result.toDateTime(r, 1);
        row.machine = result.text(r, 2);
        row.agent = result.text(r, 3);
        row.session = result.text(r, 4);
        row.kind = result.text(r, 5);
        row.operation = result.text(r, 6);
        row.target = result.text(r, 7);
        row.rule = result.text(r, 8);
        row.decision = result.text(r, 9);
        row.severity = result.text(r, 10);
        row.status = result.text(r, 11);
        row.sourceFormat = result.text(r, 12);
        row.raw = result.text(r, 13);
        row.targetUntrusted = result.toBool(r, 14);
        rows.push_back(std::move(row));
    }
    return rows;
}
} // namespace

ViolationEvent toEvent(const ViolationRow& row)
{
    ViolationEvent event;
    event.occurredAt = row.occurredAt;
    event.machine = row.machine;
    event.agent = row.agent;
    event.session = row.session;
    kindFromName(row.kind, &event.kind);
    event.operation = row.operation;
    event.target = row.target;
    event.targetUntrusted = row.targetUntrusted;
    event.rule = row.rule;
    decisionFromName(row.decision, &event.decision);
    severityFromName(row.severity, &event.severity);
    event.sourceFormat = row.sourceFormat;
    event.raw = row.raw;
    return event;
}

QString ViolationQuery::likePattern(const QString& text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('%'), QLatin1String("\\%"));
    escaped.replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

Result<std::vector<ViolationRow>> ViolationQuery::page(Connection& connection, qint64 projectId,
                                                       const ViolationFilter& filter,
                                                       const std::optional<PageCursor>& after, int limit)
{
    SqlParams params = filterParams(projectId, filter);
    params.emplace_back(after ? SqlValue(after->occurredAt) : SqlValue());
    params.emplace_back(after ? SqlValue(after->id) : SqlValue());
    params.emplace_back(limit);
    const QString sql = QStringLiteral("SELECT %1 FROM ops.sandbox_violations%2"
                                       " AND ($9::timestamptz IS NULL OR (occurred_at, id) < ($9, $10::bigint))"
                                       " ORDER BY occurred_at DESC, id DESC LIMIT $11")
                            .arg(QLatin1String(kColumns), QLatin1String(kFilter));
    // Patterns under 3 characters cannot use the trigram indexes: the ordered walk is the only way.
    auto result = filter.text.trimmed().size() >= 3 ? execTextPage(connection, sql, params) : connection.exec(sql, params);
    if (!result)
        return result.error();
    return rowsOf(result.value());
}

Result<std::vector<ViolationRow>> ViolationQuery::newer(Connection& connection, qint64 projectId,
                                                        const ViolationFilter& filter, qint64 afterId, int limit)
{
    SqlParams params = filterParams(projectId, filter);
    params.emplace_back(afterId);
    params.emplace_back(limit);
    auto result = connection.exec(QStringLiteral("SELECT %1 FROM ops.sandbox_violations%2 AND id > $9"
                                                 " ORDER BY occurred_at DESC, id DESC LIMIT $10")
                                      .arg(QLatin1String(kColumns), QLatin1String(kFilter)), params);
    if (!result)
        return result.error();
    return rowsOf(result.value());
}

Result<std::vector<ViolationRow>> ViolationQuery::byIds(Connection& connection, qint64 projectId,
                                                        const std::vector<qint64>& ids)
{
    QStringList list;
    list.reserve(qsizetype(ids.size()));
    for (qint64 id : ids)
        list << QString::number(id);
    auto result = connection.exec(QStringLiteral("SELECT %1 FROM ops.sandbox_violations WHERE project_id = $1"
                                                 " AND id = ANY ($2::bigint[]) ORDER BY occurred_at DESC, id DESC")
                                      .arg(QLatin1String(kColumns)),
                                  {projectId, QString(QLatin1Char('{') + list.join(QLatin1Char(',')) + QLatin1Char('}'))});
    if (!result)
        return result.error();
    return rowsOf(result.value());
}

Result<qint64> ViolationQuery::maxId(Connection& connection, qint64 projectId)
{
    auto result = connection.exec(QStringLiteral("SELECT coalesce(max(id), 0) FROM ops.sandbox_violations WHERE project_id = $1"),
                                  {projectId});
    if (!result)
        return result.error();
    return result->toInt64(0, 0);
}

} // namespace ops::services::sandbox
