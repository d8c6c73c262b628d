// SPDX-License-Identifier: MIT
#include "sandbox/parsers/SeccompHintParser.h"

#include <QRegularExpression>
#include <QSet>

namespace ops::services::sandbox {

namespace {
ViolationKind kindOfSyscall(const QString& syscall, const QString& path)
{
    static const QSet<QString> writes{"write", "pwrite64", "unlink", "unlinkat", "rename", "renameat", "renameat2",
                                      "mkdir", "mkdirat", "rmdir", "creat", "truncate", "ftruncate", "chmod",
                                      "fchmod", "fchmodat", "chown", "fchownat", "link", "linkat", "symlink",
                                      "symlinkat", "mknod", "mknodat", "utimensat"};
    static const QSet<QString> network{"connect", "socket", "bind", "listen", "accept", "accept4", "sendto",
                                       "sendmsg", "socketpair"};
    static const QSet<QString> process{"execve", "execveat", "ptrace", "kill", "tkill", "tgkill", "clone",
                                       "clone3", "fork", "vfork", "process_vm_readv", "process_vm_writev"};
    if (writes.contains(syscall))
        return ViolationKind::FileWrite;
    if (network.contains(syscall))
        return ViolationKind::Network;
    if (process.contains(syscall))
        return ViolationKind::Process;
    return looksLikeSecretPath(path) ? ViolationKind::Secret : ViolationKind::FileRead;
}
} // namespace

ParseResult SeccompHintParser::parse(const QString& line) const
{
    static const QRegularExpression shape(QStringLiteral(
        R"(^(?:(?<ts>\d{4}-\d\d-\d\d[T ]\S+)\s+)?deny\s+(?<syscall>[a-z_][a-z0-9_]{0,40})(?:\s+(?<path>.*))?$)"));
    const auto match = shape.match(line);
    if (!match.hasMatch())
        return ParseResult::notMine();
    ViolationEvent event;
    event.occurredAt = parseTimestamp(match.captured(u"ts"));
    event.operation = match.captured(u"syscall");
    event.target = match.captured(u"path");
    event.targetUntrusted = true;
    event.kind = kindOfSyscall(event.operation, event.target);
    event.severity = event.kind == ViolationKind::Secret ? Severity::High : Severity::Medium;
    event.decision = Decision::Blocked;
    event.sourceFormat = format();
    return ParseResult::of(std::move(event));
}

} // namespace ops::services::sandbox
