// SPDX-License-Identifier: MIT
#pragma once

// Headless management of live health (all take --project SLUG, default demo):
//   ops-console health monitor add NAME --kind http|prometheus|postgres|pool [--url URL]
//       [--interval-ms N] [--timeout-ms N] [--retries N] [--series SELECTOR]... [--username U --secret NAME]
//       A prometheus monitor keeps the --series it names; --secret names an entry of the secret
//       store (OPS_SECRET_<NAME> in the collecting console's environment), never the password.
//   ops-console health maintenance add (--monitor NAME | --project-wide)
//       (--from ISO --until ISO | --weekly DAY --at HH:MM --minutes N --tz ZONE) [--reason TEXT]
//   ops-console health maintenance list [--json]  /  health maintenance remove ID
//   ops-console health alerts [--json] [--limit N]  /  health alerts --ack ID
// Exit 0 on success, 2 on a usage error or a refusal (printed on stderr).

#include "commands/HeadlessCommand.h"

namespace ops::app {

int runHealthMonitorAddCommand(const CommandContext& context);
int runHealthMaintenanceCommand(const CommandContext& context);
int runHealthAlertsCommand(const CommandContext& context);

} // namespace ops::app
