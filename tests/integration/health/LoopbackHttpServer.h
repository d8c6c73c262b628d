// SPDX-License-Identifier: MIT
#pragma once

// LoopbackHttpServer: a QTcpServer on 127.0.0.1 answering the ways real endpoints misbehave, for
// the probe and collector tests. Paths:
//   /health            200 with the platform's health JSON (status/circuit set by the test)
//   /slow?ms=N         the same after N ms
//   /never             headers, then one byte every 100 ms, forever
//   /huge              200 with a 2 MiB body
//   /error             500
//   /malformed         200 with a body that is not valid JSON
//   /loop              302 to itself, forever
//   answerGarbage  junk bytes then close, whatever was asked (a TLS handshake fails)
//   /flaky             answers with the code the test set in `flakyStatus`
//   /metrics           Prometheus text; 401 unless the Authorization header is `metricsAuthorization`
// Counts requests per path and connections accepted.

#include "TestSecrets.h"

#include <QHash>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>

class LoopbackHttpServer final : public QObject {
public:
    LoopbackHttpServer()
    {
        m_server.listen(QHostAddress::LocalHost, 0);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket* socket = m_server.nextPendingConnection()) {
                ++m_connections;
                socket->setParent(this);
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onData(socket); });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    QUrl url(const QString& pathAndQuery) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_server.serverPort()).arg(pathAndQuery));
    }
    int requests(const QString& path) const { return m_requests.value(path); }
    int connections() const { return m_connections; }

    QString platformStatus = QStringLiteral("healthy");
    QString circuitState = QStringLiteral("CLOSED");
    int flakyStatus = 200;
    bool answerGarbage = false;  // every connection gets junk and is closed
    QByteArray metricsAuthorization = "Basic " + ("metrics:" + ops::testing::testsecrets::monitorPassword).toBase64();
    QByteArray metricsText = "# HELP pg_stat_database_xact_commit commits\n# TYPE pg_stat_database_xact_commit counter\n"
                             "pg_stat_database_xact_commit{datname=\"postgres\"} 4711\n"
                             "pg_stat_database_xact_commit{datname=\"template1\"} 3\n"
                             "supavisor_pool_size{tenant=\"dev\"} 15\nsupavisor_pool_size{tenant=\"cut 3\n";

private:
    void onData(QTcpSocket* socket)
    {
        if (answerGarbage) {  // what a TLS client sees when the other end does not speak TLS
            socket->readAll();
            socket->write(QByteArray(64, '\x15') + "not a TLS server\r\n");
            socket->disconnectFromHost();
            return;
        }
        QByteArray& buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> requestLine = buffer.left(buffer.indexOf("\r\n")).split(' ');
        const QByteArray headers = buffer.left(end + 2);  // every header line ends in \r\n
        buffer.clear();
        const QUrl target(QString::fromLatin1(requestLine.value(1)));
        const QString path = target.path();
        ++m_requests[path];
        if (path == QLatin1String("/health")) {
            respond(socket, 200, healthJson());
        } else if (path == QLatin1String("/slow")) {
            const int ms = QUrlQuery(target).queryItemValue(QStringLiteral("ms")).toInt();
            QTimer::singleShot(ms, socket, [this, socket] { respond(socket, 200, healthJson()); });
        } else if (path == QLatin1String("/never")) {
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000000\r\n\r\n");
            auto* trickle = new QTimer(socket);
            connect(trickle, &QTimer::timeout, socket, [socket] { socket->write("x"); });
            trickle->start(100);
        } else if (path == QLatin1String("/huge")) {
            respond(socket, 200, QByteArray(2 * 1024 * 1024, 'a'));
        } else if (path == QLatin1String("/error")) {
            respond(socket, 500, R"({"status":"unhealthy"})");
        } else if (path == QLatin1String("/malformed")) {
            respond(socket, 200, R"({"status": "healthy", "circuitState": )");
        } else if (path == QLatin1String("/loop")) {
            socket->write("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n");
        } else if (path == QLatin1String("/metrics")) {
            if (!headers.contains("\r\nAuthorization: " + metricsAuthorization + "\r\n")) {
                socket->write("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"metrics\"\r\nContent-Length: 0\r\n\r\n");
                return;
            }
            respond(socket, 200, metricsText);
        } else if (path == QLatin1String("/flaky")) {
            respond(socket, flakyStatus, healthJson());
        } else {
            respond(socket, 404, "not found");
        }
    }

    QByteArray healthJson() const
    {
        return QStringLiteral(R"({"status":"%1","circuitState":"%2","version":"v3","uptimeSeconds":12,)"
                              R"("pool":{"total":10,"idle":8,"waiting":0},"throughput":42.5})")
            .arg(platformStatus, circuitState).toUtf8();
    }

    static void respond(QTcpSocket* socket, int status, const QByteArray& body)
    {
        socket->write("HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\nContent-Length: "
                      + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    }

    QTcpServer m_server;
    QHash<QTcpSocket*, QByteArray> m_buffers;
    QHash<QString, int> m_requests;
    int m_connections = 0;
};
