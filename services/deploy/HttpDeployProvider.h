// SPDX-License-Identifier: MIT
#pragma once

// HttpDeployProvider: Vercel's REST shape (also served by the demo platform).
//   list      GET  /v6/deployments?projectId=P&target=T   (T: production, or preview for staging)
//   status    GET  /v9/projects/P            (targets.production, rollbackPinned); for the preview
//                                            target: the newest READY preview deployment
//   rollback  POST /v1/projects/P/rollback/D?description=REASON
//   promote   POST /v10/projects/P/promote/D
// Bearer token in the Authorization header (given by the caller from the secret store; never
// logged, never in an error message). Every request has a timeout; reads are retried on timeouts,
// connection failures and 5xx, writes never (a retried rollback could land twice).

#include "deploy/DeployProvider.h"
#include "deploy/HttpClient.h"

#include <QJsonDocument>

#include <chrono>

namespace ops::services {

class HttpDeployProvider final : public DeployProvider {
public:
    struct Config {
        QString baseUrl = QStringLiteral("https://api.vercel.com");
        QString projectId;
        QString teamId;  // optional ?teamId=
        QString target = QStringLiteral("production");  // which deployments this environment is
        QByteArray token;
        std::chrono::milliseconds timeout{10000};
        int readRetries = 2;
        std::chrono::milliseconds retryBackoff{200};
    };

    explicit HttpDeployProvider(Config config) : m_config(std::move(config)) {}

    QString name() const override { return QStringLiteral("http"); }
    Result<QList<ProviderDeployment>> listDeployments() override;
    Result<ProviderStatus> status() override;
    Result<void> rollback(const QString& deploymentId, const QString& reason) override;
    Result<void> promote(const QString& deploymentId) override;

    // For tests and the benchmark: requests sent so far.
    int requestsSent() const { return m_sent; }

private:
    // One exchange; `what` names it in errors. Reads retry, writes do not.
    Result<QJsonDocument> call(const QString& what, const QByteArray& method, const QString& path,
                               const QList<QPair<QString, QString>>& query, bool read);

    Config m_config;
    std::atomic<int> m_sent{0};
};

// Turns an HTTP response into JSON or a clear error (shared with the health probe).
Result<QJsonDocument> jsonOrError(const QString& what, const HttpResponse& response);

// The pure halves of listDeployments() and status(): what an answer's JSON says. Separate from the
// HTTP exchange so the fuzz targets (tests/fuzz) can feed them hostile answers directly.
// `what` names the request in errors ("list deployments of P").
Result<QList<ProviderDeployment>> parseDeploymentList(const QJsonDocument& document, const QString& what);
ProviderStatus parseProjectStatus(const QJsonDocument& document);

} // namespace ops::services
