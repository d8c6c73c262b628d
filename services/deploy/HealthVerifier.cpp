// SPDX-License-Identifier: MIT
#include "deploy/HealthVerifier.h"

#include "deploy/HttpClient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QThread>

namespace ops::services {

Result<QJsonObject> HealthVerifier::readHealth(const QString& baseUrl, const QString& healthPath,
                                               std::chrono::milliseconds timeout)
{
    HttpRequest request;
    request.url = QUrl(baseUrl + healthPath);
    request.timeout = timeout;
    auto response = HttpClient::send(request);
    if (!response)
        return response.error();
    // An unhealthy platform may answer 503 with a perfectly good body: read the body either way.
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(response->body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject())
        return Error::make(ErrorKind::Io, QStringLiteral("%1: HTTP %2, not a JSON object: %3")
                                              .arg(request.url.toString(QUrl::RemoveQuery)).arg(response->status)
                                              .arg(QString::fromUtf8(response->body.left(120)).simplified()));
    QJsonObject health = document.object();
    health.insert(QStringLiteral("httpStatus"), response->status);
    return health;
}

Verification HealthVerifier::verify(const VerificationConfig& config)
{
    Verification result;
    QElapsedTimer clock;
    clock.start();
    int attempts = 0;
    QJsonObject lastHealth;
    QString lastProblem;
    while (true) {
        ++attempts;
        auto health = readHealth(config.baseUrl, config.healthPath, config.requestTimeout);
        bool ok = false;
        if (!health) {
            lastProblem = health.error().message;
        } else {
            lastHealth = *health;
            const QString status = health->value(QStringLiteral("status")).toString();
            ok = status == QLatin1String("healthy");
            if (!ok)
                lastProblem = QStringLiteral("%1 (version %2, errorRate %3, circuit %4)")
                                  .arg(status.isEmpty() ? QStringLiteral("no status") : status,
                                       health->value(QStringLiteral("version")).toString())
                                  .arg(health->value(QStringLiteral("errorRate")).toDouble())
                                  .arg(health->value(QStringLiteral("circuitState")).toString());
        }
        QJsonArray smoke;
        if (ok) {
            for (const QString& path : config.smokePaths) {
                HttpRequest request;
                request.url = QUrl(config.baseUrl + path);
                request.timeout = config.requestTimeout;
                auto response = HttpClient::send(request);
                const int status = response ? response->status : 0;
                const bool good = status >= 200 && status < 300;
                smoke.append(QJsonObject{{QStringLiteral("path"), path}, {QStringLiteral("status"), status},
                                         {QStringLiteral("ms"), response ? qint64(response->elapsed.count()) : -1},
                                         {QStringLiteral("error"), response ? QString() : response.error().message}});
                if (!good) {
                    ok = false;
                    lastProblem = QStringLiteral("smoke %1 answered %2").arg(path, response ? QString::number(status)
                                                                                           : response.error().message);
                }
            }
        }
        result.evidence = QJsonObject{{QStringLiteral("health"), lastHealth}, {QStringLiteral("smoke"), smoke},
                                      {QStringLiteral("attempts"), attempts},
                                      {QStringLiteral("elapsedMs"), clock.elapsed()}};
        if (ok) {
            result.healthy = true;
            result.summary = QStringLiteral("healthy %1 after %2 ms")
                                 .arg(lastHealth.value(QStringLiteral("version")).toString()).arg(clock.elapsed());
            return result;
        }
        if (clock.elapsed() + config.interval.count() >= config.window.count()) {
            result.summary = QStringLiteral("not healthy within %1 ms: %2").arg(config.window.count()).arg(lastProblem);
            result.evidence.insert(QStringLiteral("problem"), lastProblem);
            return result;
        }
        QThread::msleep(quint64(config.interval.count()));
    }
}

} // namespace ops::services
