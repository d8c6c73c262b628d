// SPDX-License-Identifier: MIT
#pragma once

#include "commands/HeadlessCommand.h"

namespace ops::app {

// `ops-console violations import FILE [--project SLUG]`: reads a file of sandbox events in any
// supported shape into ops.sandbox_violations and prints imported / skipped / unparsed counts and
// the unparsed lines (file:line: reason). Exit 0 when the file was read (even with unparsed lines),
// 1 when it cannot be read, 3 when the database is unavailable or refuses, 2 on usage errors.
int runViolationsImportCommand(const CommandContext& context);

// Outside text for a terminal: control characters (ANSI escapes, NUL, CR...) shown as \xNN so a
// hostile line cannot drive the terminal.
QString terminalSafe(const QString& text, int maxChars = 200);

} // namespace ops::app
