// SPDX-License-Identifier: MIT
// The load test's response reader: where a response ends, whether the connection may be reused,
// and what is refused as not HTTP; and the percentile rule the results use.
#include "health/HttpResponseParser.h"
#include "health/LoadTest.h"

#include <gtest/gtest.h>

#include <string>

using ops::services::HttpResponseParser;
using Progress = HttpResponseParser::Progress;

namespace {

// Feeds `text` one byte at a time: every split point must work.
Progress feedBytewise(HttpResponseParser& parser, const std::string& text)
{
    Progress progress = Progress::NeedMore;
    for (char c : text) {
        progress = parser.feed(&c, 1);
        if (progress != Progress::NeedMore)
            break;
    }
    return progress;
}

} // namespace

TEST(HttpResponseParser, ContentLengthEndsTheResponseAndKeepsTheConnection)
{
    const std::string response = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
    HttpResponseParser whole;
    EXPECT_EQ(whole.feed(response.data(), response.size()), Progress::Done);
    EXPECT_EQ(whole.status(), 200);
    EXPECT_TRUE(whole.keepAlive());
    HttpResponseParser bytewise;
    EXPECT_EQ(feedBytewise(bytewise, response), Progress::Done);
    HttpResponseParser shortBody;
    EXPECT_EQ(shortBody.feed(response.data(), response.size() - 1), Progress::NeedMore);
}

TEST(HttpResponseParser, ChunkedBodiesWithExtensionsAndTrailers)
{
    const std::string response = "HTTP/1.1 503 Busy\r\nTransfer-Encoding: chunked\r\n\r\n"
                                 "4;ext=1\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nX-Trailer: 1\r\n\r\n";
    HttpResponseParser whole;
    EXPECT_EQ(whole.feed(response.data(), response.size()), Progress::Done);
    EXPECT_EQ(whole.status(), 503);
    HttpResponseParser bytewise;
    EXPECT_EQ(feedBytewise(bytewise, response), Progress::Done);
    HttpResponseParser unfinished;
    EXPECT_EQ(unfinished.feed(response.data(), response.size() - 2), Progress::NeedMore);
    HttpResponseParser bad;
    const std::string badChunk = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n";
    EXPECT_EQ(bad.feed(badChunk.data(), badChunk.size()), Progress::Invalid);
}

TEST(HttpResponseParser, BodyUntilCloseAndConnectionHeaders)
{
    const std::string response = "HTTP/1.1 200 OK\r\n\r\nstreaming...";
    HttpResponseParser parser;
    EXPECT_EQ(parser.feed(response.data(), response.size()), Progress::NeedMore);
    EXPECT_FALSE(parser.keepAlive());
    EXPECT_TRUE(parser.finishAtEof());

    HttpResponseParser closing;
    const std::string close = "HTTP/1.1 404 Not Found\r\nconnection: Close\r\ncontent-length: 0\r\n\r\n";
    EXPECT_EQ(closing.feed(close.data(), close.size()), Progress::Done);
    EXPECT_FALSE(closing.keepAlive());
    EXPECT_EQ(closing.status(), 404);
    EXPECT_FALSE(closing.finishAtEof());  // a complete response: the close ends nothing

    HttpResponseParser http10;
    const std::string old = "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok";
    EXPECT_EQ(http10.feed(old.data(), old.size()), Progress::Done);
    EXPECT_TRUE(http10.keepAlive());

    HttpResponseParser noContent;
    const std::string empty = "HTTP/1.1 204 No Content\r\n\r\n";
    EXPECT_EQ(noContent.feed(empty.data(), empty.size()), Progress::Done);
}

TEST(HttpResponseParser, NotHttpIsRefusedEarly)
{
    HttpResponseParser tls;
    const std::string alert("\x15\x03\x01\x00\x02", 5);
    EXPECT_EQ(tls.feed(alert.data(), alert.size()), Progress::Invalid);
    HttpResponseParser badStatus;
    const std::string status = "HTTP/1.1 2x0 OK\r\n\r\n";
    EXPECT_EQ(badStatus.feed(status.data(), status.size()), Progress::Invalid);
    HttpResponseParser badLength;
    const std::string length = "HTTP/1.1 200 OK\r\nContent-Length: -3\r\n\r\n";
    EXPECT_EQ(badLength.feed(length.data(), length.size()), Progress::Invalid);
    HttpResponseParser endless;
    const std::string head = "HTTP/1.1 200 OK\r\nX: " + std::string(HttpResponseParser::maxHeaderBytes, 'a');
    EXPECT_EQ(endless.feed(head.data(), head.size()), Progress::Invalid);
}

TEST(LoadTestPercentile, NearestRank)
{
    using ops::services::nearestRankPercentile;
    std::vector<double> values;
    for (int i = 1; i <= 100; ++i)
        values.push_back(i);
    EXPECT_EQ(nearestRankPercentile(values, 50), 50);
    EXPECT_EQ(nearestRankPercentile(values, 95), 95);
    EXPECT_EQ(nearestRankPercentile(values, 99), 99);
    EXPECT_EQ(nearestRankPercentile(values, 100), 100);
    EXPECT_EQ(nearestRankPercentile({7}, 99), 7);
    EXPECT_EQ(nearestRankPercentile({}, 50), 0);
}
