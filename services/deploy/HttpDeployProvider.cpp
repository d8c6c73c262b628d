// SPDX-License-Identifier: MIT
#include "deploy/HttpDeployProvider.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QThread>
#include <QUrlQuery>

namespace ops::services {

namespace {
// A provider's error message is shown in the status line and stored with the operation: one line,
// however long the body's "message" was.
constexpr int kMaxProviderMessage = 300;
} // namespace

Result<QJsonDocument> jsonOrError(const QString& what, const HttpResponse& response)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(response.body, &parseError);
    const bool isJson = parseError.error == QJsonParseError::NoError && !document.isNull();
    if (response.status >= 200 && response.status < 300) {
        if (response.body.trimmed().isEmpty())
            return QJsonDocument(QJsonObject{});
        if (!isJson)
            return Error::make(ErrorKind::Io, QStringLiteral("%1: HTTP %2 but the answer is not JSON: %3")
                                                  .arg(what).arg(response.status)
                                                  .arg(QString::fromUtf8(response.body.left(120)).simplified()));
        return document;
    }
    QString message;
    if (isJson) {
        const QJsonObject error = document.object().value(QStringLiteral("error")).toObject();
        message = error.value(QStringLiteral("message")).toString();
        const QString code = error.value(QStringLiteral("code")).toString();
        if (!code.isEmpty())
            message += QStringLiteral(" (%1)").arg(code);
    } else {
        message = QStringLiteral("non-JSON answer: ") + QString::fromUtf8(response.body.left(120)).simplified();
    }
    Error error = Error::make(response.status == 401 || response.status == 403 ? ErrorKind::Permission
                              : response.status == 404                       ? ErrorKind::NotFound
                              : response.status >= 500                       ? ErrorKind::Transient
                                                                             : ErrorKind::InvalidInput,
                              QStringLiteral("%1: HTTP %2: %3").arg(what).arg(response.status).arg(message.simplified().left(kMaxProviderMessage)));
    error.retryable = response.status >= 500;
    return error;
}

Result<QList<ProviderDeployment>> parseDeploymentList(const QJsonDocument& document, const QString& what)
{
    const QJsonValue list = document.object().value(QStringLiteral("deployments"));
    if (!list.isArray())
        return Error::make(ErrorKind::Io, QStringLiteral("%1: the answer has no \"deployments\" array")
                                              .arg(what));
    QList<ProviderDeployment> deployments;
    for (const QJsonValue& value : list.toArray()) {
        const QJsonObject o = value.toObject();
        const QJsonObject meta = o.value(QStringLiteral("meta")).toObject();
        ProviderDeployment d;
        d.id = o.value(QStringLiteral("uid")).toString();
        if (d.id.isEmpty())
            continue;
        d.version = meta.value(QStringLiteral("version")).toString(d.id);
        d.commit = meta.value(QStringLiteral("githubCommitSha")).toString();
        d.url = o.value(QStringLiteral("url")).toString();
        d.creator = o.value(QStringLiteral("creator")).toObject().value(QStringLiteral("username")).toString();
        d.state = o.value(QStringLiteral("readyState")).toString(o.value(QStringLiteral("state")).toString());
        const QString checks = o.value(QStringLiteral("checksConclusion")).toString();
        d.checks = checks == QLatin1String("succeeded") ? QStringLiteral("passed")
                   : checks == QLatin1String("failed")  ? QStringLiteral("failed")
                                                        : QStringLiteral("unknown");
        d.created = QDateTime::fromMSecsSinceEpoch(qint64(o.value(QStringLiteral("created")).toDouble()), Qt::UTC);
        deployments.append(d);
    }
    std::sort(deployments.begin(), deployments.end(),
              [](const ProviderDeployment& a, const ProviderDeployment& b) { return a.created > b.created; });
    return deployments;
}

ProviderStatus parseProjectStatus(const QJsonDocument& document)
{
    const QJsonObject project = document.object();
    ProviderStatus status;
    status.liveDeploymentId = project.value(QStringLiteral("targets")).toObject().value(QStringLiteral("production"))
                                  .toObject().value(QStringLiteral("id")).toString();
    if (status.liveDeploymentId.isEmpty())
        status.liveDeploymentId = project.value(QStringLiteral("targets")).toObject().value(QStringLiteral("production"))
                                      .toObject().value(QStringLiteral("uid")).toString();
    status.pinned = project.value(QStringLiteral("rollbackPinned")).toBool();
    return status;
}

Result<QJsonDocument> HttpDeployProvider::call(const QString& what, const QByteArray& method, const QString& path,
                                               const QList<QPair<QString, QString>>& query, bool read)
{
    QUrl url(m_config.baseUrl + path);
    QUrlQuery q;
    for (const auto& item : query)
        q.addQueryItem(item.first, QString::fromUtf8(QUrl::toPercentEncoding(item.second)));
    if (!m_config.teamId.isEmpty())
        q.addQueryItem(QStringLiteral("teamId"), m_config.teamId);
    url.setQuery(q);
    HttpRequest request;
    request.method = method;
    request.url = url;
    request.timeout = m_config.timeout;
    request.headers.append(qMakePair(QByteArray("Authorization"), QByteArray("Bearer ") + m_config.token));
    if (method == "POST") {
        request.headers.append(qMakePair(QByteArray("Content-Type"), QByteArray("application/json")));
        request.body = "{}";
    }
    const int attempts = read ? 1 + std::max(0, m_config.readRetries) : 1;
    std::optional<Error> last;
    for (int attempt = 0; attempt < attempts; ++attempt) {
        if (attempt > 0)
            QThread::msleep(quint64(m_config.retryBackoff.count()) * (1u << (attempt - 1)));
        ++m_sent;
        auto response = HttpClient::send(request);
        if (!response) {
            Error error = response.error();
            error.message = QStringLiteral("%1: %2").arg(what, error.message);
            last = error;
            continue;  // timeouts and connection failures: retried for reads
        }
        auto document = jsonOrError(what, response.value());
        if (document || !document.error().retryable)
            return document;
        last = document.error();
    }
    if (attempts > 1)
        last->message += QStringLiteral(" (after %1 attempts)").arg(attempts);
    return *last;
}

Result<QList<ProviderDeployment>> HttpDeployProvider::listDeployments()
{
    auto document = call(QStringLiteral("list deployments of %1").arg(m_config.projectId), "GET",
                         QStringLiteral("/v6/deployments"),
                         {{QStringLiteral("projectId"), m_config.projectId}, {QStringLiteral("target"), m_config.target}}, true);
    if (!document)
        return document.error();
    return parseDeploymentList(document.value(), QStringLiteral("list deployments of %1").arg(m_config.projectId));
}

Result<ProviderStatus> HttpDeployProvider::status()
{
    if (m_config.target != QLatin1String("production")) {
        // A preview (staging) environment has no alias: what it shows is its newest ready build.
        auto list = listDeployments();
        if (!list)
            return list.error();
        for (const ProviderDeployment& d : list.value())
            if (d.state == QLatin1String("READY"))
                return ProviderStatus{d.id, false};
        return ProviderStatus{};
    }
    auto document = call(QStringLiteral("read project %1").arg(m_config.projectId), "GET",
                         QStringLiteral("/v9/projects/%1").arg(m_config.projectId), {}, true);
    if (!document)
        return document.error();
    return parseProjectStatus(document.value());
}

Result<void> HttpDeployProvider::rollback(const QString& deploymentId, const QString& reason)
{
    QList<QPair<QString, QString>> query;
    if (!reason.isEmpty())
        query.append({QStringLiteral("description"), reason});
    auto document = call(QStringLiteral("rollback to %1").arg(deploymentId), "POST",
                         QStringLiteral("/v1/projects/%1/rollback/%2").arg(m_config.projectId, deploymentId), query, false);
    if (!document)
        return document.error();
    return {};
}

Result<void> HttpDeployProvider::promote(const QString& deploymentId)
{
    auto document = call(QStringLiteral("promote %1").arg(deploymentId), "POST",
                         QStringLiteral("/v10/projects/%1/promote/%2").arg(m_config.projectId, deploymentId), {}, false);
    if (!document)
        return document.error();
    return {};
}

} // namespace ops::services
