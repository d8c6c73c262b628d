// SPDX-License-Identifier: MIT
// Fuzz target: a violation log (any bytes) through the LineSplitter, the stateful reader (block
// parser, JSON and line shapes in the order the importer uses) and every single-line parser on its
// own, so a shape the reader would not pick first is still exercised.
#include "FuzzCheck.h"
#include "sandbox/LineSplitter.h"
#include "sandbox/ViolationReader.h"

#include <QBuffer>
#include <QJsonDocument>

#include <cstddef>
#include <cstdint>

using namespace ops::services::sandbox;

namespace {

// What the store relies on: PostgreSQL text cannot hold NUL, and the CHECK limits hold.
void checkStorable(const QString& text, int maxChars, const char* what)
{
    FUZZ_CHECK(!text.contains(QChar(0)), what);
    FUZZ_CHECK(text.size() <= maxChars, what);
}

void checkEvent(const ViolationEvent& event)
{
    FUZZ_CHECK(event.occurredAt.isValid(), "the reader gives every event a time");
    checkStorable(event.machine, limits::Name, "machine storable");
    checkStorable(event.agent, limits::Name, "agent storable");
    checkStorable(event.session, limits::Name, "session storable");
    checkStorable(event.operation, limits::Operation, "operation storable");
    checkStorable(event.target, limits::Target, "target storable");
    checkStorable(event.rule, limits::Rule, "rule storable");
    checkStorable(event.raw, limits::Raw, "raw storable");
    checkStorable(event.dedupKey, limits::Raw, "dedup key storable");
}

void parseEveryShape(const QString& text)
{
    static const KernelLogParser kernel;
    static const ProxyDenyParser proxy;
    static const SeccompHintParser seccomp;
    static const SyslogSrtParser syslog({&proxy, &seccomp, &kernel});
    static const FalcoJsonParser falco;
    static const GenericJsonParser generic;
    for (const LineParser* parser : {static_cast<const LineParser*>(&kernel), static_cast<const LineParser*>(&proxy),
                                     static_cast<const LineParser*>(&seccomp), static_cast<const LineParser*>(&syslog)})
        parser->parse(text);
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8());
    if (document.isObject()) {
        falco.parseObject(document.object());
        generic.parseObject(document.object());
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    QBuffer device(&bytes);
    device.open(QIODevice::ReadOnly);
    // A small line limit so cutting (and the UTF-8-safe cut) happens with small inputs too.
    constexpr qint64 maxLineBytes = 200;
    LineSplitter splitter(device, 0, maxLineBytes);
    ViolationReader reader(QStringLiteral("fuzz.log"), QDateTime::fromSecsSinceEpoch(1795000000, Qt::UTC));
    ReadBatch batch;
    qint64 expectedStart = 0;
    qint64 lineNumber = 0;
    while (auto line = splitter.next(true)) {
        FUZZ_CHECK(line->startOffset == expectedStart, "lines are contiguous");
        FUZZ_CHECK(line->endOffset > line->startOffset && line->endOffset <= qint64(size), "line ends inside the data");
        FUZZ_CHECK(line->bytes.size() <= maxLineBytes, "a line is cut at the limit");
        FUZZ_CHECK(line->cut == (line->fullLength > maxLineBytes), "cut means longer than the limit");
        FUZZ_CHECK(line->bytes.size() <= line->fullLength, "kept bytes are part of the line");
        expectedStart = line->endOffset;
        reader.feed(++lineNumber, *line, batch);
        parseEveryShape(textFromBytes(line->bytes));
    }
    FUZZ_CHECK(splitter.offset() == qint64(size), "every byte is consumed");
    FUZZ_CHECK(qint64(batch.events.size() + batch.unparsed.size()) + batch.skipped == batch.lines,
               "every line is an event, unparsed or skipped");
    for (const ViolationEvent& event : batch.events)
        checkEvent(event);
    for (const UnparsedLine& unparsed : batch.unparsed)
        checkStorable(unparsed.raw, limits::Raw, "unparsed raw storable");
    return 0;
}
