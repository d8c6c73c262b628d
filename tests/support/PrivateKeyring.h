// SPDX-License-Identifier: MIT
#pragma once

// PrivateKeyring: a real desktop keyring for tests, touching nobody's real one: a private D-Bus
// session bus (dbus-daemon) and gnome-keyring-daemon's secret service on it, unlocked with a
// throwaway password, with its own HOME and XDG directories under the test output root.
// start() points this process's DBUS_SESSION_BUS_ADDRESS at it: call it before anything in the
// process talks to D-Bus (QtKeychain and libsecret keep the first session bus they connect to).
// Console processes started afterwards inherit the address. Stopped by the destructor.

#include "common/Result.h"

#include <QString>

namespace ops::testing {

class PrivateKeyring final {
public:
    PrivateKeyring();
    ~PrivateKeyring();
    PrivateKeyring(const PrivateKeyring&) = delete;
    PrivateKeyring& operator=(const PrivateKeyring&) = delete;

    // The process's keyring, started on first use and stopped at exit: a process keeps the first
    // session bus it talks to, so every test in it shares one. Null, with a test failure saying
    // why, when it cannot start.
    static PrivateKeyring* shared();

    ops::services::Result<void> start();
    QString busAddress() const { return m_busAddress; }
    // secret-tool (libsecret-tools) against this keyring: QtKeychain files an entry under the
    // attributes server = <service> and user = <key>. Null when there is no such entry.
    ops::services::Result<QByteArray> lookupWithSecretTool(const QString& service, const QString& key) const;

private:
    QString m_directory;
    QString m_busAddress;
    qint64 m_busPid = 0;
    qint64 m_keyringPid = 0;
};

} // namespace ops::testing
