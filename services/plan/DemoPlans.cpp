// SPDX-License-Identifier: MIT
#include "plan/DemoPlans.h"

#include "plan/PlanImporter.h"
#include "plan/PlanStore.h"

#include <QFile>

namespace ops::services::plan {

Result<int> DemoPlans::importIfNone(Connection& connection, qint64 project)
{
    auto current = PlanStore::currentPlan(connection, project);
    if (current)
        return 0;
    if (current.error().kind != ErrorKind::NotFound)
        return current.error();
    int imported = 0;
    for (const QString& name : {QStringLiteral("week1-master-plan.md"), QStringLiteral("week2-phase-rollout.md")}) {
        QFile file(QStringLiteral(":/demo/plans/") + name);
        if (!file.open(QIODevice::ReadOnly))
            return Error::make(ErrorKind::NotFound, QStringLiteral("the demo plan %1 is not compiled in").arg(name));
        const ImportResult result = PlanImporter().import(file.readAll(), name);
        auto saved = PlanStore::save(connection, project, result.plan);
        if (!saved)
            return saved.error();
        ++imported;
    }
    return imported;
}

} // namespace ops::services::plan
