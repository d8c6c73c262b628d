// SPDX-License-Identifier: MIT
#include "sandbox/parsers/KernelLogParser.h"

#include <QRegularExpression>

namespace ops::services::sandbox {

ParseResult KernelLogParser::parse(const QString& line) const
{
    static const QRegularExpression shape(QStringLiteral(
        R"(^(?:(?<ts>\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?)\s+)?)"
        R"((?:.*?\bSandbox:\s+)?(?<proc>\S.{0,255}?)\((?<pid>\d{1,10})\)\s+)"
        R"((?<decision>deny|allow)(?:\((?<count>\d{1,10})\))?\s+(?<op>[a-z][a-z0-9*-]{0,100})(?:\s+(?<target>.*?))?\s*$)"));
    const auto match = shape.match(line);
    if (!match.hasMatch())
        return ParseResult::notMine();
    ViolationEvent event;
    event.occurredAt = parseTimestamp(match.captured(u"ts"));
    event.agent = match.captured(u"proc") + QLatin1Char('(') + match.captured(u"pid") + QLatin1Char(')');
    event.operation = match.captured(u"op");
    event.target = match.captured(u"target");
    event.decision = match.captured(u"decision") == QLatin1String("deny") ? Decision::Blocked : Decision::Allowed;
    event.kind = kindFromSandboxOperation(event.operation, event.target);
    event.severity = event.kind == ViolationKind::Secret ? Severity::High : Severity::Medium;
    event.sourceFormat = format();
    return ParseResult::of(std::move(event));
}

} // namespace ops::services::sandbox
