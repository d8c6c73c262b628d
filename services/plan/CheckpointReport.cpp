// SPDX-License-Identifier: MIT
#include "plan/CheckpointReport.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ops::services::plan {

namespace {

// Table cells must not break the Markdown table.
QString cell(QString text)
{
    return text.replace(QLatin1Char('|'), QStringLiteral("\\|")).replace(QLatin1Char('\n'), QLatin1Char(' '));
}

} // namespace

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

QString CheckpointReport::markdown(const CheckpointStatus& status, const QList<SignoffRecord>& signoffs)
{
    QStringList lines;
    lines << QStringLiteral("# Checkpoint report: %1").arg(status.checkpoint.title) << QString();
    lines << QStringLiteral("| Criterion | Binding | State | Value |") << QStringLiteral("|---|---|---|---|");
    for (const CriterionStatus& entry : status.criteria)
        lines << QStringLiteral("| %1 | %2 | %3 | %4 |")
                     .arg(cell(entry.criterion.text), cell(entry.manual ? QStringLiteral("manual") : entry.criterion.expression),
                          criterionStateName(entry.evaluation.state),
                          cell(entry.evaluation.measured.isEmpty() ? entry.evaluation.reason : entry.evaluation.measured));
    lines << QString() << (status.allMet() ? QStringLiteral("All criteria met.") : QStringLiteral("Not all criteria are met."));
    lines << QString() << QStringLiteral("## Sign-offs") << QString();
    if (signoffs.isEmpty())
        lines << QStringLiteral("Not signed yet.");
    for (const SignoffRecord& record : signoffs) {
        lines << QStringLiteral("- **%1** by %2 at %3%4")
                     .arg(record.decision == QStringLiteral("go") ? QStringLiteral("GO") : QStringLiteral("NO-GO"), record.signedBy,
                          record.signedAt.toUTC().toString(Qt::ISODate),
                          record.comment.isEmpty() ? QString() : QStringLiteral(": ") + record.comment);
        QStringList notMet;
        for (const QJsonValue& value : record.snapshot.value(QStringLiteral("criteria")).toArray()) {
            const QJsonObject criterion = value.toObject();
            const QString state = criterion.value(QStringLiteral("state")).toString();
            if (!state.isEmpty() && state != QStringLiteral("met"))
                notMet << QStringLiteral("%1 (%2%3)").arg(criterion.value(QStringLiteral("text")).toString(), state,
                                                          criterion.value(QStringLiteral("value")).toString().isEmpty()
                                                              ? QString() : QStringLiteral(", ") + criterion.value(QStringLiteral("value")).toString());
        }
        if (!notMet.isEmpty())
            lines << QStringLiteral("  - not met at signing: %1").arg(notMet.join(QStringLiteral("; ")));
    }
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace ops::services::plan
