// SPDX-License-Identifier: MIT
#pragma once

// Headless commands: `ops-console [global options] <command> [its arguments]` runs without a
// display (CI gates, imports, scripts). Each feature adds one file in app/commands/ with a
// `run...Command` function and one row in CommandTable.cpp. A command parses its own arguments
// with its own QCommandLineParser (see parseCommandLine), so global options (--dsn, --data-dir)
// go before the command name.
//
// Exit codes: each command documents its own; 2 always means "usage error", printed on `err`.

#include "AppOptions.h"

#include <QCommandLineParser>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <functional>
#include <optional>
#include <vector>

namespace ops::services {
class SecretStore;
}

namespace ops::app {

struct CommandContext {
    const AppOptions& options;  // global options: where the database is
    QStringList arguments;      // everything after the command name, verbatim
    QTextStream& out;
    QTextStream& err;
    // The process's one SecretStore (main.cpp): OPS_SECRET_*, OPS_DEPLOY_TOKEN and the keyring
    // (see waitForSecret). Null in tests that call a command function directly.
    ops::services::SecretStore* secrets = nullptr;
};

struct CommandSpec {
    QString name;      // e.g. "health", or two words such as "plan import"
    QString summary;   // one line for --help
    std::function<int(const CommandContext&)> run;
};

// Every headless command, in the order --help lists them.
const std::vector<CommandSpec>& commandTable();
// The first words of every command ("plan import" -> "plan"): what needsDisplay() looks for.
QStringList commandWords();
// The command named by the start of `positional` (longest match), and how many words it used.
const CommandSpec* findCommand(const QStringList& positional, int* wordsUsed);

// Parses a command's own arguments with `parser`, which already holds its options and positional
// arguments (a --help option is added here). Returns the exit code to return immediately
// (0 after --help, 2 after a usage error), or nullopt to go on.
std::optional<int> parseCommandLine(QCommandLineParser& parser, const QString& commandName,
                                    const CommandContext& context);

} // namespace ops::app
