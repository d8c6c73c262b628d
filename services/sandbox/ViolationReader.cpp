// SPDX-License-Identifier: MIT
#include "sandbox/ViolationReader.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <array>

namespace ops::services::sandbox {

ViolationReader::ViolationReader(QString sourceName, QDateTime defaultTime)
    : m_sourceName(std::move(sourceName))
    , m_defaultTime(std::move(defaultTime))
    , m_syslog({&m_proxy, &m_seccomp, &m_kernel})
{
}

ParseResult ViolationReader::parseSingleLine(const QString& text, bool insideBlock) const
{
    if (!insideBlock && text.startsWith(QLatin1Char('{'))) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !document.isObject())
            return ParseResult::malformed(QStringLiteral("invalid JSON at offset %1: %2")
                                              .arg(error.offset).arg(error.errorString()));
        const QJsonObject object = document.object();
        ParseResult falco = m_falco.parseObject(object);
        if (falco.status != ParseResult::Status::NotMine)
            return falco;
        return m_generic.parseObject(object);
    }
    const std::array<const LineParser*, 4> parsers{insideBlock ? nullptr : &m_syslog, &m_proxy, &m_seccomp, &m_kernel};
    for (const LineParser* parser : parsers) {
        if (!parser)
            continue;
        ParseResult result = parser->parse(text);
        if (result.status != ParseResult::Status::NotMine)
            return result;
    }
    return ParseResult::malformed(insideBlock ? QStringLiteral("line inside <sandbox_violations> is not a violation")
                                              : QStringLiteral("not a known violation shape"));
}

ParseResult ViolationReader::parseText(const QString& text) const
{
    return parseSingleLine(text, false);
}

void ViolationReader::addUnparsed(qint64 lineNumber, const QString& reason, const QString& raw, ReadBatch& out) const
{
    UnparsedLine unparsed{m_sourceName, lineNumber, reason, clipText(raw, limits::Raw)};
    out.rawBytes += unparsed.raw.size() * 2;
    out.unparsed.push_back(std::move(unparsed));
}

void ViolationReader::feed(qint64 lineNumber, const SplitLine& line, ReadBatch& out)
{
    ++out.lines;
    if (line.fullLength > MaxParseBytes) {
        // Never parsed: keep its beginning as text (at most limits::Raw characters).
        const QString start = textFromBytes(utf8Prefix(line.bytes, limits::Raw * 2));
        addUnparsed(lineNumber,
                    QStringLiteral("line of %1 bytes is longer than the %2-byte limit; its start is kept")
                        .arg(line.fullLength).arg(MaxParseBytes),
                    start, out);
        // An over-long line may still open or close a block: keep the block state right.
        m_block.feed(start);
        return;
    }
    const QString text = textFromBytes(line.bytes);
    const ViolationBlockParser::Piece piece = m_block.feed(text);
    if (piece.inBlock && piece.tagOnly) {
        ++out.skipped;
        return;
    }
    const QString content = piece.inBlock ? piece.content : text;
    if (content.trimmed().isEmpty()) {
        ++out.skipped;
        return;
    }
    ParseResult result = parseSingleLine(piece.inBlock ? content.trimmed() : content, piece.inBlock);
    switch (result.status) {
    case ParseResult::Status::Event: {
        ViolationEvent& event = result.event;
        if (piece.inBlock)
            event.sourceFormat = ViolationBlockParser::format() + QLatin1Char('/') + event.sourceFormat;
        if (!event.occurredAt.isValid())
            event.occurredAt = m_defaultTime;
        event.sourceName = m_sourceName;
        event.sourceLine = lineNumber;
        event.raw = text;
        event.clipToLimits();
        out.rawBytes += event.raw.size() * 2 + event.target.size() * 2 + 256;
        out.events.push_back(std::move(event));
        return;
    }
    case ParseResult::Status::Skip:
        ++out.skipped;
        return;
    case ParseResult::Status::Malformed:
    case ParseResult::Status::NotMine:
        addUnparsed(lineNumber, result.reason, text, out);
        return;
    }
}

} // namespace ops::services::sandbox
