// SPDX-License-Identifier: MIT
#include "sandbox/parsers/ProxyDenyParser.h"

#include <QRegularExpression>

namespace ops::services::sandbox {

ParseResult ProxyDenyParser::parse(const QString& line) const
{
    static const QRegularExpression shape(QStringLiteral(
        R"(^(?:(?<ts>\d{4}-\d\d-\d\d[T ]\S+)\s+)?deny\s+(?<op>network-[a-z-]{1,40})\s+(?<rest>.*?)\s*$)"));
    const auto match = shape.match(line);
    if (!match.hasMatch())
        return ParseResult::notMine();
    static const QRegularExpression target(QStringLiteral(
        R"(^(?<hostport>\[[0-9A-Fa-f:.]{2,45}\]:\d{1,5}|[A-Za-z0-9._*-]{1,253}:\d{1,5})(?:\s+\((?<reason>.*)\))?$)"));
    const auto parts = target.match(match.captured(u"rest"));
    if (!parts.hasMatch())
        return ParseResult::malformed(QStringLiteral("network refusal without a host:port target"));
    const int port = parts.captured(u"hostport").section(QLatin1Char(':'), -1).toInt();
    if (port < 1 || port > 65535)
        return ParseResult::malformed(QStringLiteral("network refusal with port %1 out of range").arg(port));
    ViolationEvent event;
    event.occurredAt = parseTimestamp(match.captured(u"ts"));
    event.kind = ViolationKind::Network;
    event.operation = match.captured(u"op");
    event.target = parts.captured(u"hostport");
    event.rule = parts.captured(u"reason");
    event.decision = Decision::Blocked;
    event.severity = Severity::Medium;
    event.sourceFormat = format();
    return ParseResult::of(std::move(event));
}

} // namespace ops::services::sandbox
