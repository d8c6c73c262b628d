// SPDX-License-Identifier: MIT
#include "sandbox/IsolationCheck.h"

#include "sandbox/ViolationQuery.h"

#include <QDir>

namespace ops::services::sandbox {

namespace {
// Per probe, the extra condition on a blocked event in the window ($1 project, $2 from, $3 to,
// $4 the project directory as a literal LIKE prefix pattern, $5 the directory itself).
const char* conditionOf(IsolationProbe probe)
{
    switch (probe) {
    case IsolationProbe::ProtectedFileRead:
        return "kind = 'secret'";
    case IsolationProbe::HostOutsideAllowList:
        return "kind = 'network'";
    case IsolationProbe::ReadOutsideProject:
        return "kind IN ('file_read', 'secret') AND target <> $5 AND target NOT LIKE $4";
    }
    return "false";
}
} // namespace

QString IsolationCheck::title(IsolationProbe probe)
{
    switch (probe) {
    case IsolationProbe::ProtectedFileRead: return QStringLiteral("A read of a protected file (e.g. .env.local) is blocked");
    case IsolationProbe::HostOutsideAllowList: return QStringLiteral("A connection to a host outside the allow-list is blocked");
    case IsolationProbe::ReadOutsideProject: return QStringLiteral("A read outside the project directory is blocked");
    }
    return {};
}

Result<std::array<IsolationItem, 3>> IsolationCheck::run(Connection& connection, qint64 projectId,
                                                         const QString& projectDirectory, const IsolationWindow& window)
{
    const QString directory = QDir::cleanPath(projectDirectory);
    // "<dir>/%" with the directory's own % and _ taken literally (likePattern adds % on both sides).
    QString below = ViolationQuery::likePattern(directory + QLatin1Char('/'));
    below.remove(0, 1);
    std::array<IsolationItem, 3> items;
    for (std::size_t i = 0; i < Probes.size(); ++i) {
        items[i].probe = Probes[i];
        auto result = connection.exec(
            QStringLiteral("SELECT id, occurred_at, target FROM ops.sandbox_violations"
                           " WHERE project_id = $1 AND decision = 'blocked'"
                           " AND ($2::timestamptz IS NULL OR occurred_at >= $2) AND ($3::timestamptz IS NULL OR occurred_at < $3)"
                           " AND (%1) AND $4::text IS NOT NULL AND $5::text IS NOT NULL"
                           " ORDER BY occurred_at DESC, id DESC LIMIT 1").arg(QLatin1String(conditionOf(Probes[i]))),
            {projectId, window.from.isValid() ? SqlValue(window.from) : SqlValue(),
             window.to.isValid() ? SqlValue(window.to) : SqlValue(), below, directory});
        if (!result)
            return result.error();
        if (result->rowCount() == 1) {
            items[i].passed = true;
            items[i].evidenceId = result->toInt64(0, 0);
            items[i].evidenceTime = result->toDateTime(0, 1);
            items[i].evidenceTarget = result->text(0, 2);
        }
    }
    return items;
}

bool IsolationCheck::allPassed(const std::array<IsolationItem, 3>& items)
{
    for (const IsolationItem& item : items)
        if (!item.passed)
            return false;
    return true;
}

} // namespace ops::services::sandbox
