// SPDX-License-Identifier: MIT
#pragma once

// ViolationReader: turns the lines of one source (a file, in order) into events, skipped lines and
// unparsed lines. It owns one instance of every parser and picks the shape per line:
//   inside a <sandbox_violations> block -> the single-line sandbox shapes;
//   '{'                                  -> JSON: Falco's events, else our own shape;
//   otherwise                            -> syslog tagged srt, proxy refusal, seccomp hint, kernel log.
// Bad lines never stop reading: they come back as UnparsedLine with file and line number.
// Lines longer than maxParseBytes are not parsed (no parser needs more) and are reported cut.

#include "sandbox/LineSplitter.h"
#include "sandbox/ViolationEvent.h"
#include "sandbox/parsers/FalcoJsonParser.h"
#include "sandbox/parsers/GenericJsonParser.h"
#include "sandbox/parsers/KernelLogParser.h"
#include "sandbox/parsers/ProxyDenyParser.h"
#include "sandbox/parsers/SeccompHintParser.h"
#include "sandbox/parsers/SyslogSrtParser.h"
#include "sandbox/parsers/ViolationBlockParser.h"

#include <vector>

namespace ops::services::sandbox {

struct UnparsedLine {
    QString sourceName;
    qint64 lineNumber = 0;
    QString reason;
    QString raw;  // cut to limits::Raw
};

struct ReadBatch {
    std::vector<ViolationEvent> events;
    std::vector<UnparsedLine> unparsed;
    qint64 skipped = 0;  // blank lines, other programs' syslog lines, tags-only lines
    qint64 lines = 0;
    qint64 rawBytes = 0;  // of events + unparsed, to size batches
    void clear() { events.clear(); unparsed.clear(); skipped = 0; lines = 0; rawBytes = 0; }
};

class ViolationReader final {
public:
    static constexpr qint64 MaxParseBytes = 1024 * 1024;  // lines longer than this are reported, not parsed

    // `defaultTime`: for events whose line carries no time (e.g. bare seccomp hints).
    ViolationReader(QString sourceName, QDateTime defaultTime);

    // One line, in file order. Appends to `out`.
    void feed(qint64 lineNumber, const SplitLine& line, ReadBatch& out);
    // Parses one line of text (no block state, no file): for tests and the platform.
    ParseResult parseText(const QString& text) const;

private:
    ParseResult parseSingleLine(const QString& text, bool insideBlock) const;
    void addUnparsed(qint64 lineNumber, const QString& reason, const QString& raw, ReadBatch& out) const;

    QString m_sourceName;
    QDateTime m_defaultTime;
    KernelLogParser m_kernel;
    ProxyDenyParser m_proxy;
    SeccompHintParser m_seccomp;
    SyslogSrtParser m_syslog;
    FalcoJsonParser m_falco;
    GenericJsonParser m_generic;
    ViolationBlockParser m_block;
};

} // namespace ops::services::sandbox
