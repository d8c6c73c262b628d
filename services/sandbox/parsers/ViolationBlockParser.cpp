// SPDX-License-Identifier: MIT
#include "sandbox/parsers/ViolationBlockParser.h"

namespace ops::services::sandbox {

ViolationBlockParser::Piece ViolationBlockParser::feed(const QString& line)
{
    static const QString open = QStringLiteral("<sandbox_violations>");
    static const QString close = QStringLiteral("</sandbox_violations>");
    const int openAt = line.indexOf(open);
    const int closeAt = line.indexOf(close);
    Piece piece;
    if (openAt < 0 && closeAt < 0) {
        piece.inBlock = m_inside;
        piece.content = line;
        return piece;
    }
    // A line with tags: keep the part inside the block (between the tags the line has).
    piece.inBlock = true;
    int start = 0;
    if (openAt >= 0 && (closeAt < 0 || openAt < closeAt)) {
        start = openAt + int(open.size());
        m_inside = true;
    } else if (!m_inside) {
        start = closeAt;  // a stray close tag: nothing inside
    }
    int end = int(line.size());
    const int closeAfter = line.indexOf(close, start);
    if (closeAfter >= 0) {
        end = closeAfter;
        m_inside = false;
        // a second block opening later on the same line
        if (line.indexOf(open, closeAfter) >= 0)
            m_inside = true;
    }
    piece.content = end > start ? line.mid(start, end - start).trimmed() : QString();
    piece.tagOnly = piece.content.isEmpty();
    return piece;
}

} // namespace ops::services::sandbox
