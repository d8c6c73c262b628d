// SPDX-License-Identifier: MIT
#pragma once

// LoadTestStore: load test results in ops.load_tests (0008). record() goes through
// ops.record_load_test (operators and above, project members); list() is what row-level
// security lets the caller see, newest first. Plain functions on a Connection: callers choose
// the thread (the pool's workers in the tab, the command's own thread headless).

#include "db/Connection.h"
#include "health/LoadTest.h"

#include <vector>

namespace ops::services {

struct StoredLoadTest {
    qint64 id = 0;
    QString runBy;
    LoadTestResult result;
};

// The errors as a JSON object ({"timeout": 3}); also what the command prints with --json.
QByteArray loadTestErrorsJson(const LoadTestResult& result);

Result<qint64> recordLoadTest(Connection& connection, qint64 projectId, const LoadTestResult& result);
Result<std::vector<StoredLoadTest>> listLoadTests(Connection& connection, qint64 projectId, int limit = 50);

} // namespace ops::services
