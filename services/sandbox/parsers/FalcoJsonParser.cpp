// SPDX-License-Identifier: MIT
#include "sandbox/parsers/FalcoJsonParser.h"

#include <QJsonArray>

namespace ops::services::sandbox {

namespace {
QString fieldText(const QJsonObject& fields, const char* name)
{
    const QJsonValue value = fields.value(QLatin1String(name));
    if (value.isString())
        return value.toString();
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 15);
    return {};
}

Severity severityOfPriority(const QString& priority)
{
    const QString p = priority.toLower();
    if (p == QLatin1String("emergency") || p == QLatin1String("alert") || p == QLatin1String("critical"))
        return Severity::Critical;
    if (p == QLatin1String("error"))
        return Severity::High;
    if (p == QLatin1String("warning"))
        return Severity::Medium;
    return Severity::Low;
}
} // namespace

ParseResult FalcoJsonParser::parseObject(const QJsonObject& object) const
{
    if (!object.contains(QLatin1String("rule")) || !object.contains(QLatin1String("output")))
        return ParseResult::notMine();
    if (!object.value(QLatin1String("rule")).isString() || !object.value(QLatin1String("output")).isString())
        return ParseResult::malformed(QStringLiteral("Falco event whose rule or output is not a string"));
    const QJsonObject fields = object.value(QLatin1String("output_fields")).toObject();
    QStringList tags;
    for (const QJsonValue& tag : object.value(QLatin1String("tags")).toArray())
        tags << tag.toString().toLower();

    ViolationEvent event;
    event.occurredAt = parseTimestamp(object.value(QLatin1String("time")).toString());
    event.machine = object.value(QLatin1String("hostname")).toString();
    event.agent = fieldText(fields, "proc.name");
    event.session = fieldText(fields, "container.id");
    event.rule = object.value(QLatin1String("rule")).toString();
    event.operation = fieldText(fields, "evt.type");
    event.decision = Decision::Allowed;
    event.severity = severityOfPriority(object.value(QLatin1String("priority")).toString());

    const QString ip = fieldText(fields, "fd.sip").isEmpty() ? fieldText(fields, "fd.rip") : fieldText(fields, "fd.sip");
    const QString port = fieldText(fields, "fd.sport").isEmpty() ? fieldText(fields, "fd.rport") : fieldText(fields, "fd.sport");
    const QString path = fieldText(fields, "fd.name");
    const QString type = event.operation;
    if (!ip.isEmpty() || tags.contains(QLatin1String("network"))) {
        event.kind = ViolationKind::Network;
        event.target = ip.isEmpty() ? path : (ip.contains(QLatin1Char(':')) ? QLatin1Char('[') + ip + QLatin1Char(']') : ip)
                                                 + (port.isEmpty() ? QString() : QLatin1Char(':') + port);
    } else if (tags.contains(QLatin1String("process")) || type.startsWith(QLatin1String("exec"))) {
        event.kind = ViolationKind::Process;
        event.target = fieldText(fields, "proc.cmdline").isEmpty() ? path : fieldText(fields, "proc.cmdline");
    } else {
        event.target = path;
        const bool writes = type.contains(QLatin1String("write")) || type.contains(QLatin1String("unlink"))
                            || type.contains(QLatin1String("rename")) || type.contains(QLatin1String("mkdir"))
                            || fieldText(fields, "evt.is_open_write") == QLatin1String("true");
        event.kind = writes ? ViolationKind::FileWrite
                            : (looksLikeSecretPath(path) ? ViolationKind::Secret : ViolationKind::FileRead);
    }
    if (event.target.isEmpty())
        event.target = object.value(QLatin1String("output")).toString();
    event.sourceFormat = format();
    return ParseResult::of(std::move(event));
}

} // namespace ops::services::sandbox
