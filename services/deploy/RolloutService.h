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
// The same machine runs an undo (promote the deployment a rollback replaced; production is pinned
// until then) and a promotion of another environment's (staging's) current deployment, which the
// database refuses while the plan's checkpoint is not signed Go unless an approver overrides it
// with a written reason, and refuses in a locked environment (a rollback never is).

#include "db/Pool.h"
#include "deploy/DeployProvider.h"
#include "deploy/HealthVerifier.h"

#include <functional>
#include <optional>

namespace ops::services {

// One rollout to run: a rollback, the undo of one, or a promotion from another environment.
struct RolloutPlan {
    enum class Kind { Rollback, Undo, Promote };
    Kind kind = Kind::Rollback;
    qint64 environmentId = 0;
    QString environment;
    qint64 fromId = 0;
    QString fromVersion;
    qint64 targetId = 0;          // 0 for a promotion: recorded in this environment when it starts
    QString targetProviderId;
    QString targetVersion;
    QDateTime targetCreated;
    QString sourceEnvironment;    // Promote: where the target comes from ("staging")
    QString gateBlock;            // Promote: 'checkpoint "Launch" is not signed' while the plan's gate refuses
    QString targetCommit, targetUrl, targetCreator, targetHealth;  // Promote: what gets recorded
    // Set when the target was built before the platform's newest schema migration.
    QString migrationWarning;
    // "Roll back production from v4 to v3", "Undo the rollback of production: v3 -> v4 again",
    // "Promote staging's v5 to production (now v3)": what the confirmation shows.
    QString sentence() const;
    QString kindName() const;  // rollback / undo / promote, as in ops.rollouts.kind
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
// One rollout of the environment for the history: who did what, how it ended.
struct RolloutRow {
    qint64 id = 0;
    QString kind, fromVersion, toVersion, requestedBy, state, message, reason, gateOverride;
    QDateTime requestedAt;
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
    QString lock;        // "alice: release freeze (until 2026-11-23 18:00 UTC)", empty when unlocked
    QString unfinished;  // "rollback by alice to v3 since 09:12:01 (running)", empty when none
    QString undo;        // "v3 -> v4 again" when the rollback that pinned it can be undone, else empty
    QString newestMigration;  // the platform's newest schema migration, as last reported
    QString roleLevel;   // admin / approver / operator / viewer / none
    QList<DeploymentRow> deployments;  // newest first
    QList<RolloutRow> rollouts;        // newest first
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
    Result<RolloutPlan> planRollback(const std::optional<QString>& to = std::nullopt);
    // Undo of the rollback that pinned this environment: promote the deployment it replaced.
    Result<RolloutPlan> planUndo();
    // Promotion of `sourceEnvironment`'s current deployment (recorded by its own sync) to this one.
    Result<RolloutPlan> planPromotion(const QString& sourceEnvironment);
    // Runs a plan to the end. An Error only when it could not start (refused with the holder's
    // name, a lock or the promotion gate, SQLSTATE 55006; permission, 42501; database down);
    // provider and verification failures are outcomes. `gateOverride`: an approver's written
    // reason to promote despite the plan's checkpoint (ignored by other kinds).
    Result<RolloutOutcome> run(const RolloutPlan& plan, const QString& reason, const QString& idempotencyKey,
                               const QString& gateOverride = {});
    Result<RolloutOutcome> rollback(const RolloutPlan& plan, const QString& reason, const QString& idempotencyKey)
    {
        return run(plan, reason, idempotencyKey);
    }
    // Environment lock (freeze): refuses deploys, promotions and undos, never a rollback.
    // `until` invalid: until unlocked.
    Result<void> lock(const QString& reason, const QDateTime& until = {});
    Result<void> unlock();
    // Stops the provider call in progress when the provider can (command provider); any thread.
    bool canCancel() const { return m_provider.canCancel(); }
    void cancel() { m_provider.cancel(); }
    // Finishes (or marks needs_attention) every unfinished rollout of this environment whose
    // console stopped its heartbeat: asks the provider where it stands.
    Result<QList<RolloutOutcome>> recover();

    Result<EnvironmentSnapshot> snapshot(int auditRows = 50);
    static Result<qint64> projectIdForSlug(Pool& pool, const QString& slug);

    // Live progress lines (called on the worker thread): "provider: rollback to dpl_x requested",
    // and the provider's own output lines prefixed with "| ". Takes over the provider's output
    // listener.
    void setProgressListener(std::function<void(const QString&)> listener);
    // Each state the running rollout enters (requested, running, verifying, succeeded...), for
    // the timeline; called on the worker thread.
    void setStateListener(std::function<void(qint64 rollout, const QString& state, const QString& message)> listener)
    {
        m_stateListener = std::move(listener);
    }
    const QString& environmentName() const { return m_config.environment; }
    Pool& pool() const { return m_pool; }

private:
    Result<void> advance(qint64 rollout, const QString& state, const QString& message,
                         const QJsonObject& evidence = {});
    RolloutOutcome verifyAndFinish(qint64 rollout, const QString& providerDoneMessage);
    void progress(const QString& line) const;
    void stateEntered(qint64 rollout, const QString& state, const QString& message) const;
    Result<void> recordPlatformMigration(qint64 environment);

    Pool& m_pool;
    DeployProvider& m_provider;
    Config m_config;
    std::function<void(const QString&)> m_progress;
    std::function<void(qint64, const QString&, const QString&)> m_stateListener;
};

} // namespace ops::services
