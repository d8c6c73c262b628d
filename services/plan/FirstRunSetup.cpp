// SPDX-License-Identifier: MIT
#include "plan/FirstRunSetup.h"

#include "db/Connection.h"
#include "plan/PlanStore.h"

namespace ops::services::plan {

Result<FirstRunApplied> applyFirstRunChoices(Connection& connection, qint64 project, const FirstRunChoices& choices)
{
    FirstRunApplied applied;
    if (!choices.healthUrl.isEmpty()) {
        auto monitor = connection.exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'platform', $2, 60000)"),
                                       {project, choices.healthUrl});
        if (!monitor)
            return monitor.error();
        applied.monitorId = monitor->toInt64(0, 0);
    }
    if (choices.plan) {
        auto saved = PlanStore::save(connection, project, *choices.plan);
        if (!saved)
            return saved.error();
        applied.planId = *saved;
    }
    return applied;
}

} // namespace ops::services::plan
