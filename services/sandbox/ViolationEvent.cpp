// SPDX-License-Identifier: MIT
#include "sandbox/ViolationEvent.h"

#include <QRegularExpression>

#include <array>

namespace ops::services::sandbox {

namespace {
const std::array<const char*, 6> kKindNames{"file_read", "file_write", "network", "process", "secret", "other"};
const std::array<const char*, 2> kDecisionNames{"blocked", "allowed"};
const std::array<const char*, 4> kSeverityNames{"low", "medium", "high", "critical"};

template <typename Enum, std::size_t N>
bool fromName(const std::array<const char*, N>& names, const QString& name, Enum* out)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == QLatin1String(names[i])) {
            *out = static_cast<Enum>(i);
            return true;
        }
    }
    return false;
}
} // namespace

QString kindName(ViolationKind kind) { return QLatin1String(kKindNames[std::size_t(kind)]); }
QString decisionName(Decision decision) { return QLatin1String(kDecisionNames[std::size_t(decision)]); }
QString severityName(Severity severity) { return QLatin1String(kSeverityNames[std::size_t(severity)]); }
bool kindFromName(const QString& name, ViolationKind* kind) { return fromName(kKindNames, name, kind); }
bool decisionFromName(const QString& name, Decision* decision) { return fromName(kDecisionNames, name, decision); }
bool severityFromName(const QString& name, Severity* severity) { return fromName(kSeverityNames, name, severity); }

QString textFromBytes(const QByteArray& bytes)
{
    QString text = QString::fromUtf8(bytes);  // invalid sequences become U+FFFD
    if (text.contains(QChar(0)))
        text.replace(QChar(0), QChar(0x2400));
    return text;
}

QString clipText(const QString& text, int maxChars)
{
    if (text.size() <= maxChars)
        return text;
    const QString marker = QStringLiteral(" [cut: %1 more characters]");
    int keep = std::max(0, maxChars - 48);
    if (keep > 0 && text.at(keep - 1).isHighSurrogate())
        --keep;
    return text.left(keep) + marker.arg(text.size() - keep);
}

void ViolationEvent::clipToLimits()
{
    // JSON escapes (\u0000) can smuggle NUL past textFromBytes: PostgreSQL text cannot hold it.
    for (QString* field : {&machine, &agent, &session, &operation, &target, &rule, &raw, &sourceName, &dedupKey})
        field->replace(QChar(0), QChar(0x2400));
    machine = clipText(machine, limits::Name);
    agent = clipText(agent, limits::Name);
    session = clipText(session, limits::Name);
    operation = clipText(operation, limits::Operation);
    target = clipText(target, limits::Target);
    rule = clipText(rule, limits::Rule);
    raw = clipText(raw, limits::Raw);
    sourceName = clipText(sourceName, limits::SourceName);
    sourceFormat = sourceFormat.left(64);
}

bool looksLikeSecretPath(const QString& path)
{
    static const QRegularExpression secret(
        QStringLiteral(R"((^|/)(\.env(\.[^/]*)?|\.ssh/|id_(rsa|ecdsa|ed25519|dsa)\b|\.aws/credentials|\.netrc|\.pgpass|\.npmrc|\.pypirc|\.git-credentials|[^/]*\.(pem|key|p12|pfx)$|\.gnupg/|\.kube/config|\.docker/config\.json|secrets?(/|\.|$)|(shadow|gshadow|master\.passwd)$))"),
        QRegularExpression::CaseInsensitiveOption);
    return secret.match(path).hasMatch();
}

ViolationKind kindFromSandboxOperation(const QString& operation, const QString& target)
{
    if (operation.startsWith(QLatin1String("file-read")))
        return looksLikeSecretPath(target) ? ViolationKind::Secret : ViolationKind::FileRead;
    if (operation.startsWith(QLatin1String("file-write")) || operation.startsWith(QLatin1String("file-link"))
        || operation.startsWith(QLatin1String("file-mknod")))
        return ViolationKind::FileWrite;
    if (operation.startsWith(QLatin1String("network")) || operation.startsWith(QLatin1String("system-socket")))
        return ViolationKind::Network;
    if (operation.startsWith(QLatin1String("process")) || operation.startsWith(QLatin1String("signal")))
        return ViolationKind::Process;
    if (operation.startsWith(QLatin1String("file")))
        return looksLikeSecretPath(target) ? ViolationKind::Secret : ViolationKind::FileRead;
    return ViolationKind::Other;
}

} // namespace ops::services::sandbox
