// SPDX-License-Identifier: MIT
#include "plan/PlanStore.h"

#include <QJsonDocument>

namespace ops::services::plan {

Result<qint64> PlanStore::save(Connection& connection, qint64 project, const Plan& plan)
{
    const QByteArray json = QJsonDocument(plan.toJson()).toJson(QJsonDocument::Compact);
    auto result = connection.exec(QStringLiteral("SELECT ops.import_plan($1, $2::jsonb)"), {project, json});
    if (!result)
        return result.error();
    return result->toInt64(0, 0);
}

Result<qint64> PlanStore::currentPlan(Connection& connection, qint64 project)
{
    auto result = connection.exec(QStringLiteral("SELECT id FROM ops.plans WHERE project_id = $1 ORDER BY id DESC LIMIT 1"),
                                  {project});
    if (!result)
        return result.error();
    if (result->rowCount() == 0)
        return Error::make(ErrorKind::NotFound, QStringLiteral("the project has no plan yet: import one with `ops-console plan import FILE`"));
    return result->toInt64(0, 0);
}

Result<QList<StoredCheckpoint>> PlanStore::checkpoints(Connection& connection, qint64 planId)
{
    auto gates = connection.exec(QStringLiteral(
        "SELECT c.id, c.checkpoint_key, c.title, c.kind, c.category, c.decision_text, "
        "       s.decision, s.signed_by, s.signed_at "
        "FROM ops.checkpoints c "
        "LEFT JOIN LATERAL (SELECT decision, signed_by, signed_at FROM ops.signoffs "
        "                   WHERE checkpoint_id = c.id ORDER BY id DESC LIMIT 1) s ON true "
        "WHERE c.plan_id = $1 AND NOT c.removed ORDER BY c.ordinal"), {planId});
    if (!gates)
        return gates.error();
    QList<StoredCheckpoint> list;
    for (int row = 0; row < gates->rowCount(); ++row) {
        StoredCheckpoint checkpoint;
        checkpoint.id = gates->toInt64(row, 0);
        checkpoint.key = gates->text(row, 1);
        checkpoint.title = gates->text(row, 2);
        checkpoint.kind = gates->text(row, 3);
        checkpoint.category = gates->text(row, 4);
        checkpoint.decisionText = gates->text(row, 5);
        checkpoint.latestDecision = gates->isNull(row, 6) ? QString() : gates->text(row, 6);
        checkpoint.latestSignedBy = gates->text(row, 7);
        if (!gates->isNull(row, 8))
            checkpoint.latestSignedAt = gates->toDateTime(row, 8);
        list.append(checkpoint);
    }
    auto criteria = connection.exec(QStringLiteral(
        "SELECT k.checkpoint_id, k.id, k.criterion_key, k.text, coalesce(k.expression, ''), k.checked, "
        "       coalesce(k.checked_by::text, ''), k.checked_at "
        "FROM ops.checkpoint_criteria k JOIN ops.checkpoints c ON c.id = k.checkpoint_id "
        "WHERE c.plan_id = $1 AND NOT k.removed ORDER BY k.checkpoint_id, k.ordinal"), {planId});
    if (!criteria)
        return criteria.error();
    for (int row = 0; row < criteria->rowCount(); ++row) {
        const qint64 checkpointId = criteria->toInt64(row, 0);
        for (StoredCheckpoint& checkpoint : list) {
            if (checkpoint.id != checkpointId)
                continue;
            StoredCriterion criterion;
            criterion.id = criteria->toInt64(row, 1);
            criterion.key = criteria->text(row, 2);
            criterion.text = criteria->text(row, 3);
            criterion.expression = criteria->text(row, 4);
            criterion.checked = criteria->toBool(row, 5);
            criterion.checkedBy = criteria->text(row, 6);
            if (!criteria->isNull(row, 7))
                criterion.checkedAt = criteria->toDateTime(row, 7);
            checkpoint.criteria.append(criterion);
            break;
        }
    }
    return list;
}

Result<QList<StoredCheckpoint>> PlanStore::currentCheckpoints(Connection& connection, qint64 project)
{
    auto plan = currentPlan(connection, project);
    if (!plan)
        return plan.error();
    return checkpoints(connection, *plan);
}

} // namespace ops::services::plan
