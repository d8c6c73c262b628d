// SPDX-License-Identifier: MIT
#pragma once

#include "sandbox/parsers/LineParser.h"

namespace ops::services::sandbox {

// Falco's JSON events (json_output: true): `time`, `rule`, `priority`, `output`, `source`,
// `hostname`, `tags`, `output_fields`. Falco detects, it does not block: decision = allowed.
// kind from tags and fields (network when fd.sip/fd.rip is set or tagged network; write when the
// event type writes; process for process/exec tags; otherwise a read, secret when the path looks
// like one). target = fd.name, or ip:port. severity from priority.
class FalcoJsonParser final : public JsonObjectParser {
public:
    QString format() const override { return QStringLiteral("falco"); }
    // NotMine unless the object has both "rule" and "output".
    ParseResult parseObject(const QJsonObject& object) const override;
};

} // namespace ops::services::sandbox
