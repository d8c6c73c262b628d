// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/parsers/LineParser.h"

namespace ops::services::sandbox {

// The sandbox runtime's Linux seccomp hints, optionally after an ISO timestamp:
//   deny openat /home/x/.env.local
//   deny connect 10.0.0.5:5432
// The path is whatever the sandboxed process passed to the system call: it is untrusted
// (targetUntrusted = true), may contain anything, and is shown only as plain text.
class SeccompHintParser final : public LineParser {
public:
    QString format() const override { return QStringLiteral("srt-seccomp"); }
    ParseResult parse(const QString& line) const override;
};

} // namespace ops::services::sandbox
