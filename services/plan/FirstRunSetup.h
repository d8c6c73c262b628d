// SPDX-License-Identifier: MIT
#pragma once

// FirstRunSetup: what the first-run wizard asked for that needs the database, applied once the
// console's database is up (the wizard runs before it starts): the platform's health URL becomes
// the project's "platform" monitor, and the checked plan is saved. One transaction: all or nothing.
// Blocking (a Connection): run it in a pool unit.

#include "common/Result.h"
#include "plan/PlanModel.h"

#include <QString>

#include <optional>

namespace ops::services {
class Connection;
}

namespace ops::services::plan {

struct FirstRunChoices {
    QString healthUrl;          // empty: no monitor
    std::optional<Plan> plan;   // parsed and checked by the wizard; nullopt: nothing to import
    bool needsDatabase() const { return !healthUrl.isEmpty() || plan.has_value(); }
};

struct FirstRunApplied {
    qint64 monitorId = 0;  // 0: none added
    qint64 planId = 0;     // 0: none imported
};

// The monitor is named "platform", checked every 60 s (ops.ensure_monitor: idempotent by name).
Result<FirstRunApplied> applyFirstRunChoices(Connection& connection, qint64 project, const FirstRunChoices& choices);

} // namespace ops::services::plan
