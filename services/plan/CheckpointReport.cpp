// SPDX-License-Identifier: MIT
#include "plan/CheckpointReport.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ops::services::plan {

Result<QList<SignoffRecord>> CheckpointReport::signoffs(Connection& connection, qint64 checkpointId)
{
    auto rows = connection.exec(QStringLiteral(
        "SELECT id, decision, comment, signed_by, signed_at, snapshot::text FROM ops.signoffs "
        "WHERE checkpoint_id = $1 ORDER BY id DESC"), {checkpointId});
    if (!rows)
        return rows.error();
    QList<SignoffRecord> list;
    for (int row = 0; row < rows->rowCount(); ++row) {
        SignoffRecord record;
        record.id = rows->toInt64(row, 0);
        record.decision = rows->text(row, 1);
        record.comment = rows->text(row, 2);
        record.signedBy = rows->text(row, 3);
        record.signedAt = rows->toDateTime(row, 4);
        record.snapshot = QJsonDocument::fromJson(rows->bytes(row, 5)).object();
        list.append(record);
    }
    return list;
}

QString CheckpointReport::signoffLine(const SignoffRecord& record)
{
    QString line = QStringLiteral("%1 by %2 at %3")
                       .arg(record.decision == QStringLiteral("go") ? QStringLiteral("GO") : QStringLiteral("NO-GO"),
                            record.signedBy, record.signedAt.toUTC().toString(Qt::ISODate));
    if (!record.comment.isEmpty())
        line += QStringLiteral(": ") + record.comment;
    QStringList notMet;
    for (const QJsonValue& value : record.snapshot.value(QStringLiteral("criteria")).toArray()) {
        const QJsonObject criterion = value.toObject();
        const QString state = criterion.value(QStringLiteral("state")).toString();
        const QString measured = criterion.value(QStringLiteral("value")).toString();
        if (!state.isEmpty() && state != QStringLiteral("met"))
            notMet << QStringLiteral("%1 (%2%3)").arg(criterion.value(QStringLiteral("text")).toString(), state,
                                                      measured.isEmpty() ? QString() : QStringLiteral(", ") + measured);
    }
    if (!notMet.isEmpty())
        line += QStringLiteral(" — not met at signing: ") + notMet.join(QStringLiteral("; "));
    return line;
}

QString CheckpointReport::chartMetricFor(const CheckpointStatus& status)
{
    for (const CriterionStatus& entry : status.criteria) {
        if (entry.manual)
            continue;
        if (auto expression = CriterionExpression::parse(entry.criterion.expression); expression
            && (expression->metric().endsWith(QStringLiteral("_latency")) || expression->metric() == QStringLiteral("success_rate")
                || expression->metric() == QStringLiteral("uptime") || expression->metric() == QStringLiteral("error_rate")))
            return expression->metric();
    }
    return QStringLiteral("p95_latency");
}

Report CheckpointReport::build(const CheckpointStatus& status, const QList<SignoffRecord>& signoffs)
{
    Report report;
    report.title = QStringLiteral("Checkpoint report: %1").arg(status.checkpoint.title);
    ReportSection criteria;
    criteria.heading = QStringLiteral("Criteria");
    criteria.tableHeader = {QStringLiteral("Criterion"), QStringLiteral("Binding"), QStringLiteral("State"), QStringLiteral("Value")};
    for (const CriterionStatus& entry : status.criteria)
        criteria.tableRows << QStringList{entry.criterion.text, entry.manual ? QStringLiteral("manual") : entry.criterion.expression,
                                          criterionStateName(entry.evaluation.state),
                                          entry.evaluation.measured.isEmpty() ? entry.evaluation.reason : entry.evaluation.measured};
    criteria.paragraphs << (status.allMet() ? QStringLiteral("All criteria met.") : QStringLiteral("Not all criteria are met."));
    report.sections << criteria;
    ReportSection signed_;
    signed_.heading = QStringLiteral("Sign-offs");
    if (signoffs.isEmpty())
        signed_.paragraphs << QStringLiteral("Not signed yet.");
    for (const SignoffRecord& record : signoffs)
        signed_.bullets << signoffLine(record);
    report.sections << signed_;
    report.chartMetric = chartMetricFor(status);
    report.chartTitle = QStringLiteral("%1, last 24 hours").arg(report.chartMetric);
    return report;
}

QString CheckpointReport::markdown(const CheckpointStatus& status, const QList<SignoffRecord>& signoffs)
{
    return build(status, signoffs).toMarkdown();
}

} // namespace ops::services::plan
