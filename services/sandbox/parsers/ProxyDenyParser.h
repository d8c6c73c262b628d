// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/parsers/LineParser.h"

namespace ops::services::sandbox {

// The sandbox runtime's network-proxy refusals, optionally after an ISO timestamp:
//   deny network-outbound evil.example.com:443 (domain not in allowedDomains)
//   2026-11-23T09:00:01Z deny network-outbound [2001:db8::1]:22 (deniedDomains: *.example.com)
// target = host:port, rule = the reason in parentheses.
class ProxyDenyParser final : public LineParser {
public:
    QString format() const override { return QStringLiteral("srt-proxy"); }
    ParseResult parse(const QString& line) const override;
};

} // namespace ops::services::sandbox
