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
// - kind 'prometheus' (format PrometheusText): the body is a /metrics scrape; the configured series
//   become the metrics (see PrometheusText.h), with HTTP Basic credentials when configured.
//   Redirects are not followed then, so credentials never travel to another host.
// Lives on the thread of its QNetworkAccessManager; start() refuses while a check is in flight.

#include "health/HealthCheck.h"
#include "health/PrometheusText.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <QTimer>
#include <QUrl>

#include <chrono>
#include <vector>

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
    enum class BodyFormat { HealthJson, PrometheusText } format = BodyFormat::HealthJson;
    std::vector<SeriesSelector> series;  // PrometheusText: the series kept as metrics
    QByteArray authorization;            // Authorization header value ("Basic ..."); never logged
};


class HttpProbe final : public HealthCheck {
    Q_OBJECT
public:
    HttpProbe(QNetworkAccessManager* network, ProbeConfig config, QObject* parent = nullptr);
    ~HttpProbe() override;

    const ProbeConfig& config() const { return m_config; }
    void setConfig(ProbeConfig config) { m_config = std::move(config); }
    bool inFlight() const override { return !m_reply.isNull(); }
    // Starts a check; false (and nothing happens) while the previous one is still in flight.
    bool start() override;
    // Aborts a check in flight without emitting finished().
    void cancel();

    // Limits of what one body gives: at most kMaxMetrics metrics, named by at most kMaxMetricName
    // characters (longer or empty names are left out).
    static constexpr int kMaxMetrics = 256;
    static constexpr int kMaxMetricName = 128;
    // Parses a health JSON body into `result` (json, platformStatus, circuitState, metrics).
    static void parseHealthJson(const QByteArray& body, ProbeResult& result);

    // Keeps the configured series of a Prometheus scrape as `result`'s metrics.
    static void parsePrometheusBody(const QByteArray& body, const std::vector<SeriesSelector>& series, ProbeResult& result);

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
