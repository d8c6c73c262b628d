// SPDX-License-Identifier: MIT
#include "plan/WeekReport.h"

#include "plan/CheckpointReport.h"
#include "plan/PlanStore.h"
#include "plan/StandupService.h"

namespace ops::services::plan {

Result<Report> WeekReport::build(Connection& connection, qint64 project, const QDateTime& now)
{
    auto planId = PlanStore::currentPlan(connection, project);
    if (!planId)
        return planId.error();
    auto plan = connection.exec(QStringLiteral("SELECT title, shape FROM ops.plans WHERE id = $1"), {*planId});
    if (!plan)
        return plan.error();
    const bool phaseBased = plan->text(0, 1) == QStringLiteral("phase_based");
    Report report;
    report.title = QStringLiteral("Week report: %1").arg(plan->text(0, 0));

    auto score = connection.exec(QStringLiteral("SELECT score, met, total FROM ops.readiness_score($1)"), {*planId});
    if (!score)
        return score.error();
    auto trend = StandupService::readinessTrend(connection, *planId, now.toUTC().date(), 7);
    if (!trend)
        return trend.error();
    ReportSection readiness;
    readiness.heading = QStringLiteral("Production readiness");
    readiness.paragraphs << QStringLiteral("%1% (%2 of %3 %4)").arg(qRound(score->toDouble(0, 0))).arg(score->toInt64(0, 1))
                                .arg(score->toInt64(0, 2))
                                .arg(phaseBased ? QStringLiteral("phases complete") : QStringLiteral("must-have criteria met"));
    for (const ReadinessPoint& point : *trend)
        readiness.bullets << QStringLiteral("%1: %2%").arg(point.date.toString(Qt::ISODate)).arg(qRound(point.score));
    report.sections << readiness;

    auto days = connection.exec(QStringLiteral(
        "SELECT d.title, d.day_from, d.day_to, count(t.id) FILTER (WHERE t.done), count(t.id) "
        "FROM ops.plan_days d LEFT JOIN ops.plan_tasks t ON t.day_id = d.id AND NOT t.removed "
        "WHERE d.plan_id = $1 AND NOT d.removed GROUP BY d.id ORDER BY d.ordinal"), {*planId});
    if (!days)
        return days.error();
    ReportSection work;
    work.heading = phaseBased ? QStringLiteral("Phases") : QStringLiteral("Days");
    work.tableHeader = {phaseBased ? QStringLiteral("Phase") : QStringLiteral("Day"), QStringLiteral("Title"),
                        QStringLiteral("Tasks done")};
    for (int row = 0; row < days->rowCount(); ++row) {
        const QString from = days->text(row, 1), to = days->text(row, 2);
        work.tableRows << QStringList{from == to ? from : from + QLatin1Char('-') + to, days->text(row, 0),
                                      QStringLiteral("%1 of %2").arg(days->toInt64(row, 3)).arg(days->toInt64(row, 4))};
    }
    report.sections << work;

    auto checkpoints = PlanStore::checkpoints(connection, *planId);
    if (!checkpoints)
        return checkpoints.error();
    ReportSection gates;
    gates.heading = QStringLiteral("Checkpoints and sign-offs");
    gates.tableHeader = {QStringLiteral("Checkpoint"), QStringLiteral("Latest decision"), QStringLiteral("Signed by"),
                         QStringLiteral("Signed at")};
    for (const StoredCheckpoint& checkpoint : *checkpoints) {
        if (checkpoint.kind != QStringLiteral("gate"))
            continue;
        gates.tableRows << QStringList{checkpoint.title,
                                       checkpoint.latestDecision.isEmpty() ? QStringLiteral("not signed") : checkpoint.latestDecision,
                                       checkpoint.latestSignedBy,
                                       checkpoint.latestSignedAt.isValid() ? checkpoint.latestSignedAt.toUTC().toString(Qt::ISODate) : QString()};
        if (checkpoint.latestDecision.isEmpty())
            continue;
        auto signoffs = CheckpointReport::signoffs(connection, checkpoint.id);
        if (!signoffs)
            return signoffs.error();
        if (!signoffs->isEmpty())
            gates.bullets << checkpoint.title + QStringLiteral(": ") + CheckpointReport::signoffLine(signoffs->first());
    }
    report.sections << gates;

    auto blockers = StandupService::blockers(connection, project, now.toUTC().date(), now);
    if (!blockers)
        return blockers.error();
    ReportSection open;
    open.heading = QStringLiteral("Open blockers");
    for (const Blocker& blocker : *blockers)
        if (!blocker.resolvedAt.isValid())
            open.bullets << QStringLiteral("%1 %2 (raised by %3, respond by %4)%5")
                                .arg(blocker.priority, blocker.title, blocker.raisedBy, blocker.dueAt.toUTC().toString(Qt::ISODate),
                                     blocker.overdue ? QStringLiteral(" OVERDUE") : QString());
    if (open.bullets.isEmpty())
        open.paragraphs << QStringLiteral("None.");
    report.sections << open;
    report.chartMetric = QStringLiteral("success_rate");
    report.chartTitle = QStringLiteral("success_rate, last 7 days");
    return report;
}

} // namespace ops::services::plan
