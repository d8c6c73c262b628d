// SPDX-License-Identifier: MIT
#pragma once

// CheckpointService: evaluates a checkpoint's criteria (manual ticks and metric expressions) and
// records Go/No-Go sign-offs. The database does the guarding: ops.sign_checkpoint requires
// ops_approver and membership, builds the snapshot from the stored criteria and merges the values
// measured here; the sign-off row can never be updated or deleted.
// A checkpoint passes only when every criterion is met: "not measured yet" and "not applicable"
// both block (a CI gate must not pass on missing data).

#include "common/Result.h"
#include "db/Connection.h"
#include "plan/CriterionExpression.h"
#include "plan/PlanStore.h"

namespace ops::services::plan {

struct CriterionStatus {
    StoredCriterion criterion;
    bool manual = true;
    CriterionEvaluation evaluation;
};

struct CheckpointStatus {
    StoredCheckpoint checkpoint;
    QList<CriterionStatus> criteria;
    bool allMet() const;
    QStringList failed() const;  // texts of the criteria that are not met, with their state
    QJsonObject toJson() const;
};

enum class Decision { Go, NoGo };

class CheckpointService final {
public:
    static CheckpointStatus evaluate(const StoredCheckpoint& checkpoint, MetricSource& source);
    // Evaluates against the project's Health samples (HealthMetricSource); `fallback` (the pool's
    // PoolMetricSource, or null) answers only for metrics Health does not measure. Blocking.
    static CheckpointStatus evaluateLive(Connection& connection, qint64 project, const StoredCheckpoint& checkpoint,
                                         MetricSource* fallback);
    // The next gate of the project's current plan: the first whose latest sign-off is not Go.
    // NotFound when the project has no plan; an empty optional when every gate is signed Go.
    static Result<std::optional<StoredCheckpoint>> nextGate(Connection& connection, qint64 project);
    // The checkpoint a report is about: the gate signed most recently, else the next gate (the
    // first one). `titled` picks a gate by its title instead. NotFound without a plan or gates.
    static Result<StoredCheckpoint> reportGate(Connection& connection, qint64 project, const QString& titled = {});
    // Signs `status.checkpoint` with the evaluated values in the snapshot; returns the sign-off id.
    static Result<qint64> sign(Connection& connection, const CheckpointStatus& status, Decision decision,
                               const QString& comment);
};

} // namespace ops::services::plan
