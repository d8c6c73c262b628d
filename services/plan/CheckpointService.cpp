// SPDX-License-Identifier: MIT
#include "plan/CheckpointService.h"

#include "plan/HealthMetricSource.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace ops::services::plan {

bool CheckpointStatus::allMet() const
{
    for (const CriterionStatus& status : criteria)
        if (status.evaluation.state != CriterionState::Met)
            return false;
    return true;
}

QStringList CheckpointStatus::failed() const
{
    QStringList list;
    for (const CriterionStatus& status : criteria)
        if (status.evaluation.state != CriterionState::Met)
            list << QStringLiteral("%1 (%2)").arg(status.criterion.text, criterionStateName(status.evaluation.state));
    return list;
}

QJsonObject CheckpointStatus::toJson() const
{
    QJsonArray list;
    for (const CriterionStatus& status : criteria)
        list.append(QJsonObject{{QStringLiteral("id"), status.criterion.id},
                                {QStringLiteral("text"), status.criterion.text},
                                {QStringLiteral("binding"), status.manual ? QStringLiteral("manual") : QStringLiteral("metric")},
                                {QStringLiteral("expression"), status.criterion.expression},
                                {QStringLiteral("state"), criterionStateName(status.evaluation.state)},
                                {QStringLiteral("value"), status.evaluation.measured},
                                {QStringLiteral("reason"), status.evaluation.reason}});
    return QJsonObject{{QStringLiteral("checkpoint"), checkpoint.title},
                       {QStringLiteral("checkpoint_id"), checkpoint.id},
                       {QStringLiteral("latest_decision"), checkpoint.latestDecision.isEmpty() ? QJsonValue() : QJsonValue(checkpoint.latestDecision)},
                       {QStringLiteral("all_met"), allMet()},
                       {QStringLiteral("criteria"), list}};
}

CheckpointStatus CheckpointService::evaluate(const StoredCheckpoint& checkpoint, MetricSource& source)
{
    CheckpointStatus status;
    status.checkpoint = checkpoint;
    for (const StoredCriterion& criterion : checkpoint.criteria) {
        CriterionStatus entry;
        entry.criterion = criterion;
        entry.manual = criterion.expression.isEmpty();
        if (entry.manual) {
            entry.evaluation.state = criterion.checked ? CriterionState::Met : CriterionState::NotMet;
            entry.evaluation.measured = criterion.checked
                ? (criterion.checkedBy.isEmpty() ? QStringLiteral("checked in the plan") : QStringLiteral("checked by %1").arg(criterion.checkedBy))
                : QStringLiteral("not checked");
        } else {
            auto expression = CriterionExpression::parse(criterion.expression);
            if (!expression) {
                entry.evaluation.state = CriterionState::NotApplicable;
                entry.evaluation.reason = expression.error().message;
            } else {
                entry.evaluation = expression->evaluate(source);
            }
        }
        status.criteria.append(entry);
    }
    return status;
}

CheckpointStatus CheckpointService::evaluateLive(Connection& connection, qint64 project, const StoredCheckpoint& checkpoint,
                                                MetricSource* fallback)
{
    HealthMetricSource source(connection, project, fallback);
    return evaluate(checkpoint, source);
}

Result<std::optional<StoredCheckpoint>> CheckpointService::nextGate(Connection& connection, qint64 project)
{
    auto checkpoints = PlanStore::currentCheckpoints(connection, project);
    if (!checkpoints)
        return checkpoints.error();
    for (const StoredCheckpoint& checkpoint : *checkpoints)
        if (checkpoint.kind == QStringLiteral("gate") && checkpoint.latestDecision != QStringLiteral("go"))
            return std::optional<StoredCheckpoint>(checkpoint);
    return std::optional<StoredCheckpoint>();
}

Result<StoredCheckpoint> CheckpointService::reportGate(Connection& connection, qint64 project, const QString& titled)
{
    auto checkpoints = PlanStore::currentCheckpoints(connection, project);
    if (!checkpoints)
        return checkpoints.error();
    const StoredCheckpoint* chosen = nullptr;
    for (const StoredCheckpoint& checkpoint : *checkpoints) {
        if (checkpoint.kind != QStringLiteral("gate"))
            continue;
        if (!titled.isEmpty()) {
            if (checkpoint.title.compare(titled, Qt::CaseInsensitive) == 0)
                return checkpoint;
            continue;
        }
        if (!chosen || (checkpoint.latestSignedAt.isValid()
                        && (!chosen->latestSignedAt.isValid() || checkpoint.latestSignedAt > chosen->latestSignedAt)))
            chosen = &checkpoint;
    }
    if (!chosen)
        return Error::make(ErrorKind::NotFound, titled.isEmpty() ? QStringLiteral("the current plan has no Go/No-Go checkpoint")
                                                                 : QStringLiteral("no checkpoint titled \"%1\"").arg(titled));
    return *chosen;
}

Result<qint64> CheckpointService::sign(Connection& connection, const CheckpointStatus& status, Decision decision,
                                       const QString& comment)
{
    QJsonObject values;
    for (const CriterionStatus& entry : status.criteria)
        values.insert(QString::number(entry.criterion.id),
                      QJsonObject{{QStringLiteral("state"), criterionStateName(entry.evaluation.state)},
                                  {QStringLiteral("value"), entry.evaluation.measured},
                                  {QStringLiteral("reason"), entry.evaluation.reason}});
    auto result = connection.exec(QStringLiteral("SELECT ops.sign_checkpoint($1, $2, $3, $4::jsonb)"),
                                  {status.checkpoint.id,
                                   decision == Decision::Go ? QStringLiteral("go") : QStringLiteral("no_go"),
                                   comment, QJsonDocument(values).toJson(QJsonDocument::Compact)});
    if (!result)
        return result.error();
    return result->toInt64(0, 0);
}

} // namespace ops::services::plan
