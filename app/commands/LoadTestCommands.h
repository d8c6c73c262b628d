// SPDX-License-Identifier: MIT
#pragma once

// `ops-console loadtest URL -n N -c C [--timeout MS] [--min-success PERCENT] [--json]
//  [--project SLUG] [--no-store]`: the built-in load test (like `ab -n N -c C URL`), headless.
// Prints success rate, throughput, p50/p95/p99 and errors by kind; stores the result in the
// project's load test history when the database can be opened (a database problem is reported
// on stderr and does not change the exit code: the measurement is still valid).
// Exit codes: 0 the success rate reached --min-success (default 100: every request got a 2xx),
// 1 it did not, 2 usage error or the test could not run (bad URL, host does not resolve).

#include "commands/HeadlessCommand.h"

namespace ops::app {

int runLoadTestCommand(const CommandContext& context);

} // namespace ops::app
