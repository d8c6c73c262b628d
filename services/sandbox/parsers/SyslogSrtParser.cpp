// SPDX-License-Identifier: MIT
#include "sandbox/parsers/SyslogSrtParser.h"

#include <QLocale>
#include <QRegularExpression>
#include <QTimeZone>

namespace ops::services::sandbox {

QDateTime SyslogSrtParser::bsdTimestamp(const QString& text, const QDateTime& now)
{
    const QString simplified = text.simplified();  // "Nov  3" -> "Nov 3"
    for (int year : {now.date().year(), now.date().year() - 1}) {
        QDateTime parsed = QLocale::c().toDateTime(simplified + QLatin1Char(' ') + QString::number(year),
                                                   QStringLiteral("MMM d HH:mm:ss yyyy"));
        if (!parsed.isValid())
            return {};
        parsed.setTimeZone(QTimeZone::utc());
        if (parsed <= now.addDays(1))
            return parsed;
    }
    return {};
}

ParseResult SyslogSrtParser::parse(const QString& line) const
{
    static const QRegularExpression bsd(QStringLiteral(
        R"(^(?:<\d{1,3}>)?(?<ts>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)\s+(?<host>\S{1,255})\s+(?<tag>[A-Za-z0-9_./-]{1,48})(?:\[\d{1,10}\])?:\s?(?<msg>.*)$)"));
    static const QRegularExpression ietf(QStringLiteral(
        R"(^<\d{1,3}>1 (?<ts>\S+) (?<host>\S{1,255}) (?<tag>\S{1,48}) \S{1,128} \S{1,32} (?:-|(?:\[.*?\])+) ?(?<msg>.*)$)"));
    QRegularExpressionMatch match = bsd.match(line);
    QDateTime when;
    if (match.hasMatch()) {
        when = bsdTimestamp(match.captured(u"ts"), QDateTime::currentDateTimeUtc());
    } else {
        match = ietf.match(line);
        if (!match.hasMatch())
            return ParseResult::notMine();
        when = parseTimestamp(match.captured(u"ts"));
    }
    if (match.captured(u"tag") != QLatin1String("srt"))
        return ParseResult::skip(QStringLiteral("syslog line of another program"));
    QString message = match.captured(u"msg");
    if (message.startsWith(QChar(0xFEFF)))  // RFC 5424 BOM before a UTF-8 message
        message.remove(0, 1);
    for (const LineParser* inner : m_inner) {
        ParseResult result = inner->parse(message);
        if (result.status == ParseResult::Status::NotMine)
            continue;
        if (result.status == ParseResult::Status::Event) {
            result.event.machine = match.captured(u"host");
            if (!result.event.occurredAt.isValid())
                result.event.occurredAt = when;
            result.event.sourceFormat = format() + QLatin1Char('/') + result.event.sourceFormat;
        }
        return result;
    }
    return ParseResult::skip(QStringLiteral("srt message that is not a violation"));
}

} // namespace ops::services::sandbox
