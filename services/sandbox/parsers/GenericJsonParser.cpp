// SPDX-License-Identifier: MIT
#include "sandbox/parsers/GenericJsonParser.h"

namespace ops::services::sandbox {

namespace {
// A string member: absent -> fallback, present but not a string -> error.
bool stringMember(const QJsonObject& object, const char* name, QString* out, QString* error)
{
    const QJsonValue value = object.value(QLatin1String(name));
    if (value.isUndefined() || value.isNull())
        return true;
    if (!value.isString()) {
        *error = QStringLiteral("member \"%1\" is not a string").arg(QLatin1String(name));
        return false;
    }
    *out = value.toString();
    return true;
}
} // namespace

ParseResult GenericJsonParser::parseObject(const QJsonObject& object) const
{
    if (!object.contains(QLatin1String("kind")))
        return ParseResult::malformed(QStringLiteral("JSON object without \"kind\" (not our shape, nor Falco's)"));
    ViolationEvent event;
    QString error, kind, decision, severity;
    if (!stringMember(object, "kind", &kind, &error) || !stringMember(object, "target", &event.target, &error)
        || !stringMember(object, "operation", &event.operation, &error)
        || !stringMember(object, "decision", &decision, &error) || !stringMember(object, "rule", &event.rule, &error)
        || !stringMember(object, "severity", &severity, &error)
        || !stringMember(object, "machine", &event.machine, &error)
        || !stringMember(object, "agent", &event.agent, &error)
        || !stringMember(object, "session", &event.session, &error)
        || !stringMember(object, "id", &event.dedupKey, &error))
        return ParseResult::malformed(error);
    if (!kindFromName(kind, &event.kind))
        return ParseResult::malformed(QStringLiteral("unknown kind \"%1\"").arg(kind.left(40)));
    if (!object.contains(QLatin1String("target")))
        return ParseResult::malformed(QStringLiteral("JSON event without \"target\""));
    if (!decision.isEmpty() && !decisionFromName(decision, &event.decision))
        return ParseResult::malformed(QStringLiteral("unknown decision \"%1\"").arg(decision.left(40)));
    if (!severity.isEmpty() && !severityFromName(severity, &event.severity))
        return ParseResult::malformed(QStringLiteral("unknown severity \"%1\"").arg(severity.left(40)));
    const QJsonValue time = object.value(QLatin1String("time"));
    if (time.isString() || time.isDouble()) {
        event.occurredAt = parseTimestamp(time.isString() ? time.toString() : QString::number(time.toDouble(), 'f', 3));
        if (!event.occurredAt.isValid())
            return ParseResult::malformed(QStringLiteral("member \"time\" is not a timestamp"));
    } else if (!time.isUndefined() && !time.isNull()) {
        return ParseResult::malformed(QStringLiteral("member \"time\" is not a timestamp"));
    }
    const QJsonValue untrusted = object.value(QLatin1String("untrusted"));
    if (untrusted.isBool())
        event.targetUntrusted = untrusted.toBool();
    if (event.dedupKey.size() > 150)
        return ParseResult::malformed(QStringLiteral("member \"id\" is longer than 150 characters"));
    if (!event.dedupKey.isEmpty())
        event.dedupKey = QStringLiteral("id:") + event.dedupKey;
    event.sourceFormat = format();
    return ParseResult::of(std::move(event));
}

} // namespace ops::services::sandbox
