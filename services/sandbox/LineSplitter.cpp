// SPDX-License-Identifier: MIT
#include "sandbox/LineSplitter.h"

#include <cstring>

namespace ops::services::sandbox {

namespace {
constexpr qint64 kChunk = 256 * 1024;

// Drops a partial UTF-8 sequence at the end of a cut line.
void cutAtCharacterBoundary(QByteArray& bytes)
{
    int back = 0;
    qsizetype i = bytes.size() - 1;
    while (i >= 0 && back < 4 && (uchar(bytes[i]) & 0xC0) == 0x80) {
        --i;
        ++back;
    }
    if (i >= 0 && (uchar(bytes[i]) & 0x80)) {
        const uchar lead = uchar(bytes[i]);
        const int need = (lead & 0xE0) == 0xC0 ? 1 : (lead & 0xF0) == 0xE0 ? 2 : (lead & 0xF8) == 0xF0 ? 3 : 0;
        if (back < need)
            bytes.truncate(i);
    }
}
} // namespace

QByteArray utf8Prefix(const QByteArray& bytes, qsizetype maxBytes)
{
    if (bytes.size() <= maxBytes)
        return bytes;
    QByteArray prefix = bytes.left(maxBytes);
    cutAtCharacterBoundary(prefix);
    return prefix;
}

LineSplitter::LineSplitter(QIODevice& device, qint64 startOffset, qint64 maxLineBytes)
    : m_device(device), m_maxLineBytes(maxLineBytes), m_consumed(startOffset)
{
}

bool LineSplitter::fill()
{
    if (m_eof)
        return false;
    if (m_bufferPos > 0) {
        m_buffer.remove(0, m_bufferPos);
        m_bufferPos = 0;
    }
    const qsizetype old = m_buffer.size();
    m_buffer.resize(old + kChunk);
    const qint64 got = m_device.read(m_buffer.data() + old, kChunk);
    if (got < 0) {
        m_error = true;
        m_eof = true;
        m_buffer.resize(old);
        return false;
    }
    m_buffer.resize(old + got);
    if (got == 0)
        m_eof = true;
    return got > 0;
}

std::optional<SplitLine> LineSplitter::next(bool takePartial)
{
    SplitLine line;
    line.startOffset = m_consumed;
    qint64 length = 0;  // bytes of this line seen so far, without the '\n'
    for (;;) {
        const char* begin = m_buffer.constData() + m_bufferPos;
        const qsizetype available = m_buffer.size() - m_bufferPos;
        const void* newline = available > 0 ? std::memchr(begin, '\n', std::size_t(available)) : nullptr;
        const qsizetype take = newline ? static_cast<const char*>(newline) - begin : available;
        const qint64 room = m_maxLineBytes - line.bytes.size();
        if (room > 0)
            line.bytes.append(begin, qsizetype(std::min<qint64>(take, room)));
        length += take;
        m_bufferPos += take;
        if (newline) {
            ++m_bufferPos;  // the '\n'
            line.terminated = true;
            break;
        }
        if (!fill()) {
            // End of the data: what is pending is a partial last line.
            if (length == 0 || !takePartial)
                return std::nullopt;  // offset() still points at its first byte
            line.terminated = false;
            break;
        }
    }
    m_consumed = line.startOffset + length + (line.terminated ? 1 : 0);
    line.endOffset = m_consumed;
    line.fullLength = length;
    line.cut = length > m_maxLineBytes;
    if (line.cut)
        cutAtCharacterBoundary(line.bytes);
    else if (line.bytes.endsWith('\r'))
        line.bytes.chop(1);
    return line;
}

} // namespace ops::services::sandbox
