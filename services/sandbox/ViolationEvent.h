// SPDX-License-Identifier: MIT
#pragma once

// ViolationEvent: one thing the sandbox decided (usually blocked), whatever shape it arrived in.
// Every parser produces this struct; ViolationStore writes it to ops.sandbox_violations.
// Text fields hold outside text verbatim (control characters, markup, U+FFFD for invalid UTF-8,
// U+2400 for NUL, which PostgreSQL text cannot hold): show them only as plain text.

#include <QDateTime>
#include <QString>

namespace ops::services::sandbox {

enum class ViolationKind { FileRead, FileWrite, Network, Process, Secret, Other };
enum class Decision { Blocked, Allowed };
enum class Severity { Low, Medium, High, Critical };

// Names as stored in the database (CHECK constraints in 0004_sandbox.sql).
QString kindName(ViolationKind kind);
QString decisionName(Decision decision);
QString severityName(Severity severity);
bool kindFromName(const QString& name, ViolationKind* kind);
bool decisionFromName(const QString& name, Decision* decision);
bool severityFromName(const QString& name, Severity* severity);

struct ViolationEvent {
    QDateTime occurredAt;          // invalid: unknown (the reader fills in its default time)
    QString machine;
    QString agent;                 // the process or agent that tried (e.g. "cat", "claude")
    QString session;
    ViolationKind kind = ViolationKind::Other;
    QString operation;             // e.g. file-read-data, network-outbound, openat
    QString target;                // a path, or host:port
    bool targetUntrusted = false;  // chosen by the sandboxed process (seccomp hints): never trust it
    QString rule;                  // the rule (or reason) that decided it, when the source says
    Decision decision = Decision::Blocked;
    Severity severity = Severity::Medium;
    QString sourceFormat;          // the parser's name
    QString sourceName;            // file path, or "platform"
    qint64 sourceLine = 0;         // 1-based line in sourceName, 0 when not from a file
    QString raw;                   // the original line
    QString dedupKey;              // empty: none (always inserted)

    // Cuts every field to the database's limits (a hostile line cannot make an insert fail).
    void clipToLimits();
};

// Column limits, mirrored from the CHECK constraints of 0004_sandbox.sql.
namespace limits {
inline constexpr int Name = 256;         // machine, agent, session
inline constexpr int Operation = 512;
inline constexpr int Target = 8192;
inline constexpr int Rule = 1024;
inline constexpr int Raw = 64 * 1024;    // raw text kept per event or unparsed line
inline constexpr int SourceName = 4096;
} // namespace limits

// Outside bytes as text: invalid UTF-8 becomes U+FFFD, NUL becomes U+2400 (PostgreSQL text cannot
// hold NUL); everything else, control characters and markup included, is kept as it is.
QString textFromBytes(const QByteArray& bytes);
// `text` cut to at most `maxChars` UTF-16 units, never in the middle of a surrogate pair, with a
// marker saying how much was cut.
QString clipText(const QString& text, int maxChars);

// Heuristic used by all parsers: a path that looks like a secret (.env files, ssh keys,
// credentials) turns a file read into kind Secret with high severity.
bool looksLikeSecretPath(const QString& path);
// The kind of a macOS sandbox operation name such as file-read-data or network-outbound.
ViolationKind kindFromSandboxOperation(const QString& operation, const QString& target);

} // namespace ops::services::sandbox
