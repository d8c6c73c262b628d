// SPDX-License-Identifier: MIT
// Fuzz target: what a server under load test answers, through the load test's incremental HTTP
// response reader. The first byte picks the chunk size the bytes arrive in, so the same answer is
// also cut at every kind of boundary (inside the status line, a chunk size, a CRLF).
#include "FuzzCheck.h"
#include "health/HttpResponseParser.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>

using ops::services::HttpResponseParser;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0)
        return 0;
    const std::size_t chunk = 1 + data[0] % 16;
    const char* bytes = reinterpret_cast<const char*>(data) + 1;
    const std::size_t length = size - 1;
    HttpResponseParser parser;
    auto progress = HttpResponseParser::Progress::NeedMore;
    for (std::size_t at = 0; at < length && progress == HttpResponseParser::Progress::NeedMore; at += chunk)
        progress = parser.feed(bytes + at, std::min(chunk, length - at));
    if (progress == HttpResponseParser::Progress::NeedMore)
        parser.finishAtEof();
    if (progress == HttpResponseParser::Progress::Done)
        FUZZ_CHECK(parser.status() >= 100 && parser.status() <= 599, "a finished response has a valid status");
    return 0;
}
