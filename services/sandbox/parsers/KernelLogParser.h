// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/parsers/LineParser.h"

namespace ops::services::sandbox {

// macOS kernel-log lines of the sandbox runtime (Seatbelt), optionally after a `log show`
// timestamp and prefix:
//   Sandbox: cat(48211) deny(1) file-read-data /Users/x/.ssh/id_rsa
//   2026-11-23 09:00:01.123456+0000 0x1a Error 0x0 0 0 kernel: (Sandbox) Sandbox: node(7) deny(1) network-outbound 1.2.3.4:443
// The "Sandbox:" prefix is optional (the <sandbox_violations> block carries the bare form).
class KernelLogParser final : public LineParser {
public:
    QString format() const override { return QStringLiteral("macos-kernel"); }
    ParseResult parse(const QString& line) const override;
};

} // namespace ops::services::sandbox
