// SPDX-License-Identifier: MIT
#pragma once

// ViolationTailer: follows one growing log file (JSON Lines, or any shape ViolationReader knows)
// and ingests each complete line exactly once, across rotation, truncation and restarts.
//
// How exactly-once holds: the position (file identity "device:inode" + byte offset just after the
// last ingested newline + line count) lives in ops.sandbox_ingest_positions and is advanced by
// ops.save_ingest_position (compare-and-set on the old position) in the SAME transaction as the
// batch it covers. A crash before COMMIT loses the batch and its position together; a restart
// reads the stored position and goes on from there. Two tailers of one file cannot both commit a
// batch: the second compare-and-set fails (40001) and its batch rolls back.
//
// - A partial last line (no '\n' yet) is never consumed: the next poll reads it whole.
// - Rotation (the path now names another inode): the old file is looked for next to the path
//   (`events.jsonl.1`, `events.jsonl-20261123`, ... any sibling whose name starts with the file's
//   name) by identity, drained to its end, then reading starts at byte 0 of the new file.
//   A rotated file that was compressed or deleted before it was drained is reported, not read.
// - Truncation in place (same inode, size now below the stored offset; copytruncate): reading
//   restarts at byte 0. Limitation: a file truncated and regrown past the old offset between two
//   polls is not recognised as truncated (poll often; the live watcher polls every second).
//
// poll() blocks (file I/O and database): call it from a worker thread.

#include "common/Result.h"
#include "db/Pool.h"
#include "sandbox/ViolationReader.h"

#include <QFile>

#include <QString>

#include <optional>

namespace ops::services::sandbox {

struct TailPosition {
    QString identity;     // "device:inode"
    qint64 offset = 0;    // first byte not yet ingested
    qint64 lineNumber = 0;
};

struct TailStep {
    qint64 lines = 0;      // complete lines consumed in this poll
    qint64 inserted = 0;   // new rows
    qint64 skipped = 0;
    qint64 unparsed = 0;
    bool rotated = false;
    bool truncated = false;
    bool rotatedFileLost = false;  // rotated away and not found: its unread tail is lost (reported)
};

class ViolationTailer final {
public:
    // `maxLinesPerPoll` bounds one poll's work (0: no bound): the GUI's watcher keeps polls short.
    ViolationTailer(Pool& pool, qint64 projectId, QString path, int batchLines = 5000, qint64 maxLinesPerPoll = 0);

    Result<TailStep> poll();
    // The stored position (none before the first commit).
    Result<std::optional<TailPosition>> storedPosition();
    const QString& path() const { return m_path; }

    // "device:inode" of an open file.
    static QString identityOf(int fileDescriptor);

private:
    // Reads `file` (whose identity is `identity`) from `from`, committing batches and positions.
    // `takePartial`: the file will not grow any more (a rotated file): its last line counts.
    // `switchTo`: after the last batch, move the position to this (the new file after rotation).
    Result<void> ingestFrom(QFile& file, const QString& identity, const std::optional<TailPosition>& from,
                            bool takePartial, const std::optional<TailPosition>& switchTo, TailStep& step);
    Result<void> commit(const std::optional<TailPosition>& expected, const TailPosition& next,
                        ReadBatch& batch, TailStep& step);
    QString findRotated(const QString& identity) const;

    Pool& m_pool;
    qint64 m_projectId;
    QString m_path;
    int m_batchLines;
    qint64 m_maxLinesPerPoll;
};

} // namespace ops::services::sandbox
