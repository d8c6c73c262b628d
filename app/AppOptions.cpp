// SPDX-License-Identifier: MIT
#include "AppOptions.h"

#include <QCommandLineParser>
#include <QDir>
#include <QStandardPaths>

namespace ops::app {

using ops::services::Error;
using ops::services::ErrorKind;

QStringList AppOptions::subcommands()
{
    return {};  // filled by the feature issues (health, violations, plan, rollback, ...)
}

bool AppOptions::needsDisplay(int argc, char** argv)
{
    for (int i = 1; i < argc; ++i) {
        const QString argument = QString::fromLocal8Bit(argv[i]);
        if (argument == QLatin1String("--version") || argument == QLatin1String("-v")
            || argument == QLatin1String("--help") || argument == QLatin1String("-h"))
            return false;
        if (!argument.startsWith(QLatin1Char('-')))
            return !subcommands().contains(argument);
    }
    return true;
}

ops::services::Result<AppOptions> AppOptions::parse(const QStringList& arguments,
                                                    const QProcessEnvironment& environment,
                                                    const QSettings& settings)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Ops Console: live health, sandbox violations, deployments with one-click rollback, and the daily "
        "standup for a web platform on PostgreSQL."));
    const QCommandLineOption helpOption = parser.addHelpOption();
    const QCommandLineOption versionOption = parser.addVersionOption();
    const QCommandLineOption dsnOption(QStringLiteral("dsn"),
                                       QStringLiteral("Connect to this PostgreSQL database (libpq URI or key=value "
                                                      "string) instead of the embedded one. Default: $DATABASE_URL."),
                                       QStringLiteral("url"));
    const QCommandLineOption dataDirOption(QStringLiteral("data-dir"),
                                           QStringLiteral("Directory of the embedded PostgreSQL cluster and the "
                                                          "console's data. Default: %1.")
                                               .arg(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation)),
                                           QStringLiteral("dir"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshots"),
                                              QStringLiteral("Start as usual, wait until every tab has loaded, save "
                                                             "one PNG per tab into DIR and exit."),
                                              QStringLiteral("dir"));
    parser.addOptions({dsnOption, dataDirOption, screenshotOption});
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("Optional command to run without a window."), QStringLiteral("[command]"));

    AppOptions options;
    if (!parser.parse(arguments))
        return Error::make(ErrorKind::InvalidInput, parser.errorText());
    options.helpText = parser.helpText();
    options.showHelp = parser.isSet(helpOption);
    options.showVersion = parser.isSet(versionOption);

    if (parser.isSet(dsnOption))
        options.connectionString = parser.value(dsnOption);
    else if (environment.contains(QStringLiteral("DATABASE_URL")))
        options.connectionString = environment.value(QStringLiteral("DATABASE_URL"));
    else
        options.connectionString = settings.value(QStringLiteral("database/connectionString")).toString();
    if (parser.isSet(dsnOption) && options.connectionString.trimmed().isEmpty())
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("--dsn needs a connection string"));

    options.dataDirectory = parser.isSet(dataDirOption)
                                ? QDir(parser.value(dataDirOption)).absolutePath()
                                : QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation);
    if (parser.isSet(screenshotOption))
        options.screenshotDirectory = QDir(parser.value(screenshotOption)).absolutePath();

    const QStringList positional = parser.positionalArguments();
    if (!positional.isEmpty()) {
        if (!subcommands().contains(positional.first()))
            return Error::make(ErrorKind::InvalidInput,
                               QStringLiteral("unknown command '%1' (see --help)").arg(positional.first()));
        options.command = positional.first();
        options.commandArguments = positional.mid(1);
    }
    return options;
}

} // namespace ops::app
