// SPDX-License-Identifier: MIT
#pragma once

// AppOptions: the command line (QCommandLineParser) and the environment, resolved into what the
// console should do. Precedence for the database: --dsn, then DATABASE_URL, then the saved
// profile in settings, else the embedded default in --data-dir (default: the user's data directory).

#include "common/Result.h"
#include "db/DatabaseBootstrap.h"

#include <QProcessEnvironment>
#include <QSettings>
#include <QString>
#include <QStringList>

namespace ops::app {

struct AppOptions {
    QString connectionString;     // empty: embedded default
    QString dataDirectory;
    QString screenshotDirectory;  // --screenshots DIR
    QString command;              // a subcommand that needs no display (later issues add them)
    QStringList commandArguments;
    bool connectionFromCommandLine = false;  // --dsn or DATABASE_URL (not the saved profile)
    bool noFirstRun = false;                 // --no-first-run or OPS_NO_FIRST_RUN=1
    bool useKeyring = true;       // --no-keyring: secrets in memory only, the desktop keyring untouched
    // Not parsed: a headless run's database password from the SecretStore (main.cpp), memory only.
    QByteArray databasePassword;
    // The SecretStore name of the database password: the saved active profile's, else "database/default".
    QString databasePasswordSecret = QStringLiteral("database/default");

    // What to connect to, as the window and the headless commands both start it: the connection
    // string, the embedded data directory, the password's secret name and a password already read.
    ops::services::DatabaseTarget databaseTarget() const;
    bool showVersion = false;
    bool showHelp = false;
    QString helpText;

    static ops::services::Result<AppOptions> parse(const QStringList& arguments,
                                                   const QProcessEnvironment& environment,
                                                   const QSettings& settings);
    // Decided from argv before any Q*Application exists: --version, --help and subcommands run
    // headless, everything else opens the window.
    static bool needsDisplay(int argc, char** argv);
    // The first-run wizard is due: a window start (no command, no --screenshots) with nothing saved
    // in `settings`, no --dsn / DATABASE_URL, and no --no-first-run / OPS_NO_FIRST_RUN=1.
    bool wantsFirstRun(const QSettings& settings) const;
    static QStringList subcommands();
};

} // namespace ops::app
