// SPDX-License-Identifier: MIT
#pragma once

// WeekReport: the current plan's report for the week: readiness and its trend, each day's (or
// phase's) tasks done, every Go/No-Go checkpoint with its latest sign-off, the open blockers, and
// the success rate of the last 7 days for the chart (PlanReports::week adds the next
// checkpoint's criteria table, measured). Markdown through Report::toMarkdown, PDF
// through widgets/standup's ReportPdfWriter. Blocking: run inside a pool unit of work.

#include "common/Result.h"
#include "db/Connection.h"
#include "plan/Report.h"

#include <QDateTime>

namespace ops::services::plan {

class WeekReport final {
public:
    // NotFound when the project has no plan. `now` decides which blockers are overdue.
    static Result<Report> build(Connection& connection, qint64 project, const QDateTime& now);
};

} // namespace ops::services::plan
