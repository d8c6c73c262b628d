// SPDX-License-Identifier: MIT
#pragma once

// Headless deployment commands:
//   ops-console audit verify                         0 intact, 1 broken (first broken link printed)
//   ops-console deployments --env E [--json]         0, 3 on error
//   ops-console rollback --env E [--to ID] [--yes]   0 succeeded, 1 failed, 4 needs attention,
//                                                    5 refused (another rollout running, no permission,
//                                                    declined), 3 error
//   ops-console undo --env E [--yes]                 undo the rollback that pinned E (promote what it
//                                                    replaced); exit codes as rollback
//   ops-console promote --from staging --env production [--override-gate REASON] [--yes]
//                                                    exit codes as rollback (5: gate or lock refused)
//   ops-console lock --env E --reason R [--until T]  T: ISO 8601 (UTC unless it says otherwise) or
//                                                    +2h / +30m; 0 locked, 2 bad input, 3 error
//   ops-console unlock --env E                       0 unlocked, 3 error
// The provider: --provider-url/--provider-project/--health-url with the token from
// OPS_DEPLOY_TOKEN or the keyring ("deploy/default"; never an argument, never asked for); without
// --provider-url the built-in demo platform is started in-process (its production is on the bad v4).

#include "commands/HeadlessCommand.h"

namespace ops::app {

int runAuditVerifyCommand(const CommandContext& context);
int runDeploymentsCommand(const CommandContext& context);
int runRollbackCommand(const CommandContext& context);
int runUndoCommand(const CommandContext& context);
int runPromoteCommand(const CommandContext& context);
int runLockCommand(const CommandContext& context);
int runUnlockCommand(const CommandContext& context);

} // namespace ops::app
