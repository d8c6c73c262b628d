// SPDX-License-Identifier: MIT
#pragma once

// HttpProbe: one HTTP health check at a time against one URL (Qt Network), safe against what real
// endpoints do:
// - a deadline for the whole exchange (a slow or never-ending answer is aborted: "timeout"),
//   not only an inactivity timeout, since a trickling body never goes idle;
// - the body is read as it arrives and cut at maxBodyBytes (1 MiB): the probe aborts, reports
//   bodyTruncated and counts the check as failed ("body_too_large");
// - redirects are followed up to maxRedirects, never to a less safe scheme ("redirects");
// - TLS errors are reported with the certificate problem and never ignored ("tls");
// - the status must be within [statusMin, statusMax] ("status"), the optional keyword must be in
//   the body ("keyword");
// - a JSON body (the platform's /api/health) gives `status` and `circuitState` as first-class
//   fields and every numeric field, flattened with dots ("pool.idle"), as a metric. A body that is
//   not JSON is noted, not a failure: plain-text health endpoints are fine.
// Lives on the thread of its QNetworkAccessManager; start() refuses while a check is in flight.

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <chrono>

class QNetworkAccessManager;
class QNetworkReply;

namespace ops::services {

struct ProbeConfig {
    QUrl url;
    std::chrono::milliseconds timeout{10000};
    int maxRedirects = 5;
    qint64 maxBodyBytes = 1024 * 1024;
    int statusMin = 200;
    int statusMax = 299;
    QString keyword;  // empty: no keyword check
};

struct ProbeResult {
    bool success = false;
    QString failureKind;   // empty on success: timeout, network, tls, redirects, status, keyword, body_too_large
    QString error;         // one line for people; empty on success
    QString note;          // something worth showing that is not a failure (e.g. "body is not JSON")
    int httpStatus = 0;    // 0 when no response arrived
    double latencyMs = 0;  // start to end (or to the abort)
    qint64 bodyBytes = 0;  // bytes kept (at most maxBodyBytes)
    bool bodyTruncated = false;
    bool json = false;     // the body was a JSON object
    QString platformStatus;  // "healthy" / "degraded" / "unhealthy" (as sent), empty if absent
    QString circuitState;    // "CLOSED" / "OPEN" / "HALF_OPEN" (as sent), empty if absent
    QMap<QString, double> metrics;
    QStringList tlsErrors;
};

class HttpProbe final : public QObject {
    Q_OBJECT
public:
    HttpProbe(QNetworkAccessManager* network, ProbeConfig config, QObject* parent = nullptr);
    ~HttpProbe() override;

    const ProbeConfig& config() const { return m_config; }
    void setConfig(ProbeConfig config) { m_config = std::move(config); }
    bool inFlight() const { return !m_reply.isNull(); }
    // Starts a check; false (and nothing happens) while the previous one is still in flight.
    bool start();
    // Aborts a check in flight without emitting finished().
    void cancel();

    // Limits of what one body gives: at most kMaxMetrics metrics, named by at most kMaxMetricName
    // characters (longer or empty names are left out).
    static constexpr int kMaxMetrics = 256;
    static constexpr int kMaxMetricName = 128;
    // Parses a health JSON body into `result` (json, platformStatus, circuitState, metrics).
    static void parseHealthJson(const QByteArray& body, ProbeResult& result);

signals:
    void finished(const ops::services::ProbeResult& result);

private:
    void onReadyRead();
    void onFinished();
    void fail(const QString& kind, const QString& message);

    QNetworkAccessManager* m_network;
    ProbeConfig m_config;
    QPointer<QNetworkReply> m_reply;
    QTimer m_deadline;
    QElapsedTimer m_elapsed;
    QByteArray m_body;
    ProbeResult m_result;
    QString m_abortKind;  // why we aborted the reply ourselves
    QString m_abortMessage;
};

} // namespace ops::services

Q_DECLARE_METATYPE(ops::services::ProbeResult)
