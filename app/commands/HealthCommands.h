// SPDX-License-Identifier: MIT
#pragma once

// `ops-console health [--project SLUG] [--json] [--stale-after SECONDS]`: every monitor's latest
// stored sample and key figures (kind, state, platform status, circuit, latency, the metrics of
// postgres/pool/prometheus monitors, uptime 24 h / 7 d / 30 d, unacknowledged alerts).
// Exit codes: 0 healthy, 1 degraded, 2 down or unreachable (a monitor down or platform
// 'unhealthy', no monitors, no sample newer than the stale limit, or the database unreachable).
// Usage errors also exit 2 (printed on stderr).

#include "commands/HeadlessCommand.h"

namespace ops::app {

int runHealthCommand(const CommandContext& context);

} // namespace ops::app
