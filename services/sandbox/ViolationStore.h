// SPDX-License-Identifier: MIT
#pragma once

// ViolationStore: writes batches of events and unparsed lines, one statement per batch (arrays
// unnested by ops.ingest_violations / ops.record_unparsed), on a connection the caller holds,
// inside the caller's transaction, so a batch and the tailer's position commit together.

#include "common/Result.h"
#include "db/Connection.h"
#include "sandbox/ViolationEvent.h"
#include "sandbox/ViolationReader.h"

#include <vector>

namespace ops::services::sandbox {

class ViolationStore final {
public:
    // Rows inserted (events whose dedup key is already stored are not).
    static Result<qint64> insertEvents(Connection& connection, qint64 projectId,
                                       const std::vector<ViolationEvent>& events);
    static Result<qint64> insertUnparsed(Connection& connection, qint64 projectId,
                                         const std::vector<UnparsedLine>& lines);
};

} // namespace ops::services::sandbox
