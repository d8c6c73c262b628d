// SPDX-License-Identifier: MIT
#pragma once

// DemoPlatform: a small stand-in for the team's web platform and its hosting provider, so that
// rollback can be played end to end without a Vercel account. A plain HTTP/1.1 server on
// 127.0.0.1 (free port), running on its own thread so callers may block on it from any thread.
//
// - GET /api/health: status, circuit state, version, uptime, pool, error rate. The answer depends
//   on the live version: one version (badVersion, "v4" by default) is unhealthy with a high error
//   rate; POST /demo/degrade and /demo/restore toggle a "degraded" state.
// - GET /api/contacts, /api/campaigns: JSON after a realistic latency (20-60 ms; 500s on the bad
//   version).
// - Vercel's REST shape, bearer token required: GET /v6/deployments?projectId=,
//   GET /v9/projects/{projectId} (which deployment is live, pinned or not),
//   POST /v1/projects/{projectId}/rollback/{deploymentId}?description= (pins production),
//   POST /v10/projects/{projectId}/promote/{deploymentId} (unpins; a preview deployment becomes a
//   production one). GET /v6/deployments takes an optional target=production|preview.
// - POST /demo/deploy?version=vN[&target=preview]: a new build, live unless production is pinned
//   (preview builds never go live by themselves: they are what staging shows, promoted by hand).
// - /api/health also reports the platform's newest schema migration ("schema": {"newestMigration",
//   "appliedAt"}), applied just before `migrationBeforeVersion` was built: rolling back past it
//   runs old code on the new schema.
// Failure injection (tests): provider routes answer 500, hang, or non-JSON; an optional delay of
// the answers to rollbacks and promotions (the change itself happens at once).

#include "common/Result.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QThread>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

class QTcpServer;
class QTcpSocket;

namespace ops::services {

class DemoPlatform final {
public:
    enum class ProviderFailure { None, Http500, Hang, NonJson };

    struct Config {
        QString token = QStringLiteral("demo-token");
        QString projectId = QStringLiteral("prj_demo");
        QString badVersion = QStringLiteral("v4");
        int versions = 4;       // v1..vN exist, oldest first
        QString liveVersion;    // empty: the newest
        QString previewVersion = QStringLiteral("v5");  // one preview (staging) build; empty: none
        QString migrationBeforeVersion = QStringLiteral("v3");  // empty: no migration reported
        QString migrationName = QStringLiteral("0012_contacts_email_not_null");
        quint16 port = 0;       // 0: a free port
    };

    DemoPlatform();
    explicit DemoPlatform(Config config);
    ~DemoPlatform();
    DemoPlatform(const DemoPlatform&) = delete;
    DemoPlatform& operator=(const DemoPlatform&) = delete;

    Result<void> start();
    void stop();

    quint16 port() const { return m_port; }
    QString baseUrl() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_port); }
    const Config& config() const { return m_config; }

    // State, safe from any thread.
    QString liveVersion() const;
    QString liveDeploymentId() const;
    bool pinned() const;
    void setDegraded(bool degraded);
    // A new build; returns its id. target "production" (live unless pinned) or "preview".
    QString deploy(const QString& version, const QString& target = QStringLiteral("production"));
    QDateTime migrationAppliedAt() const;
    void setProviderFailure(ProviderFailure failure);
    void setProviderDelayMs(int ms) { m_providerDelayMs = ms; }
    int rollbackCalls() const { return m_rollbackCalls; }
    int promoteCalls() const { return m_promoteCalls; }
    // When the last rollback request arrived (steady clock), for the click-to-request benchmark.
    std::chrono::steady_clock::time_point lastRollbackReceived() const
    {
        return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(m_lastRollbackNs.load()));
    }
    std::chrono::steady_clock::time_point lastPromoteReceived() const
    {
        return std::chrono::steady_clock::time_point(std::chrono::steady_clock::duration(m_lastPromoteNs.load()));
    }

private:
    struct Deployment {
        QString id;
        QString version;
        QString commit;
        qint64 createdMs = 0;
        QString target = QStringLiteral("production");
    };
    struct Request {
        QByteArray method;
        QByteArray path;
        QByteArray query;
        QByteArray authorization;
        QByteArray body;
    };
    struct Response {
        int status = 200;
        QByteArray body;
        QByteArray contentType = "application/json";
        int delayMs = 0;
        bool hang = false;
    };

    void onConnection(QTcpSocket* socket);
    Response route(const Request& request);
    Response health() const;
    Response sample(const QByteArray& what);
    Response provider(const Request& request);
    QJsonObject deploymentJson(const Deployment& d) const;
    int findLocked(const QString& id) const;
    QDateTime migrationAppliedAtLocked() const;  // invalid when none is reported; m_mutex held  // index in m_deployments, -1 if none; m_mutex held

    Config m_config;
    QThread m_thread;
    QTcpServer* m_server = nullptr;  // lives on m_thread
    quint16 m_port = 0;
    QDateTime m_started = QDateTime::currentDateTimeUtc();

    mutable std::mutex m_mutex;
    std::vector<Deployment> m_deployments;
    int m_live = -1;
    bool m_pinned = false;
    bool m_degraded = false;
    ProviderFailure m_failure = ProviderFailure::None;
    std::atomic<int> m_providerDelayMs{0};
    std::atomic<int> m_rollbackCalls{0};
    std::atomic<int> m_promoteCalls{0};
    std::atomic<std::chrono::steady_clock::rep> m_lastRollbackNs{0};
    std::atomic<std::chrono::steady_clock::rep> m_lastPromoteNs{0};
    std::atomic<quint64> m_requests{0};
};

} // namespace ops::services
