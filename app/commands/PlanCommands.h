// SPDX-License-Identifier: MIT
#pragma once

// Headless commands of the plan feature:
//   ops-console plan import FILE [--project P]
//       imports (or re-imports) a Markdown plan and prints what was recognised; exit 0 when
//       something usable was imported, 1 when nothing usable was found or the database refused.
//   ops-console checkpoint status [--json] [--project P]
//       the next Go/No-Go checkpoint's criteria with their measured values; exit 0 when every
//       criterion is met (or every checkpoint is already signed Go), 1 otherwise: a CI gate.
//       Metric criteria are measured from the Health samples (ops.health_metric).
//   ops-console checkpoint report [--checkpoint TITLE] [--markdown FILE] [--pdf FILE] [--project P]
//       the checkpoint report of the last signed gate (else the next one): criteria table,
//       sign-offs, health chart. Markdown on stdout without --markdown/--pdf.
//   ops-console plan week-report [--markdown FILE] [--pdf FILE] [--project P]
//       the week report: readiness and trend, days, sign-offs, open blockers, health chart.
// The report commands draw (chart, PDF) and so run under a QGuiApplication on the offscreen
// platform (see main.cpp).

#include "commands/HeadlessCommand.h"

namespace ops::app {

int runPlanImportCommand(const CommandContext& context);
int runCheckpointStatusCommand(const CommandContext& context);
int runCheckpointReportCommand(const CommandContext& context);
int runPlanWeekReportCommand(const CommandContext& context);

} // namespace ops::app
