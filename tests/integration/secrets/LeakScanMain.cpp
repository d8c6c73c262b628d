// SPDX-License-Identifier: MIT
// The suite's last test (ctest label "leakscan", which installer/test.sh runs after every other
// test): no test secret (tests/support/TestSecrets.h) in any file that a test process, or a
// console process a test started, left under the test output root: settings, logs, exported
// reports, crash output, keyring and data directories. Plain, URL-encoded and base64.
// Run alone (`ctest -L leakscan`) after the rest; in a plain `ctest` it may run before the tests
// whose files it should read. tests/unit/LeakScanTest.cpp shows the scanner finds what it must.

#include "LeakScan.h"
#include "TestSecrets.h"

#include <QDir>
#include <QDirIterator>

#include <gtest/gtest.h>

using namespace ops::testing;

TEST(LeakScan, NoTestSecretInAnyFileTheSuiteWrote)
{
    const QString root = testOutputRoot();
    // A scan of an empty tree proves nothing: the suite must have run first.
    const QStringList processes = QDir(root).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    ASSERT_GT(processes.size(), 10) << "run the other tests first (installer/test.sh runs this last): only "
                                    << processes.size() << " directories under " << root.toStdString();
    int files = 0;
    QDirIterator counter(root, QDir::Files | QDir::Hidden | QDir::NoSymLinks, QDirIterator::Subdirectories);
    while (counter.hasNext()) {
        counter.next();
        ++files;
    }
    const QList<SecretLeak> leaks = scanForSecrets(root, allTestSecrets());
    EXPECT_TRUE(leaks.isEmpty()) << "test secrets found in files the suite wrote:\n" << describeLeaks(leaks).toStdString();
    std::cout << "leak_scan_files=" << files << " leak_scan_directories=" << processes.size() << '\n';
}
