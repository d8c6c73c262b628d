// SPDX-License-Identifier: MIT
#pragma once

// LineParser: one class per input shape (see the parsers next to this file). A parser looks at one
// line of text and says whether it is its shape, and if so, the event (or why the line is broken).
// Parsers are stateless and thread-safe; the multi-line <sandbox_violations> block is handled by
// ViolationBlockParser, which ViolationReader drives.

#include "sandbox/ViolationEvent.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace ops::services::sandbox {

struct ParseResult {
    enum class Status {
        NotMine,    // not this parser's shape: try the next one
        Event,      // one event
        Skip,       // this shape, but deliberately not an event (e.g. a syslog line of another program)
        Malformed,  // this shape, but broken: counted and kept as an unparsed line with `reason`
    };
    Status status = Status::NotMine;
    ViolationEvent event;
    QString reason;

    static ParseResult notMine() { return {}; }
    static ParseResult of(ViolationEvent event) { return {Status::Event, std::move(event), {}}; }
    static ParseResult skip(QString why) { return {Status::Skip, {}, std::move(why)}; }
    static ParseResult malformed(QString why) { return {Status::Malformed, {}, std::move(why)}; }
};

class LineParser {
public:
    virtual ~LineParser() = default;
    virtual QString format() const = 0;
    virtual ParseResult parse(const QString& line) const = 0;
};

// A JSON-object shape: the reader parses each '{' line once and offers the object to these.
class JsonObjectParser {
public:
    virtual ~JsonObjectParser() = default;
    virtual QString format() const = 0;
    virtual ParseResult parseObject(const QJsonObject& object) const = 0;
};

// Timestamps as the sources print them: ISO 8601 (with Z, offsets, fractions), macOS `log show`
// ("2026-11-23 09:00:01.123456-0800"), or Unix seconds. Invalid QDateTime when none fits.
QDateTime parseTimestamp(const QString& text);

} // namespace ops::services::sandbox
