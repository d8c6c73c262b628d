// SPDX-License-Identifier: MIT
#include "plan/PlanReports.h"

#include "plan/CheckpointReport.h"
#include "plan/CheckpointService.h"
#include "plan/WeekReport.h"

namespace ops::services::plan {

namespace {

Result<ReportWithChart> withChart(Connection& connection, qint64 project, Report report, std::chrono::seconds window)
{
    auto chart = HealthSeries::load(connection, project, report.chartMetric, window);
    if (!chart)
        return chart.error();
    return ReportWithChart{std::move(report), *chart};
}

} // namespace

Result<ReportWithChart> PlanReports::checkpoint(Connection& connection, qint64 project, MetricSource* fallback,
                                                const QString& titled)
{
    auto gate = CheckpointService::reportGate(connection, project, titled);
    if (!gate)
        return gate.error();
    const CheckpointStatus status = CheckpointService::evaluateLive(connection, project, *gate, fallback);
    auto signoffs = CheckpointReport::signoffs(connection, gate->id);
    if (!signoffs)
        return signoffs.error();
    return withChart(connection, project, CheckpointReport::build(status, *signoffs), std::chrono::hours(24));
}

Result<ReportWithChart> PlanReports::week(Connection& connection, qint64 project, const QDateTime& now, MetricSource* fallback)
{
    auto report = WeekReport::build(connection, project, now);
    if (!report)
        return report.error();
    // The criteria table of the checkpoint ahead, measured now, after the sign-offs.
    auto gate = CheckpointService::nextGate(connection, project);
    if (!gate)
        return gate.error();
    if (gate->has_value()) {
        const CheckpointStatus status = CheckpointService::evaluateLive(connection, project, **gate, fallback);
        ReportSection criteria = CheckpointReport::build(status, {}).sections.first();
        criteria.heading = QStringLiteral("Next checkpoint: %1").arg((*gate)->title);
        report->sections.insert(3, criteria);
    }
    return withChart(connection, project, *report, std::chrono::hours(24 * 7));
}

} // namespace ops::services::plan
