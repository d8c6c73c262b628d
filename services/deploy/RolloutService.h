// SPDX-License-Identifier: MIT
#pragma once

// RolloutService: one environment's deployments and its rollbacks, for the tab, the command line
// and crash recovery. Blocking calls (database through the pool, provider over HTTP): run them on
// a worker thread (QtConcurrent / the pool's async forms), never on the GUI thread.
//
// A rollback: plan (target = the newest deployment before the current one whose health verdict
// is passed) -> ops.start_rollout (the database refuses a second unfinished rollout of the same
// environment and names its holder) -> running -> provider call -> verifying -> /api/health and
// smoke endpoints -> succeeded, else needs_attention with the evidence; a provider error ends in
// failed with its message. No automatic retry or ping-pong. Each step is a SECURITY DEFINER
// function that writes the audit log.

#include "db/Pool.h"
#include "deploy/DeployProvider.h"
#include "deploy/HealthVerifier.h"

#include <functional>
#include <optional>

namespace ops::services {

struct RollbackPlan {
    qint64 environmentId = 0;
    QString environment;
    qint64 fromId = 0;
    QString fromVersion;
    qint64 targetId = 0;
    QString targetProviderId;
    QString targetVersion;
    QDateTime targetCreated;
    // "Roll back production from v4 to v3": what the confirmation shows.
    QString sentence() const;
};

struct RolloutOutcome {
    qint64 rolloutId = 0;
    QString state;    // succeeded, failed, needs_attention (or the state found, for a repeated key)
    QString message;
    bool succeeded() const { return state == QLatin1String("succeeded"); }
};

// What the Deployments tab shows, read in one unit of work.
struct DeploymentRow {
    qint64 id = 0;
    QString providerId, version, health, createdBy;
    QDateTime created;
    bool current = false;
    bool rolledBackTo = false;  // the target of a succeeded rollback
};
struct AuditRow {
    qint64 id = 0;
    QDateTime at;
    QString actor, action, subject;
};
struct EnvironmentSnapshot {
    QString environment;
    QString currentVersion;
    QString currentHealth;
    bool pinned = false;
    QString lock;        // "alice: release freeze", empty when unlocked
    QString unfinished;  // "rollback by alice to v3 since 09:12:01 (running)", empty when none
    QString roleLevel;   // admin / approver / operator / viewer / none
    QList<DeploymentRow> deployments;  // newest first
    QList<AuditRow> audit;             // newest first, this project's
};

class RolloutService final {
public:
    struct Config {
        qint64 projectId = 0;         // 0: resolved from projectSlug on first use
        QString projectSlug = QStringLiteral("demo");
        QString environment = QStringLiteral("production");
        QString providerProject;      // recorded on the environment
        VerificationConfig verification;
        int staleSeconds = 120;       // an unfinished rollout without heartbeat this long is recovered
    };

    RolloutService(Pool& pool, DeployProvider& provider, Config config);

    // The environment's id, created (audited) when missing.
    Result<qint64> environmentId();
    // Mirrors the provider's deployments into the database; the live one's verdict comes from a
    // health read (healthy -> passed, unhealthy -> failed).
    Result<void> sync();
    // The rollback the button would do; `to` picks a target by database id or provider id.
    Result<RollbackPlan> planRollback(const std::optional<QString>& to = std::nullopt);
    // Runs the rollback to the end. An Error only when it could not start (refused with the
    // holder's name, SQLSTATE 55006; permission; database down); provider and verification
    // failures are outcomes.
    Result<RolloutOutcome> rollback(const RollbackPlan& plan, const QString& reason, const QString& idempotencyKey);
    // Finishes (or marks needs_attention) every unfinished rollout of this environment whose
    // console stopped its heartbeat: asks the provider where it stands.
    Result<QList<RolloutOutcome>> recover();

    Result<EnvironmentSnapshot> snapshot(int auditRows = 50);
    static Result<qint64> projectIdForSlug(Pool& pool, const QString& slug);

    // Live progress lines (any thread): "provider: rollback to dpl_x requested".
    void setProgressListener(std::function<void(const QString&)> listener) { m_progress = std::move(listener); }

private:
    Result<void> advance(qint64 rollout, const QString& state, const QString& message,
                         const QJsonObject& evidence = {});
    RolloutOutcome verifyAndFinish(qint64 rollout, const QString& providerDoneMessage);
    void progress(const QString& line) const;

    Pool& m_pool;
    DeployProvider& m_provider;
    Config m_config;
    std::function<void(const QString&)> m_progress;
};

} // namespace ops::services
