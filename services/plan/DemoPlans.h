// SPDX-License-Identifier: MIT
#pragma once

// DemoPlans: the plans shipped in resources/demo/plans (compiled in as :/demo/plans), imported
// into a project that has no plan yet, so the embedded default's Standup tab is alive on first
// start. The phase plan is imported last and so becomes the current plan: it has no fixed dates,
// which makes the import day its day 1. Blocking: run inside a pool unit of work.

#include "common/Result.h"
#include "db/Connection.h"

namespace ops::services::plan {

class DemoPlans final {
public:
    // Returns how many plans were imported (0 when the project already had one).
    static Result<int> importIfNone(Connection& connection, qint64 project);
};

} // namespace ops::services::plan
