// SPDX-License-Identifier: MIT
// ops-demo-platform: the demo platform as a process, for playing rollback by hand or from the
// console. The provider token comes from OPS_DEMO_TOKEN (never a command-line argument, which
// other users can read in /proc); default "demo-token".
#include "demo/DemoPlatform.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTextStream>

#include <csignal>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ops-demo-platform"));
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A demo web platform with a Vercel-shaped deployments API."));
    parser.addHelpOption();
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("Port on 127.0.0.1 (0: a free one)."),
                                  QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption live(QStringLiteral("live"), QStringLiteral("Version live at start (default: newest, v4, the bad one)."),
                                  QStringLiteral("VERSION"));
    parser.addOptions({port, live});
    parser.process(app);

    ops::services::DemoPlatform::Config config;
    config.port = quint16(parser.value(port).toUInt());
    config.liveVersion = parser.value(live);
    if (qEnvironmentVariableIsSet("OPS_DEMO_TOKEN"))
        config.token = qEnvironmentVariable("OPS_DEMO_TOKEN");
    ops::services::DemoPlatform platform(config);
    if (auto started = platform.start(); !started) {
        QTextStream(stderr) << started.error().message << '\n';
        return 1;
    }
    QTextStream(stdout) << "listening on " << platform.baseUrl() << " project " << config.projectId << Qt::endl;
    std::signal(SIGTERM, [](int) { QCoreApplication::quit(); });
    std::signal(SIGINT, [](int) { QCoreApplication::quit(); });
    return app.exec();
}
