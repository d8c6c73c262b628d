// SPDX-License-Identifier: MIT
#pragma once

// SandboxPolicy: the sandbox runtime's settings file, and for each event which rule decided it.
//
//   {"network":    {"allowedDomains": ["github.com", "*.npmjs.org"], "deniedDomains": ["evil.com"]},
//    "filesystem": {"denyRead": ["~/.ssh", "**/.env*"], "allowRead": [],
//                   "allowWrite": [".", "/tmp"], "denyWrite": [".git/hooks"]},
//    "ignoreViolations": {"*": ["/usr/bin"], "git push": ["/usr/bin/nc"]}}
//
// Semantics (as the runtime applies them): reads are allowed unless a denyRead entry matches;
// writes and network are denied unless an allow entry matches; an explicit deny always wins.
// Paths: "~" is the home directory, relative entries are under the project directory, an entry
// matches itself and everything below it, '*' and '**' are wildcards. Domains: "*.x.com" matches
// any subdomain of x.com (not x.com itself), otherwise exact; case-insensitive.
// "Allow this domain" never edits the file: proposeAllowDomain returns a diff to copy or save.

#include "common/Result.h"
#include "sandbox/ViolationEvent.h"

#include <QJsonObject>
#include <QMap>
#include <QStringList>

namespace ops::services::sandbox {

struct PolicyVerdict {
    Decision decision = Decision::Blocked;
    QString rule;          // e.g. "filesystem.denyRead: ~/.ssh", "network: not in allowedDomains"
    bool ignored = false;  // an ignoreViolations entry covers it
    QString ignoredBy;     // e.g. "ignoreViolations[\"*\"]: /usr/bin"
};

// A proposed edit of the settings file, for the user to review: never applied by the console.
struct PolicyChange {
    QString summary;            // what the change does, in words
    QString diff;               // unified diff; empty: nothing to change
    QByteArray proposedSettings;  // the whole proposed file, to save under a NEW name
};

class SandboxPolicy final {
public:
    static Result<SandboxPolicy> fromJson(const QByteArray& json, QString homeDirectory, QString projectDirectory);
    static Result<SandboxPolicy> load(const QString& path, QString homeDirectory, QString projectDirectory);

    PolicyVerdict explain(const ViolationEvent& event) const;
    // A unified diff of the settings that would allow `domain` (added to allowedDomains, removed
    // from deniedDomains). Empty when it is already allowed.
    QString proposeAllowDomain(const QString& domain) const;
    // "Allow this" for any event: network -> allowedDomains (and out of deniedDomains);
    // file write -> allowWrite (and out of denyWrite); file read / secret -> out of denyRead (an
    // explicit deny wins, so removing it is the only way). Other kinds: nothing to propose.
    PolicyChange proposeAllow(const ViolationEvent& event) const;

    // The host of a network target ("host:port", "[v6]:port").
    static QString hostOf(const QString& target);
    static bool domainMatches(const QString& pattern, const QString& host);
    bool pathMatches(const QString& pattern, const QString& path) const;

private:
    PolicyChange changeTo(const QJsonObject& after, const QString& summary) const;
    QString firstPathMatch(const QStringList& patterns, const QString& path) const;
    static QString firstDomainMatch(const QStringList& patterns, const QString& host);

    QJsonObject m_document;
    QString m_home;
    QString m_project;
    QStringList m_allowedDomains, m_deniedDomains, m_denyRead, m_allowRead, m_allowWrite, m_denyWrite;
    QMap<QString, QStringList> m_ignore;  // command pattern ("*" = all) -> paths
};

// A line-based unified diff (no context trimming beyond 3 lines) of two small texts.
QString unifiedDiff(const QString& before, const QString& after, const QString& name);

} // namespace ops::services::sandbox
