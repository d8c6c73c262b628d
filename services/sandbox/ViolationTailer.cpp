// SPDX-License-Identifier: MIT
#include "sandbox/ViolationTailer.h"

#include "sandbox/ViolationReader.h"
#include "sandbox/ViolationStore.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>

#include <sys/stat.h>

namespace ops::services::sandbox {

Q_LOGGING_CATEGORY(lcTailer, "ops.sandbox.tailer")

namespace {
constexpr qint64 kMaxBatchBytes = 16 * 1024 * 1024;
}

ViolationTailer::ViolationTailer(Pool& pool, qint64 projectId, QString path, int batchLines, qint64 maxLinesPerPoll)
    : m_pool(pool)
    , m_projectId(projectId)
    , m_path(QFileInfo(path).absoluteFilePath())
    , m_batchLines(std::max(1, batchLines))
    , m_maxLinesPerPoll(maxLinesPerPoll)
{
}

QString ViolationTailer::identityOf(int fileDescriptor)
{
    struct stat info {};
    if (::fstat(fileDescriptor, &info) != 0)
        return {};
    return QStringLiteral("%1:%2").arg(quint64(info.st_dev)).arg(quint64(info.st_ino));
}

Result<std::optional<TailPosition>> ViolationTailer::storedPosition()
{
    return m_pool.withClient(QStringLiteral("GET /sandbox/tail-position"),
                             [&](Connection& connection) -> Result<std::optional<TailPosition>> {
        auto rows = connection.exec(QStringLiteral(
            "SELECT file_identity, byte_offset, line_number FROM ops.sandbox_ingest_positions "
            "WHERE project_id = $1 AND source_path = $2"), {m_projectId, m_path});
        if (!rows)
            return rows.error();
        if (rows->rowCount() == 0)
            return std::optional<TailPosition>();
        return std::optional<TailPosition>(TailPosition{rows->text(0, 0), rows->toInt64(0, 1), rows->toInt64(0, 2)});
    }, CallOptions::idempotentUnit());
}

QString ViolationTailer::findRotated(const QString& identity) const
{
    const QFileInfo info(m_path);
    const QDir directory = info.absoluteDir();
    const QStringList names = directory.entryList({info.fileName() + QLatin1Char('*')}, QDir::Files | QDir::Hidden,
                                                  QDir::Name);
    for (const QString& name : names) {
        if (name == info.fileName())
            continue;
        QFile candidate(directory.filePath(name));
        if (candidate.open(QIODevice::ReadOnly) && identityOf(candidate.handle()) == identity)
            return candidate.fileName();
    }
    return {};
}

Result<void> ViolationTailer::commit(const std::optional<TailPosition>& expected, const TailPosition& next,
                                     ReadBatch& batch, TailStep& step)
{
    auto inserted = m_pool.inTransaction(QStringLiteral("POST /sandbox/tail"), [&](Connection& connection) -> Result<qint64> {
        auto events = ViolationStore::insertEvents(connection, m_projectId, batch.events);
        if (!events)
            return events.error();
        auto unparsed = ViolationStore::insertUnparsed(connection, m_projectId, batch.unparsed);
        if (!unparsed)
            return unparsed.error();
        auto saved = connection.exec(QStringLiteral("SELECT ops.save_ingest_position($1, $2, $3, $4, $5, $6, $7)"),
                                     {m_projectId, m_path,
                                      expected ? SqlValue(expected->identity) : SqlValue(),
                                      expected ? SqlValue(expected->offset) : SqlValue(),
                                      next.identity, next.offset, next.lineNumber});
        if (!saved)
            return saved.error();
        return events.value();
    });
    if (!inserted)
        return inserted.error();
    step.inserted += inserted.value();
    step.skipped += batch.skipped;
    step.unparsed += qint64(batch.unparsed.size());
    batch.clear();
    return {};
}

Result<void> ViolationTailer::ingestFrom(QFile& file, const QString& identity, const std::optional<TailPosition>& from,
                                         bool takePartial, const std::optional<TailPosition>& switchTo, TailStep& step)
{
    // `from` is the stored position; it belongs to this file unless we are switching into it.
    const bool sameFile = from && from->identity == identity;
    qint64 offset = sameFile ? from->offset : 0;
    qint64 lineNumber = sameFile ? from->lineNumber : 0;
    if (!file.seek(offset))
        return Error::make(ErrorKind::Io, QStringLiteral("cannot seek %1 to %2").arg(file.fileName()).arg(offset));
    std::optional<TailPosition> expected = from;
    ViolationReader reader(m_path, QDateTime::currentDateTimeUtc());
    LineSplitter splitter(file, offset, ViolationReader::MaxParseBytes);
    ReadBatch batch;
    bool pending = !sameFile;  // moving the position to this file is itself a change to commit
    while (m_maxLinesPerPoll <= 0 || step.lines < m_maxLinesPerPoll) {
        auto line = splitter.next(takePartial);
        if (!line)
            break;
        reader.feed(++lineNumber, *line, batch);
        ++step.lines;
        pending = true;
        if (batch.lines >= m_batchLines || batch.rawBytes >= kMaxBatchBytes) {
            const TailPosition next{identity, splitter.offset(), lineNumber};
            if (auto committed = commit(expected, next, batch, step); !committed)
                return committed.error();
            expected = next;
            pending = false;
        }
    }
    if (splitter.readError())
        return Error::make(ErrorKind::Io, QStringLiteral("reading %1 failed: %2").arg(file.fileName(), file.errorString()));
    const bool drained = m_maxLinesPerPoll <= 0 || step.lines < m_maxLinesPerPoll;
    TailPosition next{identity, splitter.offset(), lineNumber};
    if (switchTo && drained) {
        next = *switchTo;
        pending = true;
    }
    if (pending || batch.lines > 0)
        return commit(expected, next, batch, step);
    return {};
}

Result<TailStep> ViolationTailer::poll()
{
    TailStep step;
    auto stored = storedPosition();
    if (!stored)
        return stored.error();
    const std::optional<TailPosition> position = stored.value();

    QFile file(m_path);
    const bool exists = file.open(QIODevice::ReadOnly);
    const QString identity = exists ? identityOf(file.handle()) : QString();

    if (position && position->identity != identity) {
        // Rotated (or removed): finish the old file first, found by its identity.
        step.rotated = true;
        const QString oldPath = findRotated(position->identity);
        std::optional<TailPosition> switchTo;
        if (exists)
            switchTo = TailPosition{identity, 0, 0};
        if (!oldPath.isEmpty()) {
            QFile old(oldPath);
            if (!old.open(QIODevice::ReadOnly))
                return Error::make(ErrorKind::Io, QStringLiteral("cannot read rotated %1: %2").arg(oldPath, old.errorString()));
            // Only when the new file exists is the old one known to be finished.
            if (auto drained = ingestFrom(old, position->identity, position, exists, switchTo, step); !drained)
                return drained.error();
            if (!exists || (m_maxLinesPerPoll > 0 && step.lines >= m_maxLinesPerPoll))
                return step;
        } else {
            if (!exists)
                return step;  // moved away, new file not created yet: wait
            step.rotatedFileLost = true;
            qCWarning(lcTailer) << "the rotated file of" << m_path << "is gone; lines after offset"
                                << position->offset << "of it were not ingested";
            ReadBatch none;
            if (auto switched = commit(position, *switchTo, none, step); !switched)
                return switched.error();
        }
        auto reloaded = storedPosition();
        if (!reloaded)
            return reloaded.error();
        if (auto rest = ingestFrom(file, identity, reloaded.value(), false, std::nullopt, step); !rest)
            return rest.error();
        return step;
    }
    if (!exists)
        return step;  // nothing to tail yet
    std::optional<TailPosition> from = position;
    if (position && file.size() < position->offset) {
        step.truncated = true;
        const TailPosition restart{identity, 0, 0};
        ReadBatch none;
        if (auto reset = commit(position, restart, none, step); !reset)
            return reset.error();
        from = restart;
    }
    if (auto read = ingestFrom(file, identity, from, false, std::nullopt, step); !read)
        return read.error();
    return step;
}

} // namespace ops::services::sandbox
