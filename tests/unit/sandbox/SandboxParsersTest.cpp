// SPDX-License-Identifier: MIT
// The sandbox parsers on sample files of every shape (tests/data/sandbox), including malformed and
// hostile lines, and the line splitter on over-long and partial lines.
#include "sandbox/LineSplitter.h"
#include "sandbox/ViolationReader.h"

#include <QBuffer>
#include <QFile>
#include <QTemporaryFile>

#include <gtest/gtest.h>

using namespace ops::services::sandbox;

namespace {

const QDateTime kDefaultTime = QDateTime::fromString(QStringLiteral("2026-11-23T12:00:00Z"), Qt::ISODate);

ReadBatch readDevice(QIODevice& device, const QString& name, bool takePartial = true)
{
    ReadBatch batch;
    ViolationReader reader(name, kDefaultTime);
    LineSplitter splitter(device, 0, ViolationReader::MaxParseBytes);
    qint64 lineNumber = 0;
    while (auto line = splitter.next(takePartial))
        reader.feed(++lineNumber, *line, batch);
    return batch;
}

ReadBatch readSample(const char* name)
{
    QFile file(QStringLiteral(OPS_TEST_DATA "/sandbox/") + QLatin1String(name));
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << name;
    return readDevice(file, file.fileName());
}

QString describe(const ReadBatch& batch)
{
    QString text;
    for (const auto& u : batch.unparsed)
        text += QStringLiteral("unparsed %1: %2 | %3\n").arg(u.lineNumber).arg(u.reason, u.raw.left(120));
    for (const auto& e : batch.events)
        text += QStringLiteral("event %1: %2 %3 %4\n").arg(e.sourceLine).arg(kindName(e.kind), e.operation, e.target.left(120));
    return text;
}

} // namespace

TEST(SandboxParsers, MacosKernelLogLines)
{
    const ReadBatch batch = readSample("macos-kernel.log");
    ASSERT_EQ(batch.events.size(), 6u) << describe(batch).toStdString();
    ASSERT_EQ(batch.unparsed.size(), 1u);
    EXPECT_EQ(batch.unparsed[0].lineNumber, 7);
    const ViolationEvent& first = batch.events[0];
    EXPECT_EQ(first.kind, ViolationKind::Secret);
    EXPECT_EQ(first.agent, QStringLiteral("cat(48211)"));
    EXPECT_EQ(first.operation, QStringLiteral("file-read-data"));
    EXPECT_EQ(first.target, QStringLiteral("/Users/x/.ssh/id_rsa"));
    EXPECT_EQ(first.decision, Decision::Blocked);
    EXPECT_EQ(first.occurredAt, kDefaultTime);  // no time on the line
    EXPECT_EQ(first.sourceLine, 1);
    EXPECT_EQ(batch.events[1].kind, ViolationKind::FileWrite);
    EXPECT_EQ(batch.events[1].occurredAt, QDateTime::fromString(QStringLiteral("2026-11-23T17:00:01.123Z"), Qt::ISODateWithMs));
    EXPECT_EQ(batch.events[2].kind, ViolationKind::Network);
    EXPECT_EQ(batch.events[2].target, QStringLiteral("93.184.216.34:443"));
    EXPECT_EQ(batch.events[3].kind, ViolationKind::Secret);
    EXPECT_EQ(batch.events[4].kind, ViolationKind::Process);
    EXPECT_EQ(batch.events[4].agent, QStringLiteral("my tool (v2)(7004)"));
    EXPECT_EQ(batch.events[5].kind, ViolationKind::FileRead);
}

TEST(SandboxParsers, ProxyRefusals)
{
    const ReadBatch batch = readSample("srt-proxy.log");
    ASSERT_EQ(batch.events.size(), 4u) << describe(batch).toStdString();
    ASSERT_EQ(batch.unparsed.size(), 2u);
    EXPECT_EQ(batch.events[0].target, QStringLiteral("evil.example.com:443"));
    EXPECT_EQ(batch.events[0].rule, QStringLiteral("domain not in allowedDomains"));
    EXPECT_EQ(batch.events[0].kind, ViolationKind::Network);
    EXPECT_EQ(batch.events[1].occurredAt, QDateTime::fromString(QStringLiteral("2026-11-23T09:00:03Z"), Qt::ISODate));
    EXPECT_EQ(batch.events[2].target, QStringLiteral("[2001:db8::1]:22"));
    EXPECT_TRUE(batch.events[3].rule.isEmpty());
    EXPECT_TRUE(batch.unparsed[1].reason.contains(QStringLiteral("out of range")));
}

TEST(SandboxParsers, SeccompHintsAreMarkedUntrusted)
{
    const ReadBatch batch = readSample("srt-seccomp.log");
    ASSERT_EQ(batch.events.size(), 6u) << describe(batch).toStdString();
    for (const ViolationEvent& event : batch.events)
        EXPECT_TRUE(event.targetUntrusted) << event.raw.toStdString();
    EXPECT_EQ(batch.events[0].kind, ViolationKind::Secret);
    EXPECT_EQ(batch.events[1].kind, ViolationKind::FileWrite);
    EXPECT_EQ(batch.events[2].kind, ViolationKind::Network);
    EXPECT_EQ(batch.events[3].kind, ViolationKind::Process);
    EXPECT_EQ(batch.events[4].target, QStringLiteral("/tmp/<script>alert(1)</script>"));
    EXPECT_TRUE(batch.events[5].target.isEmpty());
}

TEST(SandboxParsers, ViolationsBlockInCommandErrorOutput)
{
    const ReadBatch batch = readSample("srt-stderr.txt");
    ASSERT_EQ(batch.events.size(), 3u) << describe(batch).toStdString();
    EXPECT_EQ(batch.events[0].sourceLine, 3);
    EXPECT_TRUE(batch.events[0].sourceFormat.startsWith(QStringLiteral("srt-block/")));
    EXPECT_EQ(batch.events[1].kind, ViolationKind::Network);
    EXPECT_EQ(batch.events[2].sourceLine, 8);
    EXPECT_EQ(batch.events[2].target, QStringLiteral("evil.example.com:443"));
    EXPECT_EQ(batch.skipped, 2);  // the tag-only lines
    ASSERT_EQ(batch.unparsed.size(), 3u);
    EXPECT_EQ(batch.unparsed[1].lineNumber, 5);
    EXPECT_TRUE(batch.unparsed[1].reason.contains(QStringLiteral("inside")));
}

TEST(SandboxParsers, SyslogTaggedSrt)
{
    const ReadBatch batch = readSample("syslog-srt.log");
    ASSERT_EQ(batch.events.size(), 3u) << describe(batch).toStdString();
    EXPECT_EQ(batch.skipped, 2);
    EXPECT_TRUE(batch.unparsed.empty());
    EXPECT_EQ(batch.events[0].machine, QStringLiteral("devbox"));
    EXPECT_EQ(batch.events[0].kind, ViolationKind::Network);
    EXPECT_EQ(batch.events[0].occurredAt.time(), QTime(9, 0, 1));
    EXPECT_EQ(batch.events[1].kind, ViolationKind::Secret);
    EXPECT_EQ(batch.events[2].occurredAt, QDateTime::fromString(QStringLiteral("2026-11-23T09:00:03Z"), Qt::ISODate));
    EXPECT_EQ(batch.events[2].kind, ViolationKind::Secret);  // /etc/shadow
    EXPECT_TRUE(batch.events[2].targetUntrusted);
}

TEST(SandboxParsers, FalcoEvents)
{
    const ReadBatch batch = readSample("falco.jsonl");
    ASSERT_EQ(batch.events.size(), 4u) << describe(batch).toStdString();
    ASSERT_EQ(batch.unparsed.size(), 1u);
    EXPECT_EQ(batch.unparsed[0].lineNumber, 5);
    EXPECT_EQ(batch.events[0].kind, ViolationKind::Secret);
    EXPECT_EQ(batch.events[0].rule, QStringLiteral("Read sensitive file untrusted"));
    EXPECT_EQ(batch.events[0].decision, Decision::Allowed);
    EXPECT_EQ(batch.events[0].machine, QStringLiteral("devbox"));
    EXPECT_EQ(batch.events[0].occurredAt, QDateTime::fromString(QStringLiteral("2026-11-23T09:00:05.123Z"), Qt::ISODateWithMs));
    EXPECT_EQ(batch.events[1].kind, ViolationKind::Network);
    EXPECT_EQ(batch.events[1].target, QStringLiteral("203.0.113.9:4444"));
    EXPECT_EQ(batch.events[1].severity, Severity::Low);
    EXPECT_EQ(batch.events[2].kind, ViolationKind::FileWrite);
    EXPECT_EQ(batch.events[2].severity, Severity::High);
    EXPECT_EQ(batch.events[3].kind, ViolationKind::Process);
    EXPECT_EQ(batch.events[3].severity, Severity::Critical);
}

TEST(SandboxParsers, OurGenericJsonShape)
{
    const ReadBatch batch = readSample("ops-events.jsonl");
    ASSERT_EQ(batch.events.size(), 3u) << describe(batch).toStdString();
    ASSERT_EQ(batch.unparsed.size(), 5u);
    const ViolationEvent& first = batch.events[0];
    EXPECT_EQ(first.kind, ViolationKind::Secret);
    EXPECT_EQ(first.severity, Severity::High);
    EXPECT_EQ(first.agent, QStringLiteral("claude-code"));
    EXPECT_EQ(first.session, QStringLiteral("s-42"));
    EXPECT_EQ(first.dedupKey, QStringLiteral("id:evt-0001"));
    EXPECT_EQ(batch.events[1].occurredAt.toSecsSinceEpoch(), 1795424411);
    EXPECT_EQ(batch.events[2].decision, Decision::Allowed);
    EXPECT_EQ(batch.events[2].occurredAt, kDefaultTime);
    QStringList lines;
    for (const UnparsedLine& u : batch.unparsed)
        lines << QString::number(u.lineNumber);
    EXPECT_EQ(lines.join(QLatin1Char(',')), QStringLiteral("4,5,6,7,8"));
    EXPECT_TRUE(batch.unparsed[0].reason.contains(QStringLiteral("teleport")));
    EXPECT_TRUE(batch.unparsed[4].reason.contains(QStringLiteral("invalid JSON")));
}

TEST(SandboxParsers, HostileLinesAreKeptAsText)
{
    const ReadBatch batch = readSample("hostile.txt");
    ASSERT_EQ(batch.events.size(), 8u) << describe(batch).toStdString();
    EXPECT_EQ(batch.unparsed.size(), 2u);
    EXPECT_EQ(batch.skipped, 2);
    EXPECT_EQ(batch.events[0].target, QStringLiteral("/tmp/<img src=x onerror=alert(1)>"));
    EXPECT_TRUE(batch.events[1].target.contains(QChar(0x1b)));  // ANSI escapes kept verbatim
    EXPECT_EQ(batch.events[2].target, QStringLiteral("/tmp/nul") + QChar(0x2400) + QStringLiteral("byte"));
    EXPECT_TRUE(batch.events[3].target.contains(QChar(0xFFFD)));
    EXPECT_EQ(batch.events[4].target, QStringLiteral("/tmp/crlf"));
    EXPECT_TRUE(batch.events[5].target.contains(QChar(0x202E)));
    EXPECT_FALSE(batch.events[6].target.contains(QChar(0)));  // \u0000 in JSON
    EXPECT_EQ(batch.events[7].target, QStringLiteral("partial.example.com:443"));
    for (const ViolationEvent& event : batch.events) {
        EXPECT_FALSE(event.raw.contains(QChar(0)));
        EXPECT_FALSE(event.target.contains(QChar(0)));
    }
    for (const UnparsedLine& line : batch.unparsed)
        EXPECT_FALSE(line.raw.contains(QChar(0)));
}

TEST(SandboxParsers, TenMegabyteLineIsCutAndReadingGoesOn)
{
    QByteArray data = "deny openat /";
    data += QByteArray(10 * 1024 * 1024, 'a');
    data += "\n";
    // A long line of 3-byte characters: the cut must not split one.
    QByteArray euro;
    for (int i = 0; i < 400000; ++i)
        euro += "\xe2\x82\xac";
    data += euro + "\n";
    data += "deny openat /after\n";
    QBuffer buffer(&data);
    ASSERT_TRUE(buffer.open(QIODevice::ReadOnly));
    const ReadBatch batch = readDevice(buffer, QStringLiteral("big"));
    ASSERT_EQ(batch.unparsed.size(), 2u) << describe(batch).toStdString();
    EXPECT_EQ(batch.unparsed[0].lineNumber, 1);
    EXPECT_TRUE(batch.unparsed[0].reason.contains(QStringLiteral("10485773 bytes")));
    EXPECT_LE(batch.unparsed[0].raw.size(), limits::Raw);
    EXPECT_TRUE(batch.unparsed[0].raw.startsWith(QStringLiteral("deny openat /aaa")));
    EXPECT_EQ(batch.unparsed[1].lineNumber, 2);
    EXPECT_FALSE(batch.unparsed[1].raw.contains(QChar(0xFFFD)));
    ASSERT_EQ(batch.events.size(), 1u);
    EXPECT_EQ(batch.events[0].sourceLine, 3);
    EXPECT_EQ(batch.events[0].target, QStringLiteral("/after"));
}

TEST(LineSplitter, PartialLastLineIsLeftForTheNextPoll)
{
    QByteArray data = "one\ntwo\nthr";
    QBuffer buffer(&data);
    ASSERT_TRUE(buffer.open(QIODevice::ReadOnly));
    LineSplitter splitter(buffer, 0, 1024);
    auto first = splitter.next(false);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->bytes, QByteArray("one"));
    EXPECT_EQ(first->endOffset, 4);
    ASSERT_TRUE(splitter.next(false));
    EXPECT_FALSE(splitter.next(false));
    EXPECT_EQ(splitter.offset(), 8);
}

TEST(LineSplitter, OverLongLineCostsBoundedMemoryAndKeepsOffsetsExact)
{
    QByteArray data = QByteArray(5000, 'x') + "\n\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\nend\n";
    QBuffer buffer(&data);
    ASSERT_TRUE(buffer.open(QIODevice::ReadOnly));
    LineSplitter splitter(buffer, 0, 5);
    auto line = splitter.next(false);
    ASSERT_TRUE(line);
    EXPECT_TRUE(line->cut);
    EXPECT_EQ(line->bytes.size(), 5);
    EXPECT_EQ(line->fullLength, 5000);
    EXPECT_EQ(line->endOffset, 5001);
    line = splitter.next(false);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->bytes, QByteArray("\xc3\xa9\xc3\xa9"));  // cut before the half character
    line = splitter.next(false);
    ASSERT_TRUE(line);
    EXPECT_EQ(line->bytes, QByteArray("end"));
    EXPECT_EQ(line->endOffset, data.size());
}
