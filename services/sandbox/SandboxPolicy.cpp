// SPDX-License-Identifier: MIT
#include "sandbox/SandboxPolicy.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include <functional>
#include <vector>

namespace ops::services::sandbox {

namespace {
Result<QStringList> stringList(const QJsonObject& object, const char* key, const QString& where)
{
    const QJsonValue value = object.value(QLatin1String(key));
    if (value.isUndefined() || value.isNull())
        return QStringList();
    if (!value.isArray())
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("%1.%2 must be an array of strings").arg(where, QLatin1String(key)));
    QStringList list;
    for (const QJsonValue& item : value.toArray()) {
        if (!item.isString())
            return Error::make(ErrorKind::InvalidInput, QStringLiteral("%1.%2 must be an array of strings").arg(where, QLatin1String(key)));
        list << item.toString();
    }
    return list;
}
} // namespace

QString SandboxPolicy::hostOf(const QString& target)
{
    if (target.startsWith(QLatin1Char('[')))
        return target.mid(1, target.indexOf(QLatin1Char(']')) - 1);
    const int colon = target.lastIndexOf(QLatin1Char(':'));
    return colon > 0 ? target.left(colon) : target;
}

Result<SandboxPolicy> SandboxPolicy::fromJson(const QByteArray& json, QString homeDirectory, QString projectDirectory)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("sandbox settings are not a JSON object: %1 at offset %2")
                                                        .arg(error.errorString()).arg(error.offset));
    SandboxPolicy policy;
    policy.m_document = document.object();
    policy.m_home = QDir::cleanPath(homeDirectory);
    policy.m_project = QDir::cleanPath(projectDirectory);
    const QJsonObject network = policy.m_document.value(QLatin1String("network")).toObject();
    const QJsonObject filesystem = policy.m_document.value(QLatin1String("filesystem")).toObject();
    struct Field { QStringList* out; const QJsonObject* object; const char* key; const char* where; };
    const Field fields[] = {{&policy.m_allowedDomains, &network, "allowedDomains", "network"},
                            {&policy.m_deniedDomains, &network, "deniedDomains", "network"},
                            {&policy.m_denyRead, &filesystem, "denyRead", "filesystem"},
                            {&policy.m_allowRead, &filesystem, "allowRead", "filesystem"},
                            {&policy.m_allowWrite, &filesystem, "allowWrite", "filesystem"},
                            {&policy.m_denyWrite, &filesystem, "denyWrite", "filesystem"}};
    for (const Field& field : fields) {
        auto list = stringList(*field.object, field.key, QLatin1String(field.where));
        if (!list)
            return list.error();
        *field.out = list.value();
    }
    const QJsonObject ignore = policy.m_document.value(QLatin1String("ignoreViolations")).toObject();
    for (auto it = ignore.begin(); it != ignore.end(); ++it) {
        auto list = stringList(ignore, it.key().toUtf8().constData(), QStringLiteral("ignoreViolations"));
        if (!list)
            return list.error();
        policy.m_ignore.insert(it.key(), list.value());
    }
    return policy;
}

Result<SandboxPolicy> SandboxPolicy::load(const QString& path, QString homeDirectory, QString projectDirectory)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(ErrorKind::Io, QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    return fromJson(file.read(4 * 1024 * 1024), std::move(homeDirectory), std::move(projectDirectory));
}

bool SandboxPolicy::domainMatches(const QString& pattern, const QString& host)
{
    const QString p = pattern.toLower();
    const QString h = host.toLower();
    if (p.startsWith(QLatin1String("*.")))
        return h.endsWith(p.mid(1)) && h.size() > p.size() - 1;
    return p == h;
}

bool SandboxPolicy::pathMatches(const QString& pattern, const QString& path) const
{
    QString expanded = pattern;
    if (expanded == QLatin1String("~") || expanded.startsWith(QLatin1String("~/")))
        expanded = m_home + expanded.mid(1);
    else if (!expanded.startsWith(QLatin1Char('/')) && !expanded.startsWith(QLatin1String("**")))
        expanded = m_project + QLatin1Char('/') + expanded;
    expanded = QDir::cleanPath(expanded);
    const QString cleanPath = QDir::cleanPath(path);
    if (!expanded.contains(QLatin1Char('*')))
        return cleanPath == expanded || cleanPath.startsWith(expanded + QLatin1Char('/'));
    // '**' crosses directories, '*' does not; the match also covers everything below.
    QString regex;
    for (int i = 0; i < expanded.size(); ++i) {
        if (expanded.mid(i, 3) == QLatin1String("**/")) {
            regex += QStringLiteral("(?:.*/)?");
            i += 2;
        } else if (expanded.mid(i, 2) == QLatin1String("**")) {
            regex += QStringLiteral(".*");
            ++i;
        } else if (expanded.at(i) == QLatin1Char('*')) {
            regex += QStringLiteral("[^/]*");
        } else {
            regex += QRegularExpression::escape(QString(expanded.at(i)));
        }
    }
    const QRegularExpression re(QStringLiteral("^") + regex + QStringLiteral("(?:/.*)?$"));
    return re.match(cleanPath).hasMatch();
}

QString SandboxPolicy::firstPathMatch(const QStringList& patterns, const QString& path) const
{
    for (const QString& pattern : patterns)
        if (pathMatches(pattern, path))
            return pattern;
    return {};
}

QString SandboxPolicy::firstDomainMatch(const QStringList& patterns, const QString& host)
{
    for (const QString& pattern : patterns)
        if (domainMatches(pattern, host))
            return pattern;
    return {};
}

PolicyVerdict SandboxPolicy::explain(const ViolationEvent& event) const
{
    PolicyVerdict verdict;
    switch (event.kind) {
    case ViolationKind::Network: {
        const QString host = hostOf(event.target);
        if (const QString denied = firstDomainMatch(m_deniedDomains, host); !denied.isEmpty()) {
            verdict.rule = QStringLiteral("network.deniedDomains: ") + denied;
        } else if (const QString allowed = firstDomainMatch(m_allowedDomains, host); !allowed.isEmpty()) {
            verdict.decision = Decision::Allowed;
            verdict.rule = QStringLiteral("network.allowedDomains: ") + allowed;
        } else {
            verdict.rule = QStringLiteral("network: %1 is not in allowedDomains").arg(host);
        }
        break;
    }
    case ViolationKind::FileWrite: {
        if (const QString denied = firstPathMatch(m_denyWrite, event.target); !denied.isEmpty()) {
            verdict.rule = QStringLiteral("filesystem.denyWrite: ") + denied;
        } else if (const QString allowed = firstPathMatch(m_allowWrite, event.target); !allowed.isEmpty()) {
            verdict.decision = Decision::Allowed;
            verdict.rule = QStringLiteral("filesystem.allowWrite: ") + allowed;
        } else {
            verdict.rule = QStringLiteral("filesystem: writes are denied unless in allowWrite");
        }
        break;
    }
    case ViolationKind::FileRead:
    case ViolationKind::Secret: {
        if (const QString denied = firstPathMatch(m_denyRead, event.target); !denied.isEmpty()) {
            verdict.rule = QStringLiteral("filesystem.denyRead: ") + denied;
        } else {
            verdict.decision = Decision::Allowed;
            const QString allowed = firstPathMatch(m_allowRead, event.target);
            verdict.rule = allowed.isEmpty() ? QStringLiteral("filesystem: reads are allowed unless in denyRead")
                                             : QStringLiteral("filesystem.allowRead: ") + allowed;
        }
        break;
    }
    case ViolationKind::Process:
    case ViolationKind::Other:
        verdict.rule = event.rule.isEmpty() ? QStringLiteral("not covered by the settings file") : event.rule;
        verdict.decision = event.decision;
        break;
    }
    const QString command = event.agent.section(QLatin1Char('('), 0, 0);
    for (auto it = m_ignore.begin(); it != m_ignore.end() && !verdict.ignored; ++it) {
        if (it.key() != QLatin1String("*") && !command.startsWith(it.key().section(QLatin1Char(' '), 0, 0)))
            continue;
        for (const QString& path : it.value()) {
            if (pathMatches(path, event.target)) {
                verdict.ignored = true;
                verdict.ignoredBy = QStringLiteral("ignoreViolations[\"%1\"]: %2").arg(it.key(), path);
                break;
            }
        }
    }
    return verdict;
}

QString SandboxPolicy::proposeAllowDomain(const QString& domain) const
{
    ViolationEvent event;
    event.kind = ViolationKind::Network;
    event.target = domain;
    return proposeAllow(event).diff;
}

PolicyChange SandboxPolicy::changeTo(const QJsonObject& after, const QString& summary) const
{
    PolicyChange change;
    change.proposedSettings = QJsonDocument(after).toJson(QJsonDocument::Indented);
    change.diff = unifiedDiff(QString::fromUtf8(QJsonDocument(m_document).toJson(QJsonDocument::Indented)),
                              QString::fromUtf8(change.proposedSettings), QStringLiteral("settings.json"));
    change.summary = change.diff.isEmpty() ? QStringLiteral("Already allowed: nothing to change.") : summary;
    return change;
}

PolicyChange SandboxPolicy::proposeAllow(const ViolationEvent& event) const
{
    // Edits one list of one section: `add` appended when no entry covers it yet, entries that
    // `remove` matches dropped.
    auto edit = [this](const char* section, const char* addTo, const QString& add, const char* removeFrom,
                       const std::function<bool(const QString&)>& remove) {
        QJsonObject after = m_document;
        QJsonObject part = after.value(QLatin1String(section)).toObject();
        if (addTo) {
            QJsonArray list = part.value(QLatin1String(addTo)).toArray();
            bool covered = false;
            for (const QJsonValue& value : list)
                covered = covered || (QLatin1String(section) == QLatin1String("network")
                                          ? domainMatches(value.toString(), add) : pathMatches(value.toString(), add));
            if (!covered)
                list.append(add);
            part.insert(QLatin1String(addTo), list);
        }
        if (part.contains(QLatin1String(removeFrom))) {
            QJsonArray kept;
            for (const QJsonValue& value : part.value(QLatin1String(removeFrom)).toArray())
                if (!remove(value.toString()))
                    kept.append(value);
            part.insert(QLatin1String(removeFrom), kept);
        }
        after.insert(QLatin1String(section), part);
        return after;
    };
    switch (event.kind) {
    case ViolationKind::Network: {
        const QString host = hostOf(event.target).toLower();
        return changeTo(edit("network", "allowedDomains", host, "deniedDomains",
                             [&](const QString& pattern) { return domainMatches(pattern, host); }),
                        QStringLiteral("Allow the domain %1: add it to network.allowedDomains and drop the "
                                       "deniedDomains entries that match it.").arg(host));
    }
    case ViolationKind::FileWrite:
        return changeTo(edit("filesystem", "allowWrite", event.target, "denyWrite",
                             [&](const QString& pattern) { return pathMatches(pattern, event.target); }),
                        QStringLiteral("Allow writing %1: add it to filesystem.allowWrite and drop the denyWrite "
                                       "entries that match it.").arg(event.target));
    case ViolationKind::FileRead:
    case ViolationKind::Secret:
        return changeTo(edit("filesystem", nullptr, {}, "denyRead",
                             [&](const QString& pattern) { return pathMatches(pattern, event.target); }),
                        QStringLiteral("Allow reading %1: an explicit deny wins, so the filesystem.denyRead entries "
                                       "that match it are dropped (this also allows every other path they covered).")
                            .arg(event.target));
    case ViolationKind::Process:
    case ViolationKind::Other:
        break;
    }
    return PolicyChange{QStringLiteral("The settings file has no entry for this kind of event: nothing to propose."), {}, {}};
}

QString unifiedDiff(const QString& before, const QString& after, const QString& name)
{
    const QStringList a = before.split(QLatin1Char('\n'));
    const QStringList b = after.split(QLatin1Char('\n'));
    // LCS table: settings files are small.
    const qsizetype n = a.size(), m = b.size();
    std::vector<std::vector<int>> lcs(n + 1, std::vector<int>(m + 1, 0));
    for (qsizetype i = n - 1; i >= 0; --i)
        for (qsizetype j = m - 1; j >= 0; --j)
            lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    QStringList lines{QStringLiteral("--- a/") + name, QStringLiteral("+++ b/") + name,
                      QStringLiteral("@@ -1,%1 +1,%2 @@").arg(n).arg(m)};
    qsizetype i = 0, j = 0;
    bool changed = false;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j]) {
            lines << QLatin1Char(' ') + a[i];
            ++i;
            ++j;
        } else if (j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j])) {
            lines << QLatin1Char('+') + b[j++];
            changed = true;
        } else {
            lines << QLatin1Char('-') + a[i++];
            changed = true;
        }
    }
    return changed ? lines.join(QLatin1Char('\n')) + QLatin1Char('\n') : QString();
}

} // namespace ops::services::sandbox
