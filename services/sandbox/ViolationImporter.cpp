// SPDX-License-Identifier: MIT
#include "sandbox/ViolationImporter.h"

#include "sandbox/ViolationStore.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>

namespace ops::services::sandbox {

namespace {
constexpr qint64 kMaxBatchBytes = 16 * 1024 * 1024;  // keeps one statement's parameters bounded
}

ViolationImporter::ViolationImporter(Pool& pool, qint64 projectId, int batchRows)
    : m_pool(pool), m_projectId(projectId), m_batchRows(std::max(1, batchRows))
{
}

QString ViolationImporter::dedupKeyFor(const ViolationEvent& event)
{
    if (!event.dedupKey.isEmpty())
        return event.dedupKey;
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(event.sourceName.toUtf8());
    hash.addData(QByteArrayView("\n"));
    hash.addData(QByteArray::number(event.sourceLine));
    hash.addData(QByteArrayView("\n"));
    hash.addData(event.raw.toUtf8());
    return QStringLiteral("file:") + QString::fromLatin1(hash.result().toHex());
}

Result<void> ViolationImporter::flush(ReadBatch& batch, ImportSummary& summary)
{
    if (batch.events.empty() && batch.unparsed.empty()) {
        batch.clear();
        return {};
    }
    for (ViolationEvent& event : batch.events)
        event.dedupKey = dedupKeyFor(event);
    auto inserted = m_pool.inTransaction(QStringLiteral("POST /sandbox/import"), [&](Connection& connection) -> Result<qint64> {
        auto events = ViolationStore::insertEvents(connection, m_projectId, batch.events);
        if (!events)
            return events.error();
        auto unparsed = ViolationStore::insertUnparsed(connection, m_projectId, batch.unparsed);
        if (!unparsed)
            return unparsed.error();
        return events.value();
    }, CallOptions::idempotentUnit());  // dedup keys make the events idempotent; unparsed rows may repeat
    if (!inserted)
        return inserted.error();
    summary.imported += inserted.value();
    summary.duplicates += qint64(batch.events.size()) - inserted.value();
    batch.clear();
    return {};
}

Result<ImportSummary> ViolationImporter::importFile(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(ErrorKind::Io, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const QString sourceName = QFileInfo(path).absoluteFilePath();
    ViolationReader reader(sourceName, QDateTime::currentDateTimeUtc());
    LineSplitter splitter(file, 0, ViolationReader::MaxParseBytes);
    ImportSummary summary;
    ReadBatch batch;
    qint64 lineNumber = 0;
    while (auto line = splitter.next(true)) {
        reader.feed(++lineNumber, *line, batch);
        summary.lines = lineNumber;
        if (qint64(batch.events.size() + batch.unparsed.size()) >= m_batchRows || batch.rawBytes >= kMaxBatchBytes) {
            summary.skipped += batch.skipped;
            summary.unparsed += qint64(batch.unparsed.size());
            for (const UnparsedLine& u : batch.unparsed)
                if (summary.firstUnparsed.size() < ImportSummary::MaxUnparsedKept)
                    summary.firstUnparsed.push_back(u);
            if (auto flushed = flush(batch, summary); !flushed)
                return flushed.error();
        }
    }
    if (splitter.readError())
        return Error::make(ErrorKind::Io, QStringLiteral("reading %1 failed after line %2: %3")
                                              .arg(path).arg(lineNumber).arg(file.errorString()));
    summary.skipped += batch.skipped;
    summary.unparsed += qint64(batch.unparsed.size());
    for (const UnparsedLine& u : batch.unparsed)
        if (summary.firstUnparsed.size() < ImportSummary::MaxUnparsedKept)
            summary.firstUnparsed.push_back(u);
    if (auto flushed = flush(batch, summary); !flushed)
        return flushed.error();
    return summary;
}

} // namespace ops::services::sandbox
