// SPDX-License-Identifier: MIT
#include "TestSecrets.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sys/stat.h>
#include <unistd.h>

namespace ops::testing {

QList<QByteArray> allTestSecrets()
{
    return {testsecrets::databasePassword, testsecrets::deployToken, testsecrets::monitorPassword,
            testsecrets::keyringValue};
}

QString testOutputRoot()
{
    return QStringLiteral(OPS_TEST_OUTPUT_ROOT);
}

QString isolateTestProcess(const char* programName)
{
    const QString root = testOutputRoot();
    const QString own = QStringLiteral("%1/%2-%3").arg(root, QFileInfo(QString::fromLocal8Bit(programName)).fileName())
                            .arg(::getpid());
    const QString temporary = root + QStringLiteral("/tmp");
    for (const QString& directory : {own + QStringLiteral("/home"), own + QStringLiteral("/config"),
                                     own + QStringLiteral("/data"), own + QStringLiteral("/cache"), temporary})
        QDir().mkpath(directory);
    // The postgres user (tests run as root) must reach the cluster under TMPDIR.
    ::chmod(QFile::encodeName(root).constData(), 0755);
    ::chmod(QFile::encodeName(temporary).constData(), 0777 | S_ISVTX);
    qputenv("HOME", QFile::encodeName(own + QStringLiteral("/home")));
    qputenv("XDG_CONFIG_HOME", QFile::encodeName(own + QStringLiteral("/config")));
    qputenv("XDG_DATA_HOME", QFile::encodeName(own + QStringLiteral("/data")));
    qputenv("XDG_CACHE_HOME", QFile::encodeName(own + QStringLiteral("/cache")));
    qputenv("TMPDIR", QFile::encodeName(temporary));
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=" + QFile::encodeName(own + QStringLiteral("/no-session-bus")));
    qunsetenv("XDG_CURRENT_DESKTOP");  // QtKeychain would pick KWallet for KDE
    return own;
}

} // namespace ops::testing
