// SPDX-License-Identifier: MIT
#pragma once

#include "commands/HeadlessCommand.h"

namespace ops::app {

// `members list|add|remove --project P [ROLE]`: a project's members, and the administrator's
// membership changes (ops.add_project_member / ops.remove_project_member, audited).
// Exit codes: 0 done, 1 refused (not an administrator, or not a member of the project),
// 2 usage error, 3 not found or failed (no such project or login role, database unreachable).
int runMembersListCommand(const CommandContext& context);
int runMembersAddCommand(const CommandContext& context);
int runMembersRemoveCommand(const CommandContext& context);

} // namespace ops::app
