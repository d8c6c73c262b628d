// SPDX-License-Identifier: MIT
#pragma once

// Headless commands of the plan feature:
//   ops-console plan import FILE [--project P]
//       imports (or re-imports) a Markdown plan and prints what was recognised; exit 0 when
//       something usable was imported, 1 when nothing usable was found or the database refused.
//   ops-console checkpoint status [--json] [--project P]
//       the next Go/No-Go checkpoint's criteria with their measured values; exit 0 when every
//       criterion is met (or every checkpoint is already signed Go), 1 otherwise: a CI gate.

#include "commands/HeadlessCommand.h"

namespace ops::app {

int runPlanImportCommand(const CommandContext& context);
int runCheckpointStatusCommand(const CommandContext& context);

} // namespace ops::app
