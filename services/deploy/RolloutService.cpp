// SPDX-License-Identifier: MIT
#include "deploy/RolloutService.h"

#include "db/Projects.h"

#include <QJsonDocument>

namespace ops::services {

namespace {
const QString kUnfinished = QStringLiteral("('requested', 'running', 'verifying')");

// What an environment runs now and what the platform last said about its schema: the start of
// every plan.
struct CurrentState {
    RolloutPlan plan;               // environment and "from" filled in
    QString fromProviderId;
    QString migration;
    QDateTime migrationAt;
};

Result<CurrentState> readCurrent(Connection& c, qint64 environment, const QString& environmentName)
{
    auto current = c.exec(QStringLiteral(
        "SELECT e.name, d.id, d.version, d.provider_id, e.newest_migration, e.newest_migration_at FROM ops.environments e "
        "LEFT JOIN ops.deployments d ON d.id = e.current_deployment WHERE e.id = $1"), {environment});
    if (!current)
        return current.error();
    if (current->rowCount() == 0 || current->isNull(0, 1))
        return Error::make(ErrorKind::NotFound, QStringLiteral("%1 has no current deployment recorded yet (sync with the provider first)")
                                                    .arg(environmentName));
    CurrentState state;
    state.plan.environmentId = environment;
    state.plan.environment = current->text(0, 0);
    state.plan.fromId = current->toInt64(0, 1);
    state.plan.fromVersion = current->text(0, 2);
    state.fromProviderId = current->text(0, 3);
    state.migration = current->text(0, 4);
    if (!current->isNull(0, 5))
        state.migrationAt = current->toDateTime(0, 5);
    return state;
}

// The code goes back, the schema does not: say so when the target predates the newest migration.
void warnAboutMigration(RolloutPlan& plan, const CurrentState& current)
{
    if (current.migrationAt.isValid() && plan.targetCreated.isValid() && plan.targetCreated < current.migrationAt)
        plan.migrationWarning = QStringLiteral("%1 was built before the database migration %2 (applied %3 UTC): the code goes back, "
                                               "the schema does not")
                                    .arg(plan.targetVersion, current.migration,
                                         current.migrationAt.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm")));
}

} // namespace

QString RolloutPlan::kindName() const
{
    switch (kind) {
    case Kind::Rollback: return QStringLiteral("rollback");
    case Kind::Undo: return QStringLiteral("undo");
    case Kind::Promote: return QStringLiteral("promote");
    }
    return {};
}

QString RolloutPlan::sentence() const
{
    const QString from = fromVersion.isEmpty() ? QStringLiteral("?") : fromVersion;
    switch (kind) {
    case Kind::Undo:
        return QStringLiteral("Undo the rollback of %1: promote %2 again (now %3)").arg(environment, targetVersion, from);
    case Kind::Promote:
        return QStringLiteral("Promote %1's %2 to %3 (now %4)").arg(sourceEnvironment, targetVersion, environment, from);
    case Kind::Rollback:
        break;
    }
    return QStringLiteral("Roll back %1 from %2 to %3").arg(environment, from, targetVersion);
}

RolloutService::RolloutService(Pool& pool, DeployProvider& provider, Config config)
    : m_pool(pool), m_provider(provider), m_config(std::move(config))
{
}

void RolloutService::progress(const QString& line) const
{
    if (m_progress)
        m_progress(line);
}

void RolloutService::setProgressListener(std::function<void(const QString&)> listener)
{
    m_progress = std::move(listener);
    m_provider.setOutputListener([this](const QString& line) { progress(QStringLiteral("| ") + line); });
}

void RolloutService::stateEntered(qint64 rollout, const QString& state, const QString& message) const
{
    if (m_stateListener)
        m_stateListener(rollout, state, message);
}

Result<qint64> RolloutService::environmentId()
{
    if (m_config.projectId == 0) {
        auto project = projectIdForSlug(m_pool, m_config.projectSlug);
        if (!project)
            return project.error();
        m_config.projectId = *project;
    }
    return m_pool.inTransaction(QStringLiteral("deploy environment"), [&](Connection& c) -> Result<qint64> {
        auto found = c.exec(QStringLiteral("SELECT id FROM ops.environments WHERE project_id = $1 AND name = $2"),
                            {m_config.projectId, m_config.environment});
        if (!found)
            return found.error();
        if (found->rowCount() > 0)
            return found->toInt64(0, 0);
        auto created = c.exec(QStringLiteral("SELECT ops.upsert_environment($1, $2, $3, $4)"),
                              {m_config.projectId, m_config.environment, m_config.providerProject,
                               m_config.verification.baseUrl});
        if (!created && created.error().kind == ErrorKind::Permission) {
            // A viewer may not configure an environment; it sees what an operator's console recorded.
            return Error::make(ErrorKind::NotFound,
                               QStringLiteral("nothing is recorded for %1 yet: an operator's console records the "
                                              "provider's deployments the first time it opens this tab")
                                   .arg(m_config.environment));
        }
        if (!created)
            return created.error();
        return created->toInt64(0, 0);
    });
}

Result<void> RolloutService::sync()
{
    auto env = environmentId();
    if (!env)
        return env.error();
    // Recording the provider's view is an operator's job (ops.record_deployment); a viewer's console
    // reads what the operators' consoles recorded and asks the provider nothing.
    auto level = m_pool.withClient(QStringLiteral("deploy role"), [](Connection& c) -> Result<QString> {
        auto row = c.exec(QStringLiteral("SELECT ops.current_role_level()"));
        if (!row)
            return row.error();
        return row->text(0, 0);
    }, CallOptions::idempotentUnit());
    if (!level)
        return level.error();
    if (*level == QLatin1String("viewer") || *level == QLatin1String("none"))
        return {};
    auto deployments = m_provider.listDeployments();
    if (!deployments)
        return deployments.error();
    auto status = m_provider.status();
    if (!status)
        return status.error();
    QString liveVerdict = QStringLiteral("unknown");
    QJsonObject schema;  // the platform's newest migration, when its health answer reports one
    if (!m_config.verification.baseUrl.isEmpty()) {
        auto health = HealthVerifier::readHealth(m_config.verification.baseUrl, m_config.verification.healthPath,
                                                 m_config.verification.requestTimeout);
        if (health) {
            const QString s = health->value(QStringLiteral("status")).toString();
            liveVerdict = s == QLatin1String("healthy")     ? QStringLiteral("passed")
                          : s == QLatin1String("unhealthy") ? QStringLiteral("failed")
                                                            : QStringLiteral("unknown");
            schema = health->value(QStringLiteral("schema")).toObject();
        }
    }
    return m_pool.inTransaction(QStringLiteral("deploy sync"), [&](Connection& c) -> Result<void> {
        // Oldest first so that ids follow creation order.
        for (auto it = deployments->crbegin(); it != deployments->crend(); ++it) {
            const ProviderDeployment& d = *it;
            const bool live = d.id == status->liveDeploymentId;
            const QString verdict = live && liveVerdict != QLatin1String("unknown") ? liveVerdict : d.checks;
            auto recorded = c.exec(QStringLiteral("SELECT ops.record_deployment($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"),
                                   {*env, d.id, d.version, d.commit, d.url, d.created, d.creator, d.state, verdict, live,
                                    status->pinned});
            if (!recorded)
                return recorded.error();
        }
        if (!schema.isEmpty()) {
            const QDateTime appliedAt = QDateTime::fromString(schema.value(QStringLiteral("appliedAt")).toString(), Qt::ISODateWithMs);
            auto migration = c.exec(QStringLiteral("SELECT ops.record_platform_migration($1, $2, $3)"),
                                    {*env, schema.value(QStringLiteral("newestMigration")).toString(),
                                     appliedAt.isValid() ? SqlValue(appliedAt) : SqlValue()});
            if (!migration)
                return migration.error();
        }
        return {};
    }, CallOptions::idempotentUnit());
}

Result<RolloutPlan> RolloutService::planRollback(const std::optional<QString>& to)
{
    auto env = environmentId();
    if (!env)
        return env.error();
    return m_pool.withClient(QStringLiteral("deploy plan rollback"), [&](Connection& c) -> Result<RolloutPlan> {
        auto current = readCurrent(c, *env, m_config.environment);
        if (!current)
            return current.error();
        RolloutPlan plan = current->plan;
        Result<QueryResult> target = to
            ? c.exec(QStringLiteral("SELECT id, provider_id, version, created_at FROM ops.deployments "
                                    "WHERE environment_id = $1 AND (provider_id = $2 OR id::text = $2)"), {*env, *to})
            : c.exec(QStringLiteral("SELECT id, provider_id, version, created_at FROM ops.deployments "
                                    "WHERE environment_id = $1 AND health = 'passed' AND id <> $2 "
                                    "AND created_at < (SELECT created_at FROM ops.deployments WHERE id = $2) "
                                    "ORDER BY created_at DESC LIMIT 1"), {*env, plan.fromId});
        if (!target)
            return target.error();
        if (target->rowCount() == 0)
            return Error::make(ErrorKind::NotFound,
                               to ? QStringLiteral("no deployment %1 in %2").arg(*to, plan.environment)
                                  : QStringLiteral("no deployment before %1 in %2 has passed its health check: nothing safe to roll back to")
                                        .arg(plan.fromVersion, plan.environment));
        plan.targetId = target->toInt64(0, 0);
        plan.targetProviderId = target->text(0, 1);
        plan.targetVersion = target->text(0, 2);
        plan.targetCreated = target->toDateTime(0, 3);
        if (plan.targetId == plan.fromId)
            return Error::make(ErrorKind::InvalidInput, QStringLiteral("%1 is already live in %2").arg(plan.targetVersion, plan.environment));
        warnAboutMigration(plan, *current);
        return plan;
    }, CallOptions::idempotentUnit());
}

Result<RolloutPlan> RolloutService::planUndo()
{
    auto env = environmentId();
    if (!env)
        return env.error();
    return m_pool.withClient(QStringLiteral("deploy plan undo"), [&](Connection& c) -> Result<RolloutPlan> {
        auto current = readCurrent(c, *env, m_config.environment);
        if (!current)
            return current.error();
        RolloutPlan plan = current->plan;
        plan.kind = RolloutPlan::Kind::Undo;
        // The rollback that put the current deployment there, while it still pins the environment.
        auto replaced = c.exec(QStringLiteral(
            "SELECT f.id, f.provider_id, f.version, f.created_at FROM ops.rollouts r "
            "JOIN ops.environments e ON e.id = r.environment_id JOIN ops.deployments f ON f.id = r.from_deployment "
            "WHERE r.environment_id = $1 AND r.kind = 'rollback' AND r.state = 'succeeded' "
            "  AND r.target = e.current_deployment AND e.pinned ORDER BY r.id DESC LIMIT 1"), {*env});
        if (!replaced)
            return replaced.error();
        if (replaced->rowCount() == 0)
            return Error::make(ErrorKind::NotFound, QStringLiteral("nothing to undo: %1 is not pinned by a rollback").arg(plan.environment));
        plan.targetId = replaced->toInt64(0, 0);
        plan.targetProviderId = replaced->text(0, 1);
        plan.targetVersion = replaced->text(0, 2);
        plan.targetCreated = replaced->toDateTime(0, 3);
        warnAboutMigration(plan, *current);
        return plan;
    }, CallOptions::idempotentUnit());
}

Result<RolloutPlan> RolloutService::planPromotion(const QString& sourceEnvironment)
{
    auto env = environmentId();
    if (!env)
        return env.error();
    return m_pool.withClient(QStringLiteral("deploy plan promotion"), [&](Connection& c) -> Result<RolloutPlan> {
        auto current = readCurrent(c, *env, m_config.environment);
        if (!current)
            return current.error();
        RolloutPlan plan = current->plan;
        plan.kind = RolloutPlan::Kind::Promote;
        plan.sourceEnvironment = sourceEnvironment;
        auto source = c.exec(QStringLiteral(
            "SELECT d.provider_id, d.version, d.git_commit, d.url, d.created_at, d.created_by, d.health "
            "FROM ops.environments s JOIN ops.deployments d ON d.id = s.current_deployment "
            "WHERE s.project_id = $1 AND s.name = $2"), {m_config.projectId, sourceEnvironment});
        if (!source)
            return source.error();
        if (source->rowCount() == 0)
            return Error::make(ErrorKind::NotFound, QStringLiteral("%1 has no current deployment recorded (sync it first)").arg(sourceEnvironment));
        plan.targetProviderId = source->text(0, 0);
        plan.targetVersion = source->text(0, 1);
        plan.targetCommit = source->text(0, 2);
        plan.targetUrl = source->text(0, 3);
        plan.targetCreated = source->toDateTime(0, 4);
        plan.targetCreator = source->text(0, 5);
        plan.targetHealth = source->text(0, 6);
        if (plan.targetProviderId == current->fromProviderId)
            return Error::make(ErrorKind::InvalidInput, QStringLiteral("%1 is already live in %2").arg(plan.targetVersion, plan.environment));
        // Shown before asking; the database checks again when the promotion starts.
        auto gate = c.exec(QStringLiteral("SELECT checkpoint_title, coalesce(decision, 'not signed') FROM ops.promotion_gate($1) LIMIT 1"),
                           {m_config.projectId});
        if (!gate)
            return gate.error();
        if (gate->rowCount() > 0)
            plan.gateBlock = QStringLiteral("checkpoint \"%1\" is %2").arg(gate->text(0, 0), gate->text(0, 1));
        warnAboutMigration(plan, *current);
        return plan;
    }, CallOptions::idempotentUnit());
}

Result<void> RolloutService::lock(const QString& reason, const QDateTime& until)
{
    auto env = environmentId();
    if (!env)
        return env.error();
    return m_pool.inTransaction(QStringLiteral("deploy lock environment"), [&](Connection& c) -> Result<void> {
        auto r = c.exec(QStringLiteral("SELECT ops.lock_environment($1, $2, $3)"),
                        {*env, reason, until.isValid() ? SqlValue(until) : SqlValue()});
        if (!r)
            return r.error();
        return {};
    });
}

Result<void> RolloutService::unlock()
{
    auto env = environmentId();
    if (!env)
        return env.error();
    return m_pool.inTransaction(QStringLiteral("deploy unlock environment"), [&](Connection& c) -> Result<void> {
        auto r = c.exec(QStringLiteral("SELECT ops.unlock_environment($1)"), {*env});
        if (!r)
            return r.error();
        return {};
    });
}

Result<void> RolloutService::advance(qint64 rollout, const QString& state, const QString& message,
                                     const QJsonObject& evidence)
{
    auto advanced = m_pool.inTransaction(QStringLiteral("deploy advance rollout"), [&](Connection& c) -> Result<void> {
        auto r = c.exec(QStringLiteral("SELECT ops.advance_rollout($1, $2, $3, $4::jsonb)"),
                        {rollout, state, message,
                         evidence.isEmpty() ? SqlValue() : SqlValue(QJsonDocument(evidence).toJson(QJsonDocument::Compact))});
        if (!r)
            return r.error();
        return {};
    });
    if (advanced)
        stateEntered(rollout, state, message);
    return advanced;
}

RolloutOutcome RolloutService::verifyAndFinish(qint64 rollout, const QString& providerDoneMessage)
{
    if (auto v = advance(rollout, QStringLiteral("verifying"), providerDoneMessage); !v)
        return {rollout, QStringLiteral("verifying"), v.error().message};  // recovery finishes it
    progress(QStringLiteral("verifying %1%2").arg(m_config.verification.baseUrl, m_config.verification.healthPath));
    const Verification verification = HealthVerifier::verify(m_config.verification);
    const QString state = verification.healthy ? QStringLiteral("succeeded") : QStringLiteral("needs_attention");
    progress(QStringLiteral("%1: %2").arg(state, verification.summary));
    if (auto done = advance(rollout, state, verification.summary, verification.evidence); !done)
        return {rollout, QStringLiteral("verifying"), done.error().message};
    return {rollout, state, verification.summary};
}

Result<RolloutOutcome> RolloutService::run(const RolloutPlan& plan, const QString& reason, const QString& idempotencyKey,
                                           const QString& gateOverride)
{
    progress(plan.sentence());
    if (!plan.migrationWarning.isEmpty())
        progress(QStringLiteral("warning: ") + plan.migrationWarning);
    const QString kind = plan.kindName();
    auto started = m_pool.inTransaction(QStringLiteral("deploy start rollout"), [&](Connection& c) -> Result<QPair<qint64, QString>> {
        SqlValue target(plan.targetId);
        if (plan.kind == RolloutPlan::Kind::Promote) {
            // The promoted build becomes one of this environment's deployments (not live yet); in
            // the same transaction, so a refused promotion leaves no trace.
            auto recorded = c.exec(QStringLiteral("SELECT ops.record_deployment($1, $2, $3, $4, $5, $6, $7, 'READY', $8, false, NULL)"),
                                   {plan.environmentId, plan.targetProviderId, plan.targetVersion, plan.targetCommit, plan.targetUrl,
                                    plan.targetCreated, plan.targetCreator, plan.targetHealth});
            if (!recorded)
                return recorded.error();
            target = SqlValue(recorded->toInt64(0, 0));
        }
        auto id = c.exec(QStringLiteral("SELECT ops.start_rollout($1, $2, $3, $4, $5, $6)"),
                         {plan.environmentId, kind, target, reason, idempotencyKey, gateOverride});
        if (!id)
            return id.error();
        auto state = c.exec(QStringLiteral("SELECT state, message FROM ops.rollouts WHERE id = $1"), {id->toInt64(0, 0)});
        if (!state)
            return state.error();
        return qMakePair(id->toInt64(0, 0), state->text(0, 0) + QLatin1Char('\n') + state->text(0, 1));
    }, CallOptions::idempotentUnit());  // the idempotency key makes a retried start harmless
    if (!started)
        return started.error();
    const qint64 rollout = started->first;
    const QString foundState = started->second.section(QLatin1Char('\n'), 0, 0);
    if (foundState != QLatin1String("requested"))  // the same click again: report, do not repeat
        return RolloutOutcome{rollout, foundState, started->second.section(QLatin1Char('\n'), 1)};
    stateEntered(rollout, foundState, plan.sentence());

    if (auto running = advance(rollout, QStringLiteral("running"), QStringLiteral("calling %1").arg(m_provider.name())); !running)
        return running.error();
    const bool isRollback = plan.kind == RolloutPlan::Kind::Rollback;
    progress(isRollback ? QStringLiteral("provider %1: rollback to %2").arg(m_provider.name(), plan.targetProviderId)
                        : QStringLiteral("provider %1: promote %2").arg(m_provider.name(), plan.targetProviderId));
    auto called = isRollback ? m_provider.rollback(plan.targetProviderId, reason) : m_provider.promote(plan.targetProviderId);
    if (!called) {
        const QString message = called.error().message;
        progress(QStringLiteral("failed: %1").arg(message));
        if (auto failed = advance(rollout, QStringLiteral("failed"), message); !failed)
            return failed.error();
        return RolloutOutcome{rollout, QStringLiteral("failed"), message};
    }
    return verifyAndFinish(rollout, QStringLiteral("provider accepted the %1 to %2").arg(kind, plan.targetProviderId));
}

Result<QList<RolloutOutcome>> RolloutService::recover()
{
    auto env = environmentId();
    if (!env)
        return env.error();
    auto found = m_pool.withClient(QStringLiteral("deploy find unfinished"), [&](Connection& c) {
        return c.exec(QStringLiteral("SELECT r.id, r.state, d.provider_id FROM ops.rollouts r "
                                     "JOIN ops.deployments d ON d.id = r.target "
                                     "WHERE r.environment_id = $1 AND r.state IN ") + kUnfinished, {*env});
    }, CallOptions::idempotentUnit());
    if (!found)
        return found.error();
    QList<RolloutOutcome> outcomes;
    for (int row = 0; row < found->rowCount(); ++row) {
        const qint64 rollout = found->toInt64(row, 0);
        const QString state = found->text(row, 1);
        const QString target = found->text(row, 2);
        auto claimed = m_pool.inTransaction(QStringLiteral("deploy claim stale rollout"), [&](Connection& c) -> Result<bool> {
            auto r = c.exec(QStringLiteral("SELECT ops.claim_stale_rollout($1, $2)"), {rollout, m_config.staleSeconds});
            if (!r)
                return r.error();
            return r->toBool(0, 0);
        });
        if (!claimed)
            return claimed.error();
        if (!*claimed)
            continue;  // still driven by a live console, or another console took it over
        progress(QStringLiteral("recovering rollout %1 (was %2)").arg(rollout).arg(state));
        auto status = m_provider.status();
        if (!status) {
            const QString message = QStringLiteral("recovery could not ask the provider: %1").arg(status.error().message);
            if (auto a = advance(rollout, QStringLiteral("needs_attention"), message); !a)
                return a.error();
            outcomes.append({rollout, QStringLiteral("needs_attention"), message});
            continue;
        }
        if (status->liveDeploymentId == target) {
            outcomes.append(verifyAndFinish(rollout, QStringLiteral("recovered: provider serves %1").arg(target)));
            continue;
        }
        // The provider does not serve the target. Before the provider call (requested) nothing
        // happened: failed. After it, we cannot tell what the provider did: a person decides.
        const QString next = state == QLatin1String("requested") ? QStringLiteral("failed") : QStringLiteral("needs_attention");
        const QString message = QStringLiteral("recovered after the console stopped in %1: the provider serves %2, not %3")
                                    .arg(state, status->liveDeploymentId, target);
        if (auto a = advance(rollout, next, message); !a)
            return a.error();
        outcomes.append({rollout, next, message});
    }
    return outcomes;
}

Result<qint64> RolloutService::projectIdForSlug(Pool& pool, const QString& slug)
{
    return pool.withClient(QStringLiteral("deploy project"), [&](Connection& c) { return projectIdBySlug(c, slug); },
                           CallOptions::idempotentUnit());
}

Result<EnvironmentSnapshot> RolloutService::snapshot(int auditRows)
{
    auto env = environmentId();
    if (!env)
        return env.error();
    return m_pool.withClient(QStringLiteral("deploy snapshot"), [&](Connection& c) -> Result<EnvironmentSnapshot> {
        EnvironmentSnapshot s;
        s.environment = m_config.environment;
        auto head = c.exec(QStringLiteral(
            "SELECT d.version, d.health, e.pinned, "
            "  ops.lock_summary(e.id), "
            "  ops.current_role_level(), "
            "  (SELECT r.kind || ' by ' || r.requested_by || ' to ' || t.version || ' since ' "
            "          || to_char(r.requested_at AT TIME ZONE 'UTC', 'HH24:MI:SS') || ' UTC (' || r.state || ')' "
            "   FROM ops.rollouts r JOIN ops.deployments t ON t.id = r.target "
            "   WHERE r.environment_id = e.id AND r.state IN ") + kUnfinished + QStringLiteral("), "
            "  (SELECT t.version || ' -> ' || f.version || ' again' FROM ops.rollouts r "
            "   JOIN ops.deployments t ON t.id = r.target JOIN ops.deployments f ON f.id = r.from_deployment "
            "   WHERE r.environment_id = e.id AND r.kind = 'rollback' AND r.state = 'succeeded' "
            "     AND r.target = e.current_deployment AND e.pinned ORDER BY r.id DESC LIMIT 1), "
            "  e.newest_migration || coalesce(' (applied ' "
            "      || to_char(e.newest_migration_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC)', '') "
            "FROM ops.environments e LEFT JOIN ops.deployments d ON d.id = e.current_deployment WHERE e.id = $1"), {*env});
        if (!head)
            return head.error();
        if (head->rowCount() == 1) {
            s.currentVersion = head->text(0, 0);
            s.currentHealth = head->text(0, 1);
            s.pinned = head->toBool(0, 2);
            s.lock = head->text(0, 3);
            s.roleLevel = head->text(0, 4);
            s.unfinished = head->text(0, 5);
            s.undo = head->text(0, 6);
            s.newestMigration = head->text(0, 7);
        }
        auto rows = c.exec(QStringLiteral(
            "SELECT d.id, d.provider_id, d.version, d.health, d.created_by, d.created_at, d.id = e.current_deployment, "
            "  EXISTS (SELECT 1 FROM ops.rollouts r WHERE r.target = d.id AND r.kind = 'rollback' AND r.state = 'succeeded') "
            "FROM ops.deployments d JOIN ops.environments e ON e.id = d.environment_id "
            "WHERE e.id = $1 ORDER BY d.created_at DESC LIMIT 200"), {*env});
        if (!rows)
            return rows.error();
        for (int i = 0; i < rows->rowCount(); ++i)
            s.deployments.append({rows->toInt64(i, 0), rows->text(i, 1), rows->text(i, 2), rows->text(i, 3), rows->text(i, 4),
                                  rows->toDateTime(i, 5), rows->toBool(i, 6), rows->toBool(i, 7)});
        auto rollouts = c.exec(QStringLiteral(
            "SELECT r.id, r.kind, coalesce(f.version, ''), t.version, r.requested_by, r.state, r.message, r.reason, "
            "       r.gate_override, r.requested_at "
            "FROM ops.rollouts r JOIN ops.deployments t ON t.id = r.target LEFT JOIN ops.deployments f ON f.id = r.from_deployment "
            "WHERE r.environment_id = $1 ORDER BY r.id DESC LIMIT 100"), {*env});
        if (!rollouts)
            return rollouts.error();
        for (int i = 0; i < rollouts->rowCount(); ++i)
            s.rollouts.append({rollouts->toInt64(i, 0), rollouts->text(i, 1), rollouts->text(i, 2), rollouts->text(i, 3),
                               rollouts->text(i, 4), rollouts->text(i, 5), rollouts->text(i, 6), rollouts->text(i, 7),
                               rollouts->text(i, 8), rollouts->toDateTime(i, 9)});
        auto audit = c.exec(QStringLiteral("SELECT id, at, actor, action, subject FROM ops.audit_log "
                                           "WHERE project_id = $1 ORDER BY id DESC LIMIT $2"),
                            {m_config.projectId, auditRows});
        if (!audit)
            return audit.error();
        for (int i = 0; i < audit->rowCount(); ++i)
            s.audit.append({audit->toInt64(i, 0), audit->toDateTime(i, 1), audit->text(i, 2), audit->text(i, 3), audit->text(i, 4)});
        return s;
    }, CallOptions::idempotentUnit());
}

} // namespace ops::services
