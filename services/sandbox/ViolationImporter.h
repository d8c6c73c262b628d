// SPDX-License-Identifier: MIT
#pragma once

// ViolationImporter: one file, once (`ops-console violations import FILE`). Reads it in order,
// parses every line, and writes batches of `batchRows` events in their own transactions. Each
// event gets a dedup key (its own "id", else file path + line number + text), so importing the
// same file again stores nothing twice: those lines are counted as duplicates. Blocking: call it
// from a worker thread or a headless command.

#include "common/Result.h"
#include "db/Pool.h"
#include "sandbox/ViolationReader.h"

#include <vector>

namespace ops::services::sandbox {

struct ImportSummary {
    qint64 lines = 0;
    qint64 imported = 0;     // new rows
    qint64 duplicates = 0;   // events already stored (same dedup key)
    qint64 skipped = 0;      // blank, other programs' lines, tags: not events (duplicates not included)
    qint64 unparsed = 0;
    std::vector<UnparsedLine> firstUnparsed;  // at most MaxUnparsedKept, for the report
    static constexpr int MaxUnparsedKept = 100;
};

class ViolationImporter final {
public:
    ViolationImporter(Pool& pool, qint64 projectId, int batchRows = 5000);

    // Io when the file cannot be opened or read; the database's error when a batch is refused
    // (batches committed before it stay: re-running the import skips them as duplicates).
    Result<ImportSummary> importFile(const QString& path);

    // The dedup key of an imported event: its own id, else a hash of where and what it was.
    static QString dedupKeyFor(const ViolationEvent& event);

private:
    Result<void> flush(ReadBatch& batch, ImportSummary& summary);

    Pool& m_pool;
    qint64 m_projectId;
    int m_batchRows;
};

} // namespace ops::services::sandbox
