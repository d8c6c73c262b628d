// SPDX-License-Identifier: MIT
#pragma once

// HttpResponseParser: an incremental HTTP/1.x response reader for the load test. It only finds
// out where a response ends (Content-Length, chunked, or the connection closing), its status code
// and whether the connection may be reused; the body is counted, never kept, so a large response
// costs no memory. Plain class, no Qt, one per connection.

#include <cstddef>
#include <string>

namespace ops::services {

class HttpResponseParser final {
public:
    enum class Progress { NeedMore, Done, Invalid };

    void reset();
    // Feeds received bytes. Done once a whole response has been read (bytes after it are ignored).
    Progress feed(const char* data, std::size_t size);
    // The peer closed the connection: true when that ends a response whose body runs until close.
    bool finishAtEof();

    bool receivedAnything() const { return m_received; }
    int status() const { return m_status; }
    // The server allows another request on this connection.
    bool keepAlive() const { return m_keepAlive; }

    static constexpr std::size_t maxHeaderBytes = 64 * 1024;

private:
    enum class Phase { Headers, FixedBody, ChunkSize, ChunkData, ChunkDataEnd, Trailers, UntilClose, Done };
    bool parseHead();  // m_line holds the status line and headers

    Phase m_phase = Phase::Headers;
    std::string m_line;          // header block, or the current chunk-size / trailer line
    std::size_t m_remaining = 0; // body or chunk bytes still expected
    int m_status = 0;
    bool m_keepAlive = false;
    bool m_received = false;
};

} // namespace ops::services
