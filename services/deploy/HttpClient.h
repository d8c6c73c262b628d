// SPDX-License-Identifier: MIT
#pragma once

// HttpClient: one blocking HTTP/1.1 request with a deadline (plain TCP or TLS), usable from any
// thread without an event loop (QTcpSocket's waitFor* calls). Blocking by design: providers and
// the health probe run on worker threads. Handles Content-Length, chunked and close-delimited
// bodies. No redirects, no keep-alive: each request is its own connection.

#include "common/Result.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QUrl>

#include <chrono>

namespace ops::services {

struct HttpResponse {
    int status = 0;
    QByteArray contentType;
    QByteArray body;
    std::chrono::milliseconds elapsed{0};
};

struct HttpRequest {
    QByteArray method = "GET";
    QUrl url;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    std::chrono::milliseconds timeout{10000};  // the whole exchange: connect, send, receive
};

class HttpClient final {
public:
    // An error only when no complete response arrived (connect failure, timeout, malformed); any
    // HTTP status is a response.
    static Result<HttpResponse> send(const HttpRequest& request);
};

} // namespace ops::services
