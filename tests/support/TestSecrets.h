// SPDX-License-Identifier: MIT
#pragma once

// The secrets the suite passes through the console (a database password, a deploy token, a
// monitor's Basic-auth password, a keyring entry), and the one directory every test process
// writes under. The leak scan (tests/integration/secrets/LeakScanMain.cpp, ctest label leakscan,
// run by installer/test.sh after the rest of the suite) searches every file under that directory
// for each of these values: a test that hands a secret to the console uses one of these.

#include <QByteArray>
#include <QList>
#include <QString>

namespace ops::testing {

namespace testsecrets {
// Random-looking so a match is never a coincidence; no character that needs quoting in a
// libpq key=value string or a shell.
inline const QByteArray databasePassword = QByteArrayLiteral("ops-test-secret-db-Qx7Lm2Vr9Kd4");
inline const QByteArray deployToken = QByteArrayLiteral("ops-test-secret-deploy-Hw3Zp8Ns5Tj1");
inline const QByteArray monitorPassword = QByteArrayLiteral("ops-test-secret-metrics-Rb6Yc1Fq8Gu3");
inline const QByteArray keyringValue = QByteArrayLiteral("ops-test-secret-keyring-Ue5Mk9Wa2Sx7");
} // namespace testsecrets

// Every value above.
QList<QByteArray> allTestSecrets();

// <build>/test-output: HOME, XDG_*_HOME, TMPDIR and the settings of every test process (and of
// the console processes the tests start, which inherit the environment) are inside it.
QString testOutputRoot();

// Called first thing in the test main: gives this process its own HOME, XDG_CONFIG_HOME,
// XDG_DATA_HOME, XDG_CACHE_HOME under the root (kept after exit, for the scan), a TMPDIR shared
// by all processes (the PostgreSQL cluster cache lives there) and a D-Bus session address where
// nothing listens, so no test ever reaches the developer's real keyring. Returns this process's
// directory.
QString isolateTestProcess(const char* programName);

} // namespace ops::testing
