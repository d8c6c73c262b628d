// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/parsers/LineParser.h"

#include <vector>

namespace ops::services::sandbox {

// Syslog lines (RFC 3164 or RFC 5424) tagged `srt`, the sandbox runtime's program name:
//   <36>Nov 23 09:00:01 devbox srt[4242]: deny network-outbound evil.example.com:443 (not allowed)
//   <36>1 2026-11-23T09:00:01Z devbox srt 4242 - - Sandbox: cat(1) deny(1) file-read-data /x/.env
// The message is parsed by the inner line parsers; machine = the syslog host. Syslog lines of other
// programs, and srt messages that are not violations ("Running: ..."), are skipped, not unparsed.
class SyslogSrtParser final : public LineParser {
public:
    // `inner` must outlive this parser.
    explicit SyslogSrtParser(std::vector<const LineParser*> inner) : m_inner(std::move(inner)) {}
    QString format() const override { return QStringLiteral("syslog-srt"); }
    ParseResult parse(const QString& line) const override;

    // RFC 3164 has no year: the year that puts the time closest before `now` (plus a day of skew).
    static QDateTime bsdTimestamp(const QString& text, const QDateTime& now);

private:
    std::vector<const LineParser*> m_inner;
};

} // namespace ops::services::sandbox
