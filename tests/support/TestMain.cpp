// SPDX-License-Identifier: MIT
// main() for the test binaries: the Qt application object the services expect, then GoogleTest.
// The shared PostgreSQL cluster (if a test started one) is stopped when the tests end, failed or not.

#include "TestCluster.h"
#include "TestSecrets.h"

#include <gtest/gtest.h>

#ifdef OPS_TEST_WITH_GUI
#include <QApplication>
#else
#include <QCoreApplication>
#endif
#include <QSettings>

namespace {
class StopClusterAtExit final : public ::testing::Environment {
public:
    void TearDown() override { ops::testing::TestCluster::stopShared(); }
};
} // namespace

int main(int argc, char** argv)
{
    // Before Qt reads any of it: this process's HOME, XDG directories, TMPDIR and a D-Bus session
    // without a keyring, all under the build tree's test-output (the leak scan reads it later).
    const QString ownDirectory = ops::testing::isolateTestProcess(argv[0]);
#ifdef OPS_TEST_WITH_GUI
    // gtest_discover_tests runs the binary without the test's environment: pick the offscreen
    // platform here, before QApplication exists, unless the caller chose one (Xvfb).
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication application(argc, argv);
#else
    QCoreApplication application(argc, argv);
#endif
    QCoreApplication::setOrganizationName(QStringLiteral("ops-console-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("ops-console-tests"));
    // ctest runs test processes in parallel: each gets its own settings store, so one test's
    // remembered project or followed files never leak into, or race with, another's. Kept after
    // the run, for the leak scan.
    const QString settingsDirectory = ownDirectory + QStringLiteral("/settings");
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settingsDirectory);
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, settingsDirectory);
    ::testing::InitGoogleTest(&argc, argv);
    ::testing::AddGlobalTestEnvironment(new StopClusterAtExit);
    return RUN_ALL_TESTS();
}
