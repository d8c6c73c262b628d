// SPDX-License-Identifier: MIT
#pragma once

// ViolationStats: the tab's charts, aggregated in the database over the current filter (never the
// rows themselves): events per hour by kind, the top targets, the top sources (machine + agent).
// Blocking: call it on a pool worker.

#include "common/Result.h"
#include "db/Connection.h"
#include "sandbox/ViolationQuery.h"

#include <vector>

namespace ops::services::sandbox {

struct HourlyCount {
    QDateTime hour;  // start of the hour, UTC
    QString kind;
    qint64 count = 0;
};

struct RankedCount {
    QString label;  // outside text: plain text only
    qint64 count = 0;
};

struct ViolationStatsData {
    std::vector<HourlyCount> perHour;  // ordered by hour
    std::vector<RankedCount> topTargets;
    std::vector<RankedCount> topSources;
};

class ViolationStats final {
public:
    static constexpr int TopCount = 10;
    // Without a time range in `filter`, the hourly chart covers the last `defaultHours` before the
    // newest event (a million rows spread over months would be thousands of bars, and slow).
    static Result<ViolationStatsData> load(Connection& connection, qint64 projectId, const ViolationFilter& filter,
                                           int defaultHours = 48);
};

} // namespace ops::services::sandbox
