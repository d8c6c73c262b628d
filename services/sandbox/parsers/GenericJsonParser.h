// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/parsers/LineParser.h"

namespace ops::services::sandbox {

// Our own JSON Lines shape, one object per line (what the platform and our tools write, and what
// the live tailer expects; other shapes are accepted in the same file too):
//
//   {"time": "2026-11-23T09:00:01.250Z",   // ISO 8601 or Unix seconds; optional (import time)
//    "kind": "file_read",                  // required: file_read|file_write|network|process|secret|other
//    "target": "/home/dev/app/.env.local", // required: a path, or host:port
//    "operation": "open",                  // optional
//    "decision": "blocked",                // optional: blocked (default) | allowed
//    "rule": "filesystem.denyRead: .env*", // optional: the rule that decided it
//    "severity": "high",                   // optional: low|medium (default)|high|critical
//    "machine": "devbox", "agent": "claude-code", "session": "s-42",  // optional
//    "untrusted": false,                   // optional: target chosen by the sandboxed process
//    "id": "evt-0001"}                     // optional: idempotency key (same id stored once)
//
// Unknown members are ignored. A wrong type or value of a known member makes the line malformed.
class GenericJsonParser final : public JsonObjectParser {
public:
    QString format() const override { return QStringLiteral("ops-jsonl"); }
    ParseResult parseObject(const QJsonObject& object) const override;
};

} // namespace ops::services::sandbox
