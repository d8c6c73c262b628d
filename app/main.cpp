// SPDX-License-Identifier: MIT
// ops-console: the composition root. Decides between a window and a headless command, starts
// the database off the GUI thread, and wires services to the main window.

#include "AppOptions.h"
#include "ConsoleController.h"
#include "FirstRunAndSettings.h"
#include "MainWindow.h"
#include "SecretPrompts.h"
#include "commands/HeadlessCommand.h"
#include "commands/HeadlessSession.h"
#include "ProjectScope.h"
#include "Translations.h"
#include "common/SecretStore.h"
#include "db/ConnectionProfiles.h"

#include <QApplication>
#include <QIcon>
#include <QTextStream>
#include <QTimer>

#include <memory>

using namespace ops::app;

namespace {

void describeApplication()
{
    QCoreApplication::setOrganizationName(QStringLiteral("ops-console"));
    QCoreApplication::setApplicationName(QStringLiteral("ops-console"));
    QCoreApplication::setApplicationVersion(QStringLiteral(OPS_VERSION));
}

// The plan's report commands draw a chart and a PDF: they need QtGui's fonts, not a display.
bool drawsReport(int argc, char** argv)
{
    for (int i = 1; i + 1 < argc; ++i) {
        const QByteArray word(argv[i]), next(argv[i + 1]);
        if ((word == "checkpoint" && next == "report") || (word == "plan" && next == "week-report"))
            return true;
    }
    return false;
}

int runHeadless(const AppOptions& parsedOptions)
{
    AppOptions options = parsedOptions;
    QTextStream out(stdout);
    if (options.showHelp) {
        out << options.helpText;
        return 0;
    }
    if (options.showVersion) {
        out << QCoreApplication::applicationName() << ' ' << QCoreApplication::applicationVersion() << '\n';
        return 0;
    }
    QTextStream err(stderr);
    int wordsUsed = 0;
    const CommandSpec* spec = findCommand(options.command.split(QLatin1Char(' ')), &wordsUsed);
    if (!spec) {
        err << "ops-console: nothing to do (see --help)\n";
        return 2;
    }
    // The process's one SecretStore: the environment first, the keyring on demand; never a prompt.
    ops::services::SecretStore secrets(QStringLiteral("ops-console"), options.useKeyring);
    secrets.fillFromEnvironment();
    options.databasePassword = storedDatabasePassword(options, secrets);
    const int exitCode = spec->run(CommandContext{options, options.commandArguments, out, err, &secrets});
    out.flush();
    err.flush();
    return exitCode;
}

} // namespace

int main(int argc, char** argv)
{
    qRegisterMetaType<ops::services::DatabaseStatus>();
    qRegisterMetaType<ops::services::Error>();
    const bool withWindow = AppOptions::needsDisplay(argc, argv);
    std::unique_ptr<QCoreApplication> application;
    if (withWindow) {
        application = std::make_unique<QApplication>(argc, argv);
    } else if (drawsReport(argc, argv)) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        application = std::make_unique<QGuiApplication>(argc, argv);
    } else
        application = std::make_unique<QCoreApplication>(argc, argv);
    describeApplication();
    installTranslations(QLocale::system());

    QSettings settings;
    auto parsed = AppOptions::parse(QCoreApplication::arguments(), QProcessEnvironment::systemEnvironment(), settings);
    if (!parsed) {
        QTextStream(stderr) << "ops-console: " << parsed.error().message << '\n';
        return 2;
    }
    const AppOptions& options = parsed.value();
    if (!withWindow || options.showHelp || options.showVersion)
        return runHeadless(options);

    // The installed .desktop file and icon carry the application id (installer/Packaging.cmake).
    QGuiApplication::setDesktopFileName(QStringLiteral(OPS_APP_ID));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/" OPS_APP_ID ".svg")));
    // The process's one SecretStore (database passwords, deploy token, monitor secrets), outliving
    // everything that uses it.
    ops::services::SecretStore secrets(QStringLiteral("ops-console"), options.useKeyring);
    secrets.fillFromEnvironment();
    // First start with nothing saved: the wizard, before the database starts (skipping = embedded).
    ops::services::DatabaseTarget target = options.databaseTarget();
    FirstRunOutcome firstRun;
    if (options.wantsFirstRun(settings)) {
        firstRun = runFirstRunWizard(settings, secrets);
        if (!firstRun.connectionString.isEmpty()) {
            target.connectionString = firstRun.connectionString;
            target.passwordSecret = ops::services::ConnectionProfiles::secretName(
                ops::services::ConnectionProfiles(settings).active());
        }
    }

    ConsoleController controller(target, secrets);
    MainWindow window;
    applyFirstRunChoicesWhenReady(controller, window, firstRun.choices);
    QObject::connect(&window, &MainWindow::settingsRequested, &window,
                     [&] { openSettingsDialog(window, controller, settings, secrets); });
    QObject::connect(&controller, &ConsoleController::passwordNeeded, &window, [&controller, &window](const ops::services::Error& refusal) {
        askForDatabasePassword(&window, controller, refusal);
    });
    QObject::connect(&controller, &ConsoleController::databaseReady, &window, &MainWindow::showDatabaseReady);
    QObject::connect(&controller, &ConsoleController::databaseFailed, &window, &MainWindow::showDatabaseFailed);
    QObject::connect(&controller, &ConsoleController::databaseReady, &window, [&controller, &window] {
        QObject::connect(controller.poolMonitor(), &ops::services::PoolMonitor::metricsUpdated, &window,
                         &MainWindow::showPoolMetrics);
        window.showPoolMetrics(controller.poolMonitor()->latest());
        // Who is connected, the project switcher, and every tab's panel for the selected project.
        auto* scope = new ProjectScope(window, controller, &window);
        scope->start();
    });

    int exitCode = 0;
    if (!options.screenshotDirectory.isEmpty()) {
        // Screenshot mode: wait for the data, grab every tab, exit.
        QObject::connect(&controller, &ConsoleController::databaseReady, &window, [&] {
            // Long enough for the collector's first samples of the demo platform (5 s interval).
            QTimer::singleShot(6000, &window, [&] {
                auto written = window.saveScreenshots(options.screenshotDirectory);
                QTextStream out(stdout);
                if (!written) {
                    QTextStream(stderr) << "ops-console: " << written.error().message << '\n';
                    QCoreApplication::exit(1);
                    return;
                }
                for (const QString& file : written.value())
                    out << file << '\n';
                QCoreApplication::exit(0);
            });
        });
        QObject::connect(&controller, &ConsoleController::databaseFailed, &window, [](const ops::services::Error& e) {
            QTextStream(stderr) << "ops-console: " << e.toString() << '\n';
            QCoreApplication::exit(1);
        });
        QTimer::singleShot(180'000, &window, [] {
            QTextStream(stderr) << "ops-console: the tabs did not finish loading within 180 s\n";
            QCoreApplication::exit(3);
        });
    }
    window.show();
    controller.start();
    exitCode = QCoreApplication::exec();
    window.hide();
    controller.shutdown();
    return exitCode;
}
