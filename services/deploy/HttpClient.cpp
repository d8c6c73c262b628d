// SPDX-License-Identifier: MIT
#include "deploy/HttpClient.h"

#include <QElapsedTimer>
#include <QSslSocket>
#include <QTcpSocket>

#include <memory>

namespace ops::services {

namespace {

// Decodes a chunked body; false while incomplete.
bool dechunk(const QByteArray& raw, QByteArray& out)
{
    out.clear();
    qsizetype pos = 0;
    while (true) {
        const qsizetype lineEnd = raw.indexOf("\r\n", pos);
        if (lineEnd < 0)
            return false;
        bool ok = false;
        const qsizetype size = raw.mid(pos, lineEnd - pos).split(';').value(0).trimmed().toLongLong(&ok, 16);
        if (!ok)
            return false;
        pos = lineEnd + 2;
        if (size == 0)
            return true;
        if (raw.size() < pos + size + 2)
            return false;
        out.append(raw.mid(pos, size));
        pos += size + 2;
    }
}

} // namespace

Result<HttpResponse> HttpClient::send(const HttpRequest& request)
{
    QElapsedTimer clock;
    clock.start();
    const auto remaining = [&] { return int(std::max<qint64>(1, request.timeout.count() - clock.elapsed())); };
    const QString where = request.url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery);
    const bool tls = request.url.scheme() == QLatin1String("https");
    if (!tls && request.url.scheme() != QLatin1String("http"))
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("not an http(s) URL: %1").arg(where));

    std::unique_ptr<QTcpSocket> socket;
    const quint16 port = quint16(request.url.port(tls ? 443 : 80));
    if (tls) {
        auto ssl = std::make_unique<QSslSocket>();
        ssl->connectToHostEncrypted(request.url.host(), port);
        if (!ssl->waitForEncrypted(remaining()))
            return Error::make(clock.elapsed() >= request.timeout.count() ? ErrorKind::Timeout : ErrorKind::Connection,
                               QStringLiteral("%1: %2").arg(where, ssl->errorString()));
        socket = std::move(ssl);
    } else {
        socket = std::make_unique<QTcpSocket>();
        socket->connectToHost(request.url.host(), port);
        if (!socket->waitForConnected(remaining()))
            return Error::make(clock.elapsed() >= request.timeout.count() ? ErrorKind::Timeout : ErrorKind::Connection,
                               QStringLiteral("%1: %2").arg(where, socket->errorString()));
    }

    QByteArray target = request.url.path(QUrl::FullyEncoded).toUtf8();
    if (target.isEmpty())
        target = "/";
    if (request.url.hasQuery())
        target += '?' + request.url.query(QUrl::FullyEncoded).toUtf8();
    QByteArray out = request.method + ' ' + target + " HTTP/1.1\r\nHost: " + request.url.host().toUtf8()
        + "\r\nConnection: close\r\nAccept: application/json\r\nContent-Length: "
        + QByteArray::number(request.body.size()) + "\r\n";
    for (const auto& header : request.headers)
        out += header.first + ": " + header.second + "\r\n";
    out += "\r\n" + request.body;
    socket->write(out);
    while (socket->bytesToWrite() > 0)
        if (!socket->waitForBytesWritten(remaining()))
            break;

    QByteArray raw;
    HttpResponse response;
    qsizetype headerEnd = -1;
    qsizetype contentLength = -1;
    bool chunked = false;
    bool closed = false;
    while (true) {
        if (headerEnd < 0 && (headerEnd = raw.indexOf("\r\n\r\n")) >= 0) {
            const QList<QByteArray> lines = raw.left(headerEnd).split('\n');
            response.status = lines.value(0).split(' ').value(1).toInt();
            for (int i = 1; i < lines.size(); ++i) {
                const QByteArray line = lines[i].trimmed();
                const qsizetype colon = line.indexOf(':');
                const QByteArray key = line.left(colon).trimmed().toLower();
                const QByteArray value = line.mid(colon + 1).trimmed();
                if (key == "content-length")
                    contentLength = value.toLongLong();
                else if (key == "transfer-encoding")
                    chunked = value.toLower().contains("chunked");
                else if (key == "content-type")
                    response.contentType = value;
            }
            if (response.status < 100)
                return Error::make(ErrorKind::Io, QStringLiteral("%1: malformed HTTP response").arg(where));
        }
        if (headerEnd >= 0) {
            const QByteArray rest = raw.mid(headerEnd + 4);
            if (chunked && dechunk(rest, response.body))
                break;
            if (!chunked && contentLength >= 0 && rest.size() >= contentLength) {
                response.body = rest.left(contentLength);
                break;
            }
        }
        if (clock.elapsed() >= request.timeout.count())
            return Error::make(ErrorKind::Timeout, QStringLiteral("%1: no complete answer within %2 ms")
                                                       .arg(where).arg(request.timeout.count()));
        if (closed) {
            if (headerEnd >= 0 && !chunked && contentLength < 0) {  // body delimited by the close
                response.body = raw.mid(headerEnd + 4);
                break;
            }
            return Error::make(ErrorKind::Connection, QStringLiteral("%1: connection closed before a complete answer").arg(where));
        }
        if (!socket->waitForReadyRead(remaining()) && socket->state() != QAbstractSocket::ConnectedState)
            closed = true;
        raw += socket->readAll();
    }
    response.elapsed = std::chrono::milliseconds(clock.elapsed());
    return response;
}

} // namespace ops::services
