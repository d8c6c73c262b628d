// SPDX-License-Identifier: MIT
#include "health/HttpResponseParser.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>

namespace ops::services {

namespace {

std::string lowered(std::string s)
{
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

std::string trimmed(const std::string& s)
{
    const auto begin = s.find_first_not_of(" \t\r\n");
    if (begin == std::string::npos)
        return {};
    return s.substr(begin, s.find_last_not_of(" \t\r\n") - begin + 1);
}

} // namespace

void HttpResponseParser::reset()
{
    m_phase = Phase::Headers;
    m_line.clear();
    m_remaining = 0;
    m_status = 0;
    m_keepAlive = false;
    m_received = false;
}

bool HttpResponseParser::parseHead()
{
    // Status line: HTTP/1.x NNN reason
    const auto lineEnd = m_line.find("\r\n");
    const std::string statusLine = m_line.substr(0, lineEnd);
    if (statusLine.size() < 12 || statusLine.compare(0, 7, "HTTP/1.") != 0 || statusLine[8] != ' ')
        return false;
    const bool http11 = statusLine[7] == '1';
    char* end = nullptr;
    m_status = int(std::strtol(statusLine.c_str() + 9, &end, 10));
    if (end != statusLine.c_str() + 12 || m_status < 100 || m_status > 599)
        return false;

    bool chunked = false;
    long long length = -1;
    m_keepAlive = http11;
    std::size_t pos = lineEnd + 2;
    while (pos < m_line.size()) {
        const auto next = m_line.find("\r\n", pos);
        const std::string header = m_line.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
        pos = next == std::string::npos ? m_line.size() : next + 2;
        const auto colon = header.find(':');
        if (colon == std::string::npos)
            continue;
        const std::string key = lowered(trimmed(header.substr(0, colon)));
        const std::string value = lowered(trimmed(header.substr(colon + 1)));
        if (key == "content-length") {
            length = std::strtoll(value.c_str(), &end, 10);
            if (*end != '\0' || length < 0)
                return false;
        } else if (key == "transfer-encoding") {
            chunked = value.find("chunked") != std::string::npos;
        } else if (key == "connection") {
            if (value.find("close") != std::string::npos)
                m_keepAlive = false;
            else if (value.find("keep-alive") != std::string::npos)
                m_keepAlive = true;
        }
    }
    m_line.clear();
    if (m_status < 200 || m_status == 204 || m_status == 304) {
        m_phase = Phase::Done;  // no body by definition
    } else if (chunked) {
        m_phase = Phase::ChunkSize;
    } else if (length >= 0) {
        m_remaining = std::size_t(length);
        m_phase = m_remaining ? Phase::FixedBody : Phase::Done;
    } else {
        m_phase = Phase::UntilClose;  // the body ends when the server closes
        m_keepAlive = false;
    }
    return true;
}

HttpResponseParser::Progress HttpResponseParser::feed(const char* data, std::size_t size)
{
    if (size)
        m_received = true;
    std::size_t i = 0;
    while (i < size || m_phase == Phase::Done) {
        switch (m_phase) {
        case Phase::Done:
            return Progress::Done;
        case Phase::Headers: {
            const std::size_t before = m_line.size();
            m_line.append(data + i, size - i);
            const auto end = m_line.find("\r\n\r\n", before >= 3 ? before - 3 : 0);
            if (end == std::string::npos) {
                // Junk (a TLS alert, another protocol) is refused as soon as it cannot be HTTP.
                const std::size_t prefix = std::min<std::size_t>(m_line.size(), 5);
                if (m_line.compare(0, prefix, "HTTP/", prefix) != 0 || m_line.size() > maxHeaderBytes)
                    return Progress::Invalid;
                return Progress::NeedMore;
            }
            // Bytes after the header block belong to the body: step back to them.
            i = size - (m_line.size() - (end + 4));
            m_line.resize(end + 2);
            if (!parseHead())
                return Progress::Invalid;
            break;
        }
        case Phase::FixedBody: {
            const std::size_t take = std::min(m_remaining, size - i);
            m_remaining -= take;
            i += take;
            if (m_remaining == 0)
                m_phase = Phase::Done;
            break;
        }
        case Phase::ChunkSize:
        case Phase::Trailers: {
            const char* newline = static_cast<const char*>(std::memchr(data + i, '\n', size - i));
            const std::size_t take = newline ? std::size_t(newline - (data + i)) + 1 : size - i;
            m_line.append(data + i, take);
            i += take;
            if (m_line.size() > maxHeaderBytes)
                return Progress::Invalid;
            if (!newline)
                break;
            const std::string line = trimmed(m_line);
            m_line.clear();
            if (m_phase == Phase::Trailers) {
                if (line.empty())
                    m_phase = Phase::Done;
                break;
            }
            char* end = nullptr;
            const unsigned long long chunk = std::strtoull(line.c_str(), &end, 16);
            if (end == line.c_str() || (*end != '\0' && *end != ';'))
                return Progress::Invalid;
            m_remaining = std::size_t(chunk);
            m_phase = chunk ? Phase::ChunkData : Phase::Trailers;
            break;
        }
        case Phase::ChunkData: {
            const std::size_t take = std::min(m_remaining, size - i);
            m_remaining -= take;
            i += take;
            if (m_remaining == 0)
                m_phase = Phase::ChunkDataEnd;
            break;
        }
        case Phase::ChunkDataEnd:  // the CRLF after a chunk's data
            if (data[i++] == '\n')
                m_phase = Phase::ChunkSize;
            break;
        case Phase::UntilClose:
            i = size;
            break;
        }
    }
    return m_phase == Phase::Done ? Progress::Done : Progress::NeedMore;
}

bool HttpResponseParser::finishAtEof()
{
    if (m_phase != Phase::UntilClose)
        return false;
    m_phase = Phase::Done;
    return true;
}

} // namespace ops::services
