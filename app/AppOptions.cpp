// SPDX-License-Identifier: MIT
#include "AppOptions.h"

#include "db/ConnectionProfiles.h"

#include "commands/HeadlessCommand.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QStandardPaths>

namespace ops::app {

using ops::services::Error;
using ops::services::ErrorKind;

QStringList AppOptions::subcommands()
{
    return commandWords();
}

namespace {

// Global options that take a value: their value is not a command name.
bool takesValue(const QString& argument)
{
    return argument == QLatin1String("--dsn") || argument == QLatin1String("--data-dir")
        || argument == QLatin1String("--screenshots");
}

// The index of the first argument that names a command, or -1. Global options come before it.
int commandIndex(const QStringList& arguments)
{
    for (int i = 1; i < arguments.size(); ++i) {
        const QString& argument = arguments.at(i);
        if (takesValue(argument)) {
            ++i;
            continue;
        }
        if (argument.startsWith(QLatin1Char('-')))
            continue;
        return i;
    }
    return -1;
}

} // namespace

bool AppOptions::needsDisplay(int argc, char** argv)
{
    QStringList arguments;
    for (int i = 0; i < argc; ++i)
        arguments << QString::fromLocal8Bit(argv[i]);
    const int command = commandIndex(arguments);
    if (command > 0)
        return false;  // a command, or a typo of one: answered on the terminal, never by a window
    for (int i = 1; i < (command > 0 ? command : arguments.size()); ++i) {
        const QString& argument = arguments.at(i);
        if (argument == QLatin1String("--version") || argument == QLatin1String("-v")
            || argument == QLatin1String("--help") || argument == QLatin1String("-h"))
            return false;
    }
    return true;
}

ops::services::Result<AppOptions> AppOptions::parse(const QStringList& arguments,
                                                    const QProcessEnvironment& environment,
                                                    const QSettings& settings)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate("ops::app::AppOptions", 
        "Ops Console: live health, sandbox violations, deployments with one-click rollback, and the daily "
        "standup for a web platform on PostgreSQL."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption dsnOption(QStringLiteral("dsn"),
                                       QCoreApplication::translate("ops::app::AppOptions", "Connect to this PostgreSQL database (libpq URI or key=value "
                                                      "string) instead of the embedded one. Default: $DATABASE_URL."),
                                       QStringLiteral("url"));
    const QCommandLineOption dataDirOption(QStringLiteral("data-dir"),
                                           QCoreApplication::translate("ops::app::AppOptions", "Directory of the embedded PostgreSQL cluster and the "
                                                          "console's data. Default: %1.")
                                               .arg(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)),
                                           QStringLiteral("dir"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshots"),
                                              QCoreApplication::translate("ops::app::AppOptions", "Start as usual, wait until every tab has loaded, save "
                                                             "one PNG per tab into DIR and exit."),
                                              QStringLiteral("dir"));
    const QCommandLineOption noFirstRunOption(QStringLiteral("no-first-run"),
                                              QStringLiteral("Never show the first-run wizard (also OPS_NO_FIRST_RUN=1)."));
    const QCommandLineOption noKeyringOption(QStringLiteral("no-keyring"),
                                             QStringLiteral("Keep secrets (database password, deploy token, monitor "
                                                            "secrets) in memory for this run only; never read or write "
                                                            "the desktop keyring."));
    parser.addOptions({dsnOption, dataDirOption, screenshotOption, noFirstRunOption, noKeyringOption});
    QString commandList;
    for (const CommandSpec& spec : commandTable())
        commandList += QStringLiteral("\n  %1  %2").arg(spec.name, -20).arg(spec.summary);
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QCoreApplication::translate("ops::app::AppOptions", "Optional command to run without a window (global options go "
                                                "before it; `ops-console COMMAND --help` for its own):")
                                     + commandList,
                                 QStringLiteral("[command]"));

    // Everything from the command name on belongs to the command, which parses it itself.
    const int command = commandIndex(arguments);
    const QStringList globalArguments = command > 0 ? arguments.mid(0, command) : arguments;
    const QStringList commandWordsGiven = command > 0 ? arguments.mid(command) : QStringList();

    AppOptions options;
    if (!parser.parse(globalArguments))
        return Error::make(ErrorKind::InvalidInput, parser.errorText());
    options.helpText = parser.helpText();
    options.showHelp = parser.isSet(helpOption);
    options.showVersion = parser.isSet(versionOption);
    options.useKeyring = !parser.isSet(noKeyringOption);

    options.noFirstRun = parser.isSet(noFirstRunOption)
                         || environment.value(QStringLiteral("OPS_NO_FIRST_RUN")) == QLatin1String("1");
    options.connectionFromCommandLine = parser.isSet(dsnOption) || environment.contains(QStringLiteral("DATABASE_URL"));
    if (parser.isSet(dsnOption))
        options.connectionString = parser.value(dsnOption);
    else if (environment.contains(QStringLiteral("DATABASE_URL")))
        options.connectionString = environment.value(QStringLiteral("DATABASE_URL"));
    else {
        options.connectionString = settings.value(QStringLiteral("database/connectionString")).toString();
        // A saved profile keeps its password in the SecretStore under the profile's name.
        const QString profile = settings.value(QStringLiteral("database/activeProfile")).toString();
        if (!profile.isEmpty())
            options.databasePasswordSecret = ops::services::ConnectionProfiles::secretName(profile);
    }
    if (parser.isSet(dsnOption) && options.connectionString.trimmed().isEmpty())
        return Error::make(ErrorKind::InvalidInput, QCoreApplication::translate("ops::app::AppOptions", "--dsn needs a connection string"));

    options.dataDirectory = parser.isSet(dataDirOption)
                                ? QDir(parser.value(dataDirOption)).absolutePath()
                                : QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    if (parser.isSet(screenshotOption))
        options.screenshotDirectory = QDir(parser.value(screenshotOption)).absolutePath();

    if (!commandWordsGiven.isEmpty()) {
        int wordsUsed = 0;
        const CommandSpec* spec = findCommand(commandWordsGiven, &wordsUsed);
        if (!spec)
            return Error::make(ErrorKind::InvalidInput,
                               QCoreApplication::translate("ops::app::AppOptions", "unknown command '%1' (see --help)").arg(commandWordsGiven.first()));
        options.command = spec->name;
        options.commandArguments = commandWordsGiven.mid(wordsUsed);
    }
    return options;
}

bool AppOptions::wantsFirstRun(const QSettings& settings) const
{
    if (!command.isEmpty() || showHelp || showVersion || !screenshotDirectory.isEmpty())
        return false;
    if (noFirstRun || connectionFromCommandLine)
        return false;
    // "Nothing saved": a console that ran before has at least its window geometry or the flag.
    return settings.allKeys().isEmpty();
}

ops::services::DatabaseTarget AppOptions::databaseTarget() const
{
    ops::services::DatabaseTarget target{connectionString, dataDirectory};
    target.passwordSecret = databasePasswordSecret;
    target.password = databasePassword;
    return target;
}

} // namespace ops::app
