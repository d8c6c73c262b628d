// SPDX-License-Identifier: MIT
#pragma once

// Headless deployment commands:
//   ops-console audit verify                         0 intact, 1 broken (first broken link printed)
//   ops-console deployments --env E [--json]         0, 3 on error
//   ops-console rollback --env E [--to ID] [--yes]   0 succeeded, 1 failed, 4 needs attention,
//                                                    5 refused (another rollout running, no permission,
//                                                    declined), 3 error
// The provider: --provider-url/--provider-project/--health-url with the token from
// OPS_DEPLOY_TOKEN (never an argument); without --provider-url the built-in demo platform is
// started in-process (its production is on the bad v4).

#include "commands/HeadlessCommand.h"

namespace ops::app {

int runAuditVerifyCommand(const CommandContext& context);
int runDeploymentsCommand(const CommandContext& context);
int runRollbackCommand(const CommandContext& context);

} // namespace ops::app
