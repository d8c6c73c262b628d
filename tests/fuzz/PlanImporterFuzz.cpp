// SPDX-License-Identifier: MIT
// Fuzz target: a plan file (Markdown, any bytes) through md4c and the plan importer, and the JSON
// the importer hands to ops.import_plan().
#include "FuzzCheck.h"
#include "plan/PlanImporter.h"

#include <QJsonDocument>
#include <QSet>

#include <cstddef>
#include <cstdint>

using namespace ops::services::plan;

namespace {

// ops.import_plan() keys rows by these: a repeat would make a re-import update the wrong row.
template <typename Items>
void checkUniqueKeys(const Items& items, QSet<QString>& seen, const char* what)
{
    for (const auto& item : items) {
        FUZZ_CHECK(!item.key.isEmpty(), what);
        FUZZ_CHECK(!seen.contains(item.key), what);
        seen.insert(item.key);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const QByteArray bytes = QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    const ImportResult result = PlanImporter().import(bytes, QStringLiteral("fuzz-plan.md"));
    if (!result.report.usable)
        return 0;
    FUZZ_CHECK(!result.plan.key.isEmpty(), "a usable plan has a key");
    QSet<QString> days, tasks, checkpoints;
    checkUniqueKeys(result.plan.days, days, "day keys are unique");
    for (const PlanDay& day : result.plan.days)
        checkUniqueKeys(day.tasks, tasks, "task keys are unique in the plan");
    checkUniqueKeys(result.plan.checkpoints, checkpoints, "checkpoint keys are unique");
    for (const PlanCheckpoint& checkpoint : result.plan.checkpoints) {
        QSet<QString> criteria;
        checkUniqueKeys(checkpoint.criteria, criteria, "criterion keys are unique in a checkpoint");
    }
    // PostgreSQL's jsonb rejects \u0000: a NUL in any text would make the whole import fail.
    const QByteArray json = QJsonDocument(result.plan.toJson()).toJson(QJsonDocument::Compact);
    FUZZ_CHECK(!json.contains("\\u0000"), "the plan's JSON is storable as jsonb");
    return 0;
}
