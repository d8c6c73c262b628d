// SPDX-License-Identifier: MIT
// Undo of a rollback (promote what it replaced), the promotion gate from a real plan checkpoint
// with an approver's override, the migration-age warning, environment locks, and a rollout through
// the command provider that fails or hangs. Real PostgreSQL, demo platform over loopback HTTP,
// real processes.
#include "RolloutFixture.h"

#include "deploy/CommandDeployProvider.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace {

class DeployFeaturesTest : public RolloutTest {
protected:
    // A plan whose only checkpoint is a gate nobody has signed yet; returns the checkpoint's id.
    QString importPlanWithUnsignedGate()
    {
        const QString plan = QStringLiteral(
            R"({"key": "launch", "title": "Launch", "shape": "phase_based",
                "checkpoints": [{"key": "cp1", "title": "Launch readiness", "kind": "gate"}]})");
        EXPECT_FALSE(scalar(QStringLiteral("SELECT ops.import_plan($1, $2::jsonb)"), {m_project, plan}).startsWith(QStringLiteral("ERROR")));
        return scalar(QStringLiteral("SELECT id FROM ops.checkpoints WHERE title = 'Launch readiness'"));
    }

    // Production (the HTTP provider's production target) and staging (its preview target), both
    // synced, driven through `p`.
    struct Environments {
        std::unique_ptr<HttpDeployProvider> productionProvider, stagingProvider;
        std::unique_ptr<RolloutService> production, staging;
    };
    Environments environments(Pool& p)
    {
        Environments e;
        e.productionProvider = provider();
        e.stagingProvider = provider(3000ms, QStringLiteral("preview"));
        e.production = std::make_unique<RolloutService>(p, *e.productionProvider, serviceConfig());
        RolloutService::Config staging = serviceConfig();
        staging.environment = QStringLiteral("staging");
        staging.verification.baseUrl.clear();  // the demo has no separate preview health endpoint
        e.staging = std::make_unique<RolloutService>(p, *e.stagingProvider, staging);
        EXPECT_TRUE(e.production->sync().ok());
        EXPECT_TRUE(e.staging->sync().ok());
        return e;
    }
};

} // namespace

TEST_F(DeployFeaturesTest, UndoOfARollbackPromotesTheReplacedVersionAndUnpins)
{
    // v5 goes live and is healthy; then it is rolled back (to v3: v4 was seen unhealthy).
    m_platform.deploy(QStringLiteral("v5"));
    auto p = pool();
    auto http = provider();
    RolloutService service(*p, *http, serviceConfig());
    ASSERT_TRUE(service.sync().ok());
    auto noUndo = service.planUndo();
    ASSERT_FALSE(noUndo.ok());
    EXPECT_NE(noUndo.error().message.indexOf(QStringLiteral("not pinned by a rollback")), -1);
    ASSERT_TRUE(m_admin->exec(QStringLiteral("UPDATE ops.deployments SET health = 'failed' WHERE version = 'v4'")).ok());
    auto rollback = service.rollback(*service.planRollback(), QStringLiteral("errors"), newKey());
    ASSERT_TRUE(rollback.ok() && rollback->succeeded()) << (rollback ? rollback->message : rollback.error().message).toStdString();
    ASSERT_TRUE(m_platform.pinned());

    // Pinned: a new production build does not go live, and the tab shows why.
    m_platform.deploy(QStringLiteral("v6"));
    ASSERT_TRUE(service.sync().ok());
    EXPECT_EQ(m_platform.liveVersion(), QStringLiteral("v3"));
    auto snapshot = service.snapshot();
    ASSERT_TRUE(snapshot.ok());
    EXPECT_TRUE(snapshot->pinned);
    EXPECT_EQ(snapshot->undo, QStringLiteral("v3 -> v5 again"));
    ASSERT_GE(snapshot->rollouts.size(), 1);
    EXPECT_EQ(snapshot->rollouts[0].kind, QStringLiteral("rollback"));

    auto undo = service.planUndo();
    ASSERT_TRUE(undo.ok()) << undo.error().message.toStdString();
    EXPECT_EQ(undo->sentence(), QStringLiteral("Undo the rollback of production: promote v5 again (now v3)"));
    const QString key = newKey();
    auto outcome = service.run(*undo, QStringLiteral("false alarm"), key);
    ASSERT_TRUE(outcome.ok()) << outcome.error().message.toStdString();
    EXPECT_EQ(outcome->state, QStringLiteral("succeeded")) << outcome->message.toStdString();
    EXPECT_EQ(m_platform.promoteCalls(), 1);
    EXPECT_EQ(m_platform.liveVersion(), QStringLiteral("v5"));
    EXPECT_FALSE(m_platform.pinned());
    EXPECT_EQ(scalar(QStringLiteral("SELECT d.version || ' ' || e.pinned FROM ops.environments e "
                                    "JOIN ops.deployments d ON d.id = e.current_deployment WHERE e.name = 'production'")),
              QStringLiteral("v5 false"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT details->>'kind' FROM ops.audit_log WHERE subject = $1 AND action = 'rollout.requested'"),
                     {QStringLiteral("rollout %1").arg(outcome->rolloutId)}),
              QStringLiteral("undo"));
    // Same key again: reported, not repeated; and there is nothing left to undo.
    auto again = service.run(*undo, QString(), key);
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(m_platform.promoteCalls(), 1);
    EXPECT_FALSE(service.planUndo().ok());
    // The database itself refuses an undo that is not one (any target, not pinned).
    auto forged = m_admin->exec(QStringLiteral("SELECT ops.start_rollout(e.id, 'undo', d.id, '', 'forged-undo-1') "
                                               "FROM ops.environments e JOIN ops.deployments d ON d.environment_id = e.id "
                                               "WHERE e.name = 'production' AND d.version = 'v2'"));
    ASSERT_FALSE(forged.ok());
    EXPECT_NE(forged.error().message.indexOf(QStringLiteral("nothing to undo")), -1) << forged.error().message.toStdString();
}

TEST_F(DeployFeaturesTest, PromotionGateRefusesUntilSignedGoAndOnlyAnApproverMayOverride)
{
    const QString checkpoint = importPlanWithUnsignedGate();
    ASSERT_FALSE(checkpoint.isEmpty());
    const QString operatorLogin = createLogin(QStringLiteral("ops_operator"));
    const QString approverLogin = createLogin(QStringLiteral("ops_approver"));
    auto operatorPool = pool(operatorLogin);
    auto approverPool = pool(approverLogin);
    Environments asOperator = environments(*operatorPool);
    auto plan = asOperator.production->planPromotion(QStringLiteral("staging"));
    ASSERT_TRUE(plan.ok()) << plan.error().message.toStdString();
    EXPECT_EQ(plan->sentence(), QStringLiteral("Promote staging's v5 to production (now v4)"));

    // Refused without an override: the checkpoint is named; nothing recorded, provider untouched.
    auto refused = asOperator.production->run(*plan, QString(), newKey());
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().sqlstate, QStringLiteral("55006"));
    EXPECT_NE(refused.error().message.indexOf(QStringLiteral("checkpoint \"Launch readiness\" is not signed")), -1)
        << refused.error().message.toStdString();
    // An operator's override is refused too.
    auto operatorOverride = asOperator.production->run(*plan, QString(), newKey(), QStringLiteral("I say so"));
    ASSERT_FALSE(operatorOverride.ok());
    EXPECT_EQ(operatorOverride.error().sqlstate, QStringLiteral("42501")) << operatorOverride.error().message.toStdString();
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.rollouts")), QStringLiteral("0"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.deployments d JOIN ops.environments e ON e.id = d.environment_id "
                                    "WHERE e.name = 'production' AND d.version = 'v5'")),
              QStringLiteral("0")) << "a refused promotion leaves no trace";
    EXPECT_EQ(m_platform.promoteCalls(), 0);

    // An approver overrides with a written reason: promoted, recorded, audited.
    Environments asApprover = environments(*approverPool);
    auto approved = asApprover.production->planPromotion(QStringLiteral("staging"));
    ASSERT_TRUE(approved.ok());
    auto outcome = asApprover.production->run(*approved, QStringLiteral("ship v5"), newKey(),
                                              QStringLiteral("hotfix for the outage, checkpoint signed tomorrow"));
    ASSERT_TRUE(outcome.ok()) << outcome.error().message.toStdString();
    EXPECT_EQ(outcome->state, QStringLiteral("succeeded")) << outcome->message.toStdString();
    EXPECT_EQ(m_platform.liveVersion(), QStringLiteral("v5"));
    EXPECT_EQ(m_platform.promoteCalls(), 1);
    EXPECT_EQ(scalar(QStringLiteral("SELECT gate_override || ' by ' || requested_by FROM ops.rollouts")),
              QStringLiteral("hotfix for the outage, checkpoint signed tomorrow by ") + approverLogin);
    EXPECT_EQ(scalar(QStringLiteral("SELECT actor || ': ' || (details->>'reason') FROM ops.audit_log WHERE action = 'promotion.gate_overridden'")),
              approverLogin + QStringLiteral(": hotfix for the outage, checkpoint signed tomorrow"));

    // Signed Go: an operator promotes without any override.
    ASSERT_FALSE(scalar(QStringLiteral("SELECT ops.sign_checkpoint($1, 'go', 'ready', '{}')"), {checkpoint}).startsWith(QStringLiteral("ERROR")));
    m_platform.deploy(QStringLiteral("v7"), QStringLiteral("preview"));
    ASSERT_TRUE(asOperator.staging->sync().ok());
    ASSERT_TRUE(asOperator.production->sync().ok());
    auto next = asOperator.production->planPromotion(QStringLiteral("staging"));
    ASSERT_TRUE(next.ok()) << next.error().message.toStdString();
    auto go = asOperator.production->run(*next, QString(), newKey());
    ASSERT_TRUE(go.ok()) << go.error().message.toStdString();
    EXPECT_EQ(go->state, QStringLiteral("succeeded"));
    EXPECT_EQ(m_platform.liveVersion(), QStringLiteral("v7"));
}

TEST_F(DeployFeaturesTest, RollbackPastTheNewestMigrationWarns)
{
    auto p = pool();
    auto http = provider();
    RolloutService service(*p, *http, serviceConfig());
    ASSERT_TRUE(service.sync().ok());
    // The platform reported its newest migration, applied just before v3 was built.
    EXPECT_EQ(scalar(QStringLiteral("SELECT newest_migration FROM ops.environments WHERE name = 'production'")),
              QStringLiteral("0012_contacts_email_not_null"));
    auto toV3 = service.planRollback();
    ASSERT_TRUE(toV3.ok());
    EXPECT_TRUE(toV3->migrationWarning.isEmpty()) << toV3->migrationWarning.toStdString();
    auto toV2 = service.planRollback(QStringLiteral("dpl_demo_v2"));
    ASSERT_TRUE(toV2.ok());
    EXPECT_NE(toV2->migrationWarning.indexOf(QStringLiteral("v2 was built before the database migration 0012_contacts_email_not_null")), -1)
        << toV2->migrationWarning.toStdString();
    EXPECT_NE(toV2->migrationWarning.indexOf(QStringLiteral("the schema does not")), -1);
    auto snapshot = service.snapshot();
    ASSERT_TRUE(snapshot.ok());
    EXPECT_TRUE(snapshot->newestMigration.startsWith(QStringLiteral("0012_contacts_email_not_null (applied ")))
        << snapshot->newestMigration.toStdString();
}

TEST_F(DeployFeaturesTest, LockRefusesPromotionAndUndoNeverRollbackAndIsValidated)
{
    const QString operatorLogin = createLogin(QStringLiteral("ops_operator"));
    auto p = pool(operatorLogin);
    Environments e = environments(*p);
    auto& production = *e.production;
    const QDateTime until = QDateTime::currentDateTimeUtc().addSecs(3600);
    ASSERT_TRUE(production.lock(QStringLiteral("release freeze"), until).ok());
    auto snapshot = production.snapshot();
    ASSERT_TRUE(snapshot.ok());
    EXPECT_TRUE(snapshot->lock.startsWith(operatorLogin + QStringLiteral(": release freeze (until "))) << snapshot->lock.toStdString();

    auto promote = production.run(*production.planPromotion(QStringLiteral("staging")), QString(), newKey());
    ASSERT_FALSE(promote.ok());
    EXPECT_EQ(promote.error().sqlstate, QStringLiteral("55006"));
    EXPECT_NE(promote.error().message.indexOf(QStringLiteral("production is locked by ") + operatorLogin), -1)
        << promote.error().message.toStdString();
    EXPECT_NE(promote.error().message.indexOf(QStringLiteral("release freeze")), -1);

    auto rollback = production.rollback(*production.planRollback(), QString(), newKey());
    ASSERT_TRUE(rollback.ok()) << rollback.error().message.toStdString();
    EXPECT_EQ(rollback->state, QStringLiteral("succeeded"));
    auto undo = production.run(*production.planUndo(), QString(), newKey());
    ASSERT_FALSE(undo.ok()) << "an undo is a promotion: the lock refuses it";
    EXPECT_NE(undo.error().message.indexOf(QStringLiteral("locked")), -1);

    // Bad input: a clear error, the lock as it was.
    auto noReason = production.lock(QStringLiteral("   "));
    ASSERT_FALSE(noReason.ok());
    EXPECT_NE(noReason.error().message.indexOf(QStringLiteral("needs a reason")), -1);
    auto past = production.lock(QStringLiteral("oops"), QDateTime::currentDateTimeUtc().addSecs(-60));
    ASSERT_FALSE(past.ok());
    EXPECT_NE(past.error().message.indexOf(QStringLiteral("in the past")), -1);
    EXPECT_EQ(scalar(QStringLiteral("SELECT reason FROM ops.environment_locks")), QStringLiteral("release freeze"));
    // A viewer can neither lock nor unlock.
    const QString viewer = createLogin(QStringLiteral("ops_viewer"));
    auto viewerConnection = TestCluster::shared().connect(m_options.database(), viewer);
    auto viewerUnlock = viewerConnection->exec(QStringLiteral("SELECT ops.unlock_environment(id) FROM ops.environments WHERE name = 'production'"));
    ASSERT_FALSE(viewerUnlock.ok());
    EXPECT_EQ(viewerUnlock.error().sqlstate, QStringLiteral("42501"));

    ASSERT_TRUE(production.unlock().ok());
    auto afterUnlock = production.run(*production.planUndo(), QString(), newKey());
    ASSERT_TRUE(afterUnlock.ok()) << afterUnlock.error().message.toStdString();
    EXPECT_EQ(scalar(QStringLiteral("SELECT string_agg(action, ',' ORDER BY id) FROM ops.audit_log WHERE action LIKE 'environment.%lock%'")),
              QStringLiteral("environment.locked,environment.unlocked"));
}

namespace {

class CommandRolloutTest : public RolloutTest, public ::testing::WithParamInterface<std::string> {};

} // namespace

// The command provider inside a real rollout: a command that exits 1 or hangs ends the rollout
// failed with the command's words, nothing half-recorded, the environment free again.
TEST_P(CommandRolloutTest, FailingOrHangingCommandEndsFailedWithTheMessage)
{
    auto p = pool();
    auto http = provider();
    RolloutService recorder(*p, *http, serviceConfig());
    ASSERT_TRUE(recorder.sync().ok());
    CommandDeployProvider::Config config;
    config.timeout = 700ms;
    config.rollbackTemplate = GetParam() == "exit1"
        ? QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"), QStringLiteral("echo rolling back to \"$0\"; echo 'Error: no such deployment' >&2; exit 1"),
                      QStringLiteral("{deployment}")}
        : QStringList{QStringLiteral("/bin/sh"), QStringLiteral("-c"), QStringLiteral("echo waiting for the platform; sleep 30")};
    CommandDeployProvider command(config);
    RolloutService service(*p, command, serviceConfig());
    QStringList progress;
    service.setProgressListener([&](const QString& line) { progress << line; });
    auto plan = service.planRollback();
    ASSERT_TRUE(plan.ok());
    auto outcome = service.rollback(*plan, QString(), newKey());
    ASSERT_TRUE(outcome.ok()) << outcome.error().message.toStdString();
    EXPECT_EQ(outcome->state, QStringLiteral("failed"));
    const QString expected = GetParam() == "exit1" ? QStringLiteral("exited with 1: rolling back to dpl_demo_v3\nError: no such deployment")
                                                                 : QStringLiteral("did not finish within 700 ms");
    EXPECT_NE(outcome->message.indexOf(expected), -1) << outcome->message.toStdString();
    EXPECT_TRUE(progress.contains(GetParam() == "exit1" ? QStringLiteral("| rolling back to dpl_demo_v3")
                                                                      : QStringLiteral("| waiting for the platform")))
        << progress.join(QLatin1Char('\n')).toStdString();
    EXPECT_EQ(scalar(QStringLiteral("SELECT state || ': ' || message FROM ops.rollouts")), QStringLiteral("failed: ") + outcome->message);
    EXPECT_EQ(scalar(QStringLiteral("SELECT d.version FROM ops.environments e JOIN ops.deployments d ON d.id = e.current_deployment")),
              QStringLiteral("v4"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.rollouts WHERE finished_at IS NULL")), QStringLiteral("0"));
}

INSTANTIATE_TEST_SUITE_P(Commands, CommandRolloutTest, ::testing::Values(std::string("exit1"), std::string("hangs")),
                         [](const auto& info) { return info.param; });
