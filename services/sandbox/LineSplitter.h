// SPDX-License-Identifier: MIT
#pragma once

// LineSplitter: reads '\n'-terminated lines from a device without ever holding more than
// `maxLineBytes` of one line: a 10 MB (or 10 GB) line costs constant memory; its first
// `maxLineBytes` are kept (cut before a partial UTF-8 sequence) and its full length reported.
// Byte offsets are exact so a tailer can store "first byte not yet ingested".

#include <QByteArray>
#include <QIODevice>

#include <optional>

namespace ops::services::sandbox {

struct SplitLine {
    QByteArray bytes;         // without the '\n' (and without a '\r' before it)
    qint64 startOffset = 0;   // of the first byte of the line
    qint64 endOffset = 0;     // just after the '\n' (or the last byte, for a final partial line)
    qint64 fullLength = 0;    // bytes of the line before cutting
    bool cut = false;         // longer than maxLineBytes
    bool terminated = true;   // ended by '\n'
};

// The first `maxBytes` of `bytes`, shortened further so no UTF-8 sequence is split.
QByteArray utf8Prefix(const QByteArray& bytes, qsizetype maxBytes);

class LineSplitter final {
public:
    // Reads from the device's current position, which is taken to be `startOffset`.
    LineSplitter(QIODevice& device, qint64 startOffset, qint64 maxLineBytes);

    // The next line. At the end of the data, a final line without '\n' is returned only when
    // `takePartial` (an import of a finished file); a tailer leaves it for the next poll.
    std::optional<SplitLine> next(bool takePartial);
    // Offset of the first byte not returned yet.
    qint64 offset() const { return m_consumed; }
    bool readError() const { return m_error; }

private:
    bool fill();

    QIODevice& m_device;
    qint64 m_maxLineBytes;
    QByteArray m_buffer;
    qsizetype m_bufferPos = 0;
    qint64 m_consumed;       // just after the last line returned
    bool m_eof = false;
    bool m_error = false;
};

} // namespace ops::services::sandbox
