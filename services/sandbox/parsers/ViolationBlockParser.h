// SPDX-License-Identifier: MIT
#pragma once

#include <QString>

namespace ops::services::sandbox {

// The block the sandbox runtime appends to a command's error output:
//   cat: /Users/x/.ssh/id_rsa: Operation not permitted
//   <sandbox_violations>
//   cat(48211) deny(1) file-read-data /Users/x/.ssh/id_rsa
//   </sandbox_violations>
// Stateful (one instance per file): feed every line in order; it says which text is inside a
// block. The inner lines are then parsed by the single-line parsers. Text outside blocks on a line
// with a tag (the command's own output) is dropped; tags may open and close on the same line.
class ViolationBlockParser final {
public:
    struct Piece {
        bool inBlock = false;  // the line (or part of it) belongs to a block
        bool tagOnly = false;  // the line held only tags/outside text: nothing to parse
        QString content;       // the inside text to parse
    };
    Piece feed(const QString& line);
    bool inside() const { return m_inside; }
    static QString format() { return QStringLiteral("srt-block"); }

private:
    bool m_inside = false;
};

} // namespace ops::services::sandbox
