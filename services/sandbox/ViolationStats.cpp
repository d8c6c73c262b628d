// SPDX-License-Identifier: MIT
#include "sandbox/ViolationStats.h"

namespace ops::services::sandbox {

namespace {
Result<std::vector<RankedCount>> ranked(Connection& connection, const QString& labelSql, qint64 projectId,
                                        const ViolationFilter& filter)
{
    SqlParams params = ViolationQuery::filterParams(projectId, filter);
    params.emplace_back(ViolationStats::TopCount);
    auto result = connection.exec(QStringLiteral("SELECT %1 AS label, count(*) FROM ops.sandbox_violations%2"
                                                 " GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT $9")
                                      .arg(labelSql, QLatin1String(ViolationQuery::filterClause())), params);
    if (!result)
        return result.error();
    std::vector<RankedCount> counts;
    for (int r = 0; r < result->rowCount(); ++r)
        counts.push_back({result->text(r, 0), result->toInt64(r, 1)});
    return counts;
}
} // namespace

Result<ViolationStatsData> ViolationStats::load(Connection& connection, qint64 projectId, const ViolationFilter& filter,
                                                int defaultHours)
{
    ViolationFilter window = filter;
    if (!window.from.isValid()) {
        // The newest event under the filter bounds the default window (index scan, one row).
        auto page = ViolationQuery::page(connection, projectId, filter, std::nullopt, 1);
        if (!page)
            return page.error();
        if (page->empty())
            return ViolationStatsData{};
        const QDateTime newest = window.to.isValid() ? window.to : page->front().occurredAt.addSecs(1);
        window.from = newest.addSecs(-3600LL * defaultHours);
    }
    ViolationStatsData data;
    auto hourly = connection.exec(QStringLiteral("SELECT date_trunc('hour', occurred_at, 'UTC'), kind, count(*)"
                                                 " FROM ops.sandbox_violations%1 GROUP BY 1, 2 ORDER BY 1, 2")
                                      .arg(QLatin1String(ViolationQuery::filterClause())),
                                  ViolationQuery::filterParams(projectId, window));
    if (!hourly)
        return hourly.error();
    for (int r = 0; r < hourly->rowCount(); ++r)
        data.perHour.push_back({hourly->toDateTime(r, 0), hourly->text(r, 1), hourly->toInt64(r, 2)});
    auto targets = ranked(connection, QStringLiteral("target"), projectId, filter);
    if (!targets)
        return targets.error();
    data.topTargets = std::move(targets.value());
    auto sources = ranked(connection, QStringLiteral("concat_ws(' / ', nullif(machine, ''), nullif(agent, ''))"),
                          projectId, filter);
    if (!sources)
        return sources.error();
    data.topSources = std::move(sources.value());
    return data;
}

} // namespace ops::services::sandbox
