// SPDX-License-Identifier: MIT
#include "PrivateKeyring.h"

#include "TestSecrets.h"
#include "common/ProcessRunner.h"

#include <QDir>
#include <QFile>
#include <QThread>

#include <gtest/gtest.h>

#include <memory>

#include <csignal>
#include <sys/stat.h>
#include <unistd.h>

namespace ops::testing {

using namespace ops::services;

namespace {
Error failed(const QString& what, const QByteArray& output)
{
    Error error = Error::make(ErrorKind::Io, what);
    error.detail = QString::fromLocal8Bit(output).right(2000);
    return error;
}
} // namespace

PrivateKeyring* PrivateKeyring::shared()
{
    static std::unique_ptr<PrivateKeyring> instance;
    static bool failed = false;
    if (!instance && !failed) {
        auto keyring = std::make_unique<PrivateKeyring>();
        if (auto started = keyring->start(); !started) {
            failed = true;
            ADD_FAILURE() << "the private keyring did not start: " << started.error().toString().toStdString() << "\n"
                          << started.error().detail.toStdString();
            return nullptr;
        }
        instance = std::move(keyring);
    }
    return instance.get();
}

PrivateKeyring::PrivateKeyring()
    : m_directory(QStringLiteral("%1/keyring-%2").arg(testOutputRoot()).arg(::getpid()))
{
}

PrivateKeyring::~PrivateKeyring()
{
    // The daemon first: it saves the keyring and leaves; the bus after it.
    for (const qint64 pid : {m_keyringPid, m_busPid}) {
        if (pid > 0)
            ::kill(pid_t(pid), SIGTERM);
    }
}

Result<void> PrivateKeyring::start()
{
    const QString home = m_directory + QStringLiteral("/home");
    const QString runtime = m_directory + QStringLiteral("/runtime");
    for (const QString& directory : {home, runtime}) {
        QDir().mkpath(directory);
        ::chmod(QFile::encodeName(directory).constData(), 0700);  // gnome-keyring insists on a private runtime dir
    }
    m_busAddress = QStringLiteral("unix:path=%1/bus").arg(runtime);
    ProcessOptions options;
    options.environment.insert(QStringLiteral("HOME"), home);
    options.environment.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    options.environment.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    options.environment.insert(QStringLiteral("XDG_RUNTIME_DIR"), runtime);
    options.environment.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_busAddress);
    options.timeout = std::chrono::seconds(20);

    auto bus = ProcessRunner::startDetached(QStringLiteral("dbus-daemon"),
                                           {QStringLiteral("--session"), QStringLiteral("--nofork"), QStringLiteral("--nopidfile"),
                                            QStringLiteral("--address=") + m_busAddress},
                                           options);
    if (!bus)
        return bus.error();
    m_busPid = bus.value();
    for (int i = 0; i < 100 && !QFile::exists(runtime + QStringLiteral("/bus")); ++i)
        QThread::msleep(20);
    if (!QFile::exists(runtime + QStringLiteral("/bus")))
        return Error::make(ErrorKind::Io, QStringLiteral("the private dbus-daemon did not create %1/bus").arg(runtime));

    // --unlock reads the new login keyring's password from stdin. A daemon that quits before
    // reading it must fail the start with its output, not kill this process with SIGPIPE.
    std::signal(SIGPIPE, SIG_IGN);
    options.input = QByteArrayLiteral("private-keyring-for-tests");
    // On a loaded machine the bus may not accept connections the moment its socket exists: a
    // daemon that could not reach it exits at once, and is started again.
    Result<ProcessResult> keyring = Error::make(ErrorKind::Io, QString());
    for (int attempt = 0; attempt < 3; ++attempt) {
        keyring = ProcessRunner::run(QStringLiteral("gnome-keyring-daemon"),
                                     {QStringLiteral("--unlock"), QStringLiteral("--components=secrets"),
                                      QStringLiteral("--daemonize")},
                                     options);
        if (!keyring || keyring->exitCode == 0)
            break;
        QThread::msleep(200);
    }
    if (!keyring)
        return keyring.error();
    if (keyring->exitCode != 0)
        return failed(QStringLiteral("gnome-keyring-daemon exited with %1").arg(keyring->exitCode), keyring->output);

    // Its pid, to stop it: the bus knows who owns the secret service name (which the daemon
    // claims a moment after --daemonize returned).
    Result<ProcessResult> owner = Error::make(ErrorKind::Io, QString());
    for (int attempt = 0; attempt < 100; ++attempt) {
        owner = ProcessRunner::run(QStringLiteral("dbus-send"),
                                   {QStringLiteral("--session"), QStringLiteral("--print-reply=literal"),
                                    QStringLiteral("--dest=org.freedesktop.DBus"), QStringLiteral("/org/freedesktop/DBus"),
                                    QStringLiteral("org.freedesktop.DBus.GetConnectionUnixProcessID"),
                                    QStringLiteral("string:org.freedesktop.secrets")},
                                   options);
        if (owner && owner->exitCode == 0)
            break;
        QThread::msleep(50);
    }
    if (!owner || owner->exitCode != 0)
        return failed(QStringLiteral("no secret service on the private bus within 5 s"), owner ? owner->output : QByteArray());
    m_keyringPid = owner->output.trimmed().split(' ').last().toLongLong();

    // A test process killed by its timeout runs no destructor: stop both daemons when it is gone.
    const QString watchdog = QStringLiteral("while kill -0 %1 2>/dev/null; do sleep 1; done; kill %2 %3")
                                 .arg(::getpid()).arg(m_keyringPid).arg(m_busPid);
    (void)ProcessRunner::startDetached(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), watchdog});

    qputenv("DBUS_SESSION_BUS_ADDRESS", m_busAddress.toUtf8());
    return {};
}

Result<QByteArray> PrivateKeyring::lookupWithSecretTool(const QString& service, const QString& key) const
{
    ProcessOptions options;
    options.environment.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"), m_busAddress);
    options.timeout = std::chrono::seconds(20);
    auto lookup = ProcessRunner::run(QStringLiteral("secret-tool"),
                                     {QStringLiteral("lookup"), QStringLiteral("server"), service, QStringLiteral("user"), key},
                                     options);
    if (!lookup)
        return lookup.error();
    // secret-tool exits 1 without output when nothing matches.
    return lookup->exitCode == 0 ? lookup->output : QByteArray();
}

} // namespace ops::testing
