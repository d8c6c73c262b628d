// SPDX-License-Identifier: MIT
#pragma once

// PlanStore: plans in the database. Saving goes through ops.import_plan (one statement, one
// transaction on the server), which matches rows by stable keys: re-importing an edited plan keeps
// ticks, done flags, edited metric bindings and sign-offs. Reading returns the checkpoints of the
// project's current plan (the most recently created one) with their criteria and latest sign-off.
// Functions take a Connection so callers choose the unit of work (Pool::inTransaction...).

#include "common/Result.h"
#include "db/Connection.h"
#include "plan/PlanModel.h"

#include <QDateTime>

namespace ops::services::plan {

struct StoredCriterion {
    qint64 id = 0;
    QString key;
    QString text;
    QString expression;     // empty: manual
    bool checked = false;
    QString checkedBy;
    QDateTime checkedAt;
};

struct StoredCheckpoint {
    qint64 id = 0;
    QString key;
    QString title;
    QString kind;           // gate or list
    QString category;
    QString decisionText;
    QString latestDecision; // go, no_go, or empty when never signed
    QString latestSignedBy;
    QDateTime latestSignedAt;
    QList<StoredCriterion> criteria;
};

class PlanStore final {
public:
    // Imports or re-imports `plan` into `project`; returns the plan id.
    static Result<qint64> save(Connection& connection, qint64 project, const Plan& plan);
    // The current plan's id, or NotFound when the project has none.
    static Result<qint64> currentPlan(Connection& connection, qint64 project);
    // Every checkpoint (gates and lists) of a plan, in plan order, without removed ones.
    static Result<QList<StoredCheckpoint>> checkpoints(Connection& connection, qint64 planId);
    // checkpoints() of the project's current plan; NotFound when it has none.
    static Result<QList<StoredCheckpoint>> currentCheckpoints(Connection& connection, qint64 project);
};

} // namespace ops::services::plan
