// SPDX-License-Identifier: MIT
#pragma once

// PlanReports: gathers what a report shows (the Report text and its Health chart series) for the
// Standup tab's export buttons and the headless report commands alike. Blocking: run inside a
// pool unit of work; rendering to Markdown/PDF happens afterwards (widgets/standup/ReportPdfWriter).

#include "common/Result.h"
#include "db/Connection.h"
#include "plan/CriterionExpression.h"
#include "plan/HealthSeries.h"
#include "plan/Report.h"

namespace ops::services::plan {

struct ReportWithChart {
    Report report;
    HealthSeries chart;
};

class PlanReports final {
public:
    // The checkpoint report of CheckpointService::reportGate (the last signed gate, else the next
    // one; or the gate titled `titled`), criteria measured now; chart: its metric, last 24 h.
    static Result<ReportWithChart> checkpoint(Connection& connection, qint64 project, MetricSource* fallback,
                                              const QString& titled = {});
    // The week report (WeekReport) with the next checkpoint's criteria measured now (`fallback`
    // as for checkpoint()); chart: success rate, last 7 days.
    static Result<ReportWithChart> week(Connection& connection, qint64 project, const QDateTime& now, MetricSource* fallback);
};

} // namespace ops::services::plan
