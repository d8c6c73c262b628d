// SPDX-License-Identifier: MIT
#include "health/HttpProbe.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSslError>

#include <cmath>

namespace ops::services {

namespace {

void flatten(const QJsonValue& value, const QString& prefix, QMap<QString, double>& metrics, int depth)
{
    if (depth > 8)  // a hostile body must not recurse without bound
        return;
    if (metrics.size() >= HttpProbe::kMaxMetrics)  // every check stores its metrics: bound what one body adds
        return;
    if (value.isDouble()) {
        // A nameless or novel-length name is no metric anyone charts (and {"": 1} would store one).
        if (!prefix.isEmpty() && prefix.size() <= HttpProbe::kMaxMetricName)
            metrics.insert(prefix, value.toDouble());
    } else if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            flatten(it.value(), prefix.isEmpty() ? it.key() : prefix + QLatin1Char('.') + it.key(), metrics, depth + 1);
    } else if (value.isArray()) {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size() && i < 64; ++i)
            flatten(array.at(i), prefix + QLatin1Char('.') + QString::number(i), metrics, depth + 1);
    }
}

} // namespace

HttpProbe::HttpProbe(QNetworkAccessManager* network, ProbeConfig config, QObject* parent)
    : HealthCheck(parent), m_network(network), m_config(std::move(config))
{
    qRegisterMetaType<ProbeResult>();
    m_deadline.setSingleShot(true);
    m_deadline.setTimerType(Qt::PreciseTimer);  // a coarse timer fires up to 5% early
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        fail(QStringLiteral("timeout"),
             QStringLiteral("no complete answer within %1 ms").arg(m_config.timeout.count()));
    });
}

HttpProbe::~HttpProbe()
{
    cancel();
}

bool HttpProbe::start()
{
    if (inFlight())
        return false;
    m_result = ProbeResult{};
    m_body.clear();
    m_abortKind.clear();
    m_abortMessage.clear();

    QNetworkRequest request(m_config.url);
    const bool withCredentials = !m_config.authorization.isEmpty();
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         withCredentials ? QNetworkRequest::ManualRedirectPolicy : QNetworkRequest::NoLessSafeRedirectPolicy);
    if (withCredentials)
        request.setRawHeader("Authorization", m_config.authorization);
    request.setMaximumRedirectsAllowed(m_config.maxRedirects);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute, QNetworkRequest::AlwaysNetwork);
    request.setRawHeader("Accept", "application/json, text/plain;q=0.9, */*;q=0.5");
    request.setRawHeader("User-Agent", "ops-console-health/1");
    m_elapsed.start();
    m_reply = m_network->get(request);
    QNetworkReply* reply = m_reply.data();
    connect(reply, &QNetworkReply::readyRead, this, &HttpProbe::onReadyRead);
    connect(reply, &QNetworkReply::finished, this, &HttpProbe::onFinished);
    connect(reply, &QNetworkReply::sslErrors, this, [this](const QList<QSslError>& errors) {
        // Never ignored: the handshake fails and the errors are reported.
        for (const QSslError& e : errors)
            m_result.tlsErrors << e.errorString();
    });
    m_deadline.start(m_config.timeout);
    return true;
}

void HttpProbe::cancel()
{
    m_deadline.stop();
    if (QNetworkReply* reply = m_reply.data()) {
        m_reply.clear();
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
}

void HttpProbe::onReadyRead()
{
    QNetworkReply* reply = m_reply.data();
    if (!reply)
        return;
    const qint64 room = m_config.maxBodyBytes - m_body.size();
    const QByteArray chunk = reply->read(std::max<qint64>(room, 0) + 1);
    if (chunk.size() > room) {
        m_body.append(chunk.left(room));
        m_result.bodyTruncated = true;
        fail(QStringLiteral("body_too_large"),
             QStringLiteral("body larger than %1 bytes: cut there").arg(m_config.maxBodyBytes));
        return;
    }
    m_body.append(chunk);
    if (reply->bytesAvailable() > 0)
        onReadyRead();
}

void HttpProbe::fail(const QString& kind, const QString& message)
{
    // Abort: finished() follows synchronously or soon, and onFinished reports our reason.
    if (m_reply.isNull())
        return;
    m_abortKind = kind;
    m_abortMessage = message;
    m_reply->abort();
}

void HttpProbe::onFinished()
{
    QNetworkReply* reply = m_reply.data();
    if (!reply)
        return;
    m_deadline.stop();
    if (m_abortKind.isEmpty() && reply->bytesAvailable() > 0)
        onReadyRead();
    m_reply.clear();
    reply->disconnect(this);
    reply->deleteLater();

    ProbeResult& r = m_result;
    r.latencyMs = double(m_elapsed.nsecsElapsed()) / 1e6;
    r.httpStatus = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    r.bodyBytes = m_body.size();

    if (!m_abortKind.isEmpty()) {
        r.failureKind = m_abortKind;
        r.error = m_abortMessage;
    } else if (reply->error() == QNetworkReply::TooManyRedirectsError
               || reply->error() == QNetworkReply::InsecureRedirectError) {
        r.failureKind = QStringLiteral("redirects");
        r.error = QStringLiteral("redirects: %1 (at most %2 followed)").arg(reply->errorString()).arg(m_config.maxRedirects);
    } else if (reply->error() == QNetworkReply::SslHandshakeFailedError || !r.tlsErrors.isEmpty()) {
        r.failureKind = QStringLiteral("tls");
        r.error = QStringLiteral("TLS: ") + (r.tlsErrors.isEmpty() ? reply->errorString() : r.tlsErrors.join(QStringLiteral("; ")));
    } else if (r.httpStatus == 0 && reply->error() != QNetworkReply::NoError) {
        r.failureKind = QStringLiteral("network");
        r.error = reply->errorString();
    } else if (r.httpStatus < m_config.statusMin || r.httpStatus > m_config.statusMax) {
        r.failureKind = QStringLiteral("status");
        r.error = QStringLiteral("HTTP %1, expected %2-%3").arg(r.httpStatus).arg(m_config.statusMin).arg(m_config.statusMax);
    } else if (!m_config.keyword.isEmpty() && !m_body.contains(m_config.keyword.toUtf8())) {
        r.failureKind = QStringLiteral("keyword");
        r.error = QStringLiteral("keyword \"%1\" not in the body").arg(m_config.keyword);
    }
    r.success = r.failureKind.isEmpty();
    if (m_config.format == ProbeConfig::BodyFormat::PrometheusText) {
        if (r.success && !r.bodyTruncated)
            parsePrometheusBody(m_body, m_config.series, r);
    } else if (!r.bodyTruncated && !m_body.isEmpty()) {
        parseHealthJson(m_body, r);
        if (!r.json && r.success)
            r.note = QStringLiteral("body is not a JSON object");
    }
    m_body.clear();
    emit finished(r);
}

void HttpProbe::parseHealthJson(const QByteArray& body, ProbeResult& result)
{
    QJsonParseError error{};
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        result.json = false;
        return;
    }
    result.json = true;
    const QJsonObject object = document.object();
    if (object.value(QLatin1String("status")).isString())
        result.platformStatus = object.value(QLatin1String("status")).toString().left(40);
    if (object.value(QLatin1String("circuitState")).isString())
        result.circuitState = object.value(QLatin1String("circuitState")).toString().left(40);
    flatten(object, QString(), result.metrics, 0);
}

void HttpProbe::parsePrometheusBody(const QByteArray& body, const std::vector<SeriesSelector>& series, ProbeResult& result)
{
    const PromParseResult scrape = parsePrometheusText(body, selectorNames(series));
    const SelectedSeries selected = selectSeries(scrape.samples, series);
    QStringList notes;
    for (auto it = selected.values.begin(); it != selected.values.end(); ++it) {
        if (std::isfinite(it.value()))
            result.metrics.insert(it.key(), it.value());
        else
            notes << QStringLiteral("%1 is %2").arg(it.key(), QString::number(it.value()));  // JSON has no NaN/Inf
    }
    result.metrics.insert(QStringLiteral("scrape.samples"), double(scrape.samples.size()));  // of the selected names
    result.metrics.insert(QStringLiteral("scrape.malformed_lines"), double(scrape.malformedLines));
    if (!selected.missing.isEmpty())
        notes << QStringLiteral("not in the scrape: ") + selected.missing.join(QStringLiteral(", "));
    if (scrape.malformedLines > 0)
        notes << QStringLiteral("%1 malformed lines (%2)").arg(scrape.malformedLines).arg(scrape.problems.join(QStringLiteral("; ")));
    result.note = notes.join(QStringLiteral("; "));
}

} // namespace ops::services
