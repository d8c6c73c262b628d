// SPDX-License-Identifier: MIT
// Rollouts end to end: a real PostgreSQL (fixture), the demo platform over loopback HTTP, the HTTP
// provider, and two "consoles" (two pools logged in as two operators) racing for one environment.
#include "RolloutFixture.h"

#include <QCoreApplication>

#include <latch>
#include <thread>

using namespace ops::services;
using ops::testing::TestCluster;
using namespace std::chrono_literals;

TEST_F(RolloutTest, RollbackFromTheBadVersionMakesHealthHealthyAndIsAudited)
{
    auto p = pool();
    auto http = provider();
    RolloutService service(*p, *http, serviceConfig());
    ASSERT_TRUE(service.sync().ok());
    EXPECT_EQ(scalar(QStringLiteral("SELECT health FROM ops.deployments WHERE version = 'v4'")), QStringLiteral("failed"));
    auto plan = service.planRollback();
    ASSERT_TRUE(plan.ok()) << plan.error().toString().toStdString();
    EXPECT_EQ(plan->sentence(), QStringLiteral("Roll back production from v4 to v3"));

    auto outcome = service.rollback(*plan, QStringLiteral("v4 errors & timeouts"), newKey());
    ASSERT_TRUE(outcome.ok()) << outcome.error().toString().toStdString();
    EXPECT_EQ(outcome->state, QStringLiteral("succeeded")) << outcome->message.toStdString();
    EXPECT_EQ(m_platform.liveVersion(), QStringLiteral("v3"));
    EXPECT_TRUE(m_platform.pinned());
    EXPECT_EQ(m_platform.rollbackCalls(), 1);
    auto health = HealthVerifier::readHealth(m_platform.baseUrl(), QStringLiteral("/api/health"), 2000ms);
    ASSERT_TRUE(health.ok());
    EXPECT_EQ(health->value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));

    EXPECT_EQ(scalar(QStringLiteral("SELECT d.version || ' ' || e.pinned FROM ops.environments e "
                                    "JOIN ops.deployments d ON d.id = e.current_deployment")), QStringLiteral("v3 true"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT string_agg(action, ',' ORDER BY id) FROM ops.audit_log WHERE subject = $1"),
                     {QStringLiteral("rollout %1").arg(outcome->rolloutId)}),
              QStringLiteral("rollout.requested,rollout.running,rollout.verifying,rollout.succeeded"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT reason FROM ops.rollouts")), QStringLiteral("v4 errors & timeouts"));

    // The same click again (same key): reported, not repeated.
    auto again = service.rollback(*plan, QString(), scalar(QStringLiteral("SELECT idempotency_key FROM ops.rollouts")));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->rolloutId, outcome->rolloutId);
    EXPECT_EQ(again->state, QStringLiteral("succeeded"));
    EXPECT_EQ(m_platform.rollbackCalls(), 1);
}

TEST_F(RolloutTest, RollingForwardToTheBadVersionNeedsAttentionWithEvidence)
{
    auto p = pool();
    auto http = provider();
    RolloutService service(*p, *http, serviceConfig());
    ASSERT_TRUE(service.sync().ok());
    ASSERT_TRUE(service.rollback(*service.planRollback(), QString(), newKey()).ok());
    auto toBad = service.planRollback(QStringLiteral("dpl_demo_v4"));
    ASSERT_TRUE(toBad.ok());
    auto outcome = service.rollback(*toBad, QString(), newKey());
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome->state, QStringLiteral("needs_attention"));
    EXPECT_NE(outcome->message.indexOf(QStringLiteral("unhealthy")), -1) << outcome->message.toStdString();
    EXPECT_EQ(scalar(QStringLiteral("SELECT evidence->'health'->>'status' FROM ops.rollouts WHERE id = $1"), {outcome->rolloutId}),
              QStringLiteral("unhealthy"));
}

TEST_F(RolloutTest, TwoConsolesAtTheSameInstantExactlyOneProviderCallOtherToldTheHolder)
{
    const QString alice = createLogin(QStringLiteral("ops_operator"));
    const QString bob = createLogin(QStringLiteral("ops_operator"));
    auto poolA = pool(alice), poolB = pool(bob);
    auto httpA = provider(), httpB = provider();
    RolloutService a(*poolA, *httpA, serviceConfig()), b(*poolB, *httpB, serviceConfig());
    ASSERT_TRUE(a.sync().ok());
    auto planA = a.planRollback(), planB = b.planRollback();
    ASSERT_TRUE(planA.ok() && planB.ok());
    m_platform.setProviderDelayMs(400);  // the winner's rollout stays unfinished while the other asks

    std::latch go(2);
    std::optional<Result<RolloutOutcome>> resultA, resultB;
    std::thread ta([&] { go.arrive_and_wait(); resultA.emplace(a.rollback(*planA, QStringLiteral("A"), newKey())); });
    std::thread tb([&] { go.arrive_and_wait(); resultB.emplace(b.rollback(*planB, QStringLiteral("B"), newKey())); });
    ta.join();
    tb.join();

    EXPECT_EQ(m_platform.rollbackCalls(), 1);
    ASSERT_NE(resultA->ok(), resultB->ok()) << "exactly one console may roll back";
    const auto& winner = resultA->ok() ? *resultA : *resultB;
    const auto& loser = resultA->ok() ? *resultB : *resultA;
    const QString winnerName = resultA->ok() ? alice : bob;
    EXPECT_EQ(winner->state, QStringLiteral("succeeded"));
    EXPECT_EQ(loser.error().sqlstate, QStringLiteral("55006"));
    EXPECT_NE(loser.error().message.indexOf(winnerName), -1) << loser.error().message.toStdString();
    EXPECT_NE(loser.error().message.indexOf(QStringLiteral("to v3 since")), -1) << loser.error().message.toStdString();
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.rollouts")), QStringLiteral("1"));
}

class ProviderFailureTest : public RolloutTest, public ::testing::WithParamInterface<DemoPlatform::ProviderFailure> {};

TEST_P(ProviderFailureTest, EndsFailedWithTheMessageAndNothingHalfRecorded)
{
    auto p = pool();
    auto http = provider(600ms);
    RolloutService service(*p, *http, serviceConfig());
    ASSERT_TRUE(service.sync().ok());
    auto plan = service.planRollback();
    ASSERT_TRUE(plan.ok());
    m_platform.setProviderFailure(GetParam());
    auto outcome = service.rollback(*plan, QString(), newKey());
    ASSERT_TRUE(outcome.ok()) << outcome.error().toString().toStdString();
    EXPECT_EQ(outcome->state, QStringLiteral("failed"));
    const char* expected = GetParam() == DemoPlatform::ProviderFailure::Http500 ? "HTTP 500: An unexpected internal error"
                           : GetParam() == DemoPlatform::ProviderFailure::Hang  ? "no complete answer within 600 ms"
                                                                                : "non-JSON answer: <html>";
    EXPECT_NE(outcome->message.indexOf(QLatin1String(expected)), -1) << outcome->message.toStdString();
    EXPECT_EQ(m_platform.rollbackCalls(), 1) << "writes are never retried";
    EXPECT_EQ(scalar(QStringLiteral("SELECT state || ': ' || message FROM ops.rollouts")),
              QStringLiteral("failed: ") + outcome->message);
    EXPECT_EQ(scalar(QStringLiteral("SELECT d.version FROM ops.environments e JOIN ops.deployments d ON d.id = e.current_deployment")),
              QStringLiteral("v4"));

    // Nothing left unfinished: the next attempt is allowed and works.
    m_platform.setProviderFailure(DemoPlatform::ProviderFailure::None);
    auto retry = service.rollback(*plan, QString(), newKey());
    ASSERT_TRUE(retry.ok()) << retry.error().toString().toStdString();
    EXPECT_EQ(retry->state, QStringLiteral("succeeded"));
}

INSTANTIATE_TEST_SUITE_P(Failures, ProviderFailureTest,
                         ::testing::Values(DemoPlatform::ProviderFailure::Http500, DemoPlatform::ProviderFailure::Hang,
                                           DemoPlatform::ProviderFailure::NonJson),
                         [](const auto& info) {
                             return std::string(info.param == DemoPlatform::ProviderFailure::Http500 ? "Http500"
                                                : info.param == DemoPlatform::ProviderFailure::Hang  ? "Timeout"
                                                                                                     : "NonJson");
                         });

TEST_F(RolloutTest, ReadsAreRetriedButGiveAClearErrorInTheEnd)
{
    m_platform.setProviderFailure(DemoPlatform::ProviderFailure::Http500);
    auto http = provider();
    auto list = http->listDeployments();
    ASSERT_FALSE(list.ok());
    EXPECT_EQ(http->requestsSent(), 3);
    EXPECT_NE(list.error().message.indexOf(QStringLiteral("HTTP 500")), -1);
    EXPECT_NE(list.error().message.indexOf(QStringLiteral("after 3 attempts")), -1);
    HttpDeployProvider::Config wrong;
    wrong.baseUrl = m_platform.baseUrl();
    wrong.projectId = QStringLiteral("prj_demo");
    wrong.token = "wrong";
    m_platform.setProviderFailure(DemoPlatform::ProviderFailure::None);
    auto refused = HttpDeployProvider(wrong).status();
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().kind, ErrorKind::Permission);
    EXPECT_EQ(refused.error().message.indexOf(QStringLiteral("wrong")), -1) << "the token never appears in messages";
}

TEST_F(RolloutTest, CrashRecoveryFinishesOrFailsUnfinishedRollouts)
{
    auto p = pool();
    auto http = provider();
    auto config = serviceConfig();
    config.staleSeconds = 1;
    RolloutService service(*p, *http, config);
    ASSERT_TRUE(service.sync().ok());
    auto plan = service.planRollback();
    ASSERT_TRUE(plan.ok());
    // A console that died right after the provider call: rollout "running", provider already at v3.
    const QString id = scalar(QStringLiteral("SELECT ops.start_rollout($1, 'rollback', $2, 'crash', 'crash-key-1')"),
                              {plan->environmentId, plan->targetId});
    ASSERT_FALSE(id.startsWith(QStringLiteral("ERROR"))) << id.toStdString();
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.advance_rollout($1, 'running', NULL, NULL)"), {id}), QString(""));
    ASSERT_TRUE(http->rollback(plan->targetProviderId, QStringLiteral("crash")).ok());

    auto early = service.recover();  // heartbeat is fresh: another console may still be driving it
    ASSERT_TRUE(early.ok());
    EXPECT_TRUE(early->isEmpty());
    ASSERT_TRUE(m_admin->exec(QStringLiteral("UPDATE ops.rollouts SET updated_at = now() - interval '1 hour'")).ok());
    auto recovered = service.recover();
    ASSERT_TRUE(recovered.ok()) << recovered.error().toString().toStdString();
    ASSERT_EQ(recovered->size(), 1);
    EXPECT_EQ(recovered->at(0).state, QStringLiteral("succeeded")) << recovered->at(0).message.toStdString();

    // A console that died before calling the provider: failed, and the environment is free again.
    auto back = service.planRollback(QStringLiteral("dpl_demo_v2"));
    ASSERT_TRUE(back.ok());
    scalar(QStringLiteral("SELECT ops.start_rollout($1, 'rollback', $2, 'crash', 'crash-key-2')"),
           {back->environmentId, back->targetId});
    ASSERT_TRUE(m_admin->exec(QStringLiteral("UPDATE ops.rollouts SET updated_at = now() - interval '1 hour' WHERE state = 'requested'")).ok());
    recovered = service.recover();
    ASSERT_TRUE(recovered.ok());
    ASSERT_EQ(recovered->size(), 1);
    EXPECT_EQ(recovered->at(0).state, QStringLiteral("failed"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.rollouts WHERE finished_at IS NULL")), QStringLiteral("0"));
}

TEST_F(RolloutTest, AViewerCannotStartARolloutNorWriteTheAuditLog)
{
    auto p = pool();
    auto http = provider();
    RolloutService service(*p, *http, serviceConfig());
    ASSERT_TRUE(service.sync().ok());
    auto plan = service.planRollback();
    ASSERT_TRUE(plan.ok());
    const QString viewer = createLogin(QStringLiteral("ops_viewer"));
    auto connection = TestCluster::shared().connect(m_options.database(), viewer);
    ASSERT_TRUE(connection);
    auto start = connection->exec(QStringLiteral("SELECT ops.start_rollout($1, 'rollback', $2, '', 'viewer-key-1')"),
                                  {plan->environmentId, plan->targetId});
    ASSERT_FALSE(start.ok());
    EXPECT_EQ(start.error().sqlstate, QStringLiteral("42501"));
    auto audit = connection->exec(QStringLiteral("SELECT ops.append_audit($1, 'x.y', '', '{}')"), {m_project});
    ASSERT_FALSE(audit.ok());
    EXPECT_EQ(audit.error().sqlstate, QStringLiteral("42501"));
    auto insert = connection->exec(QStringLiteral("INSERT INTO ops.rollouts (project_id, environment_id, kind, idempotency_key, target, requested_by) "
                                                  "VALUES ($1, $2, 'rollback', 'viewer-key-2', $3, 'x')"),
                                   {m_project, plan->environmentId, plan->targetId});
    ASSERT_FALSE(insert.ok());
    EXPECT_EQ(insert.error().sqlstate, QStringLiteral("42501"));
    // But it sees the history.
    auto read = connection->exec(QStringLiteral("SELECT count(*) FROM ops.deployments"));
    ASSERT_TRUE(read.ok());
    EXPECT_EQ(read->scalar(), QStringLiteral("4"));
}

TEST_F(RolloutTest, ALockedEnvironmentRefusesPromotionButNeverARollback)
{
    auto p = pool();
    auto http = provider();
    RolloutService service(*p, *http, serviceConfig());
    ASSERT_TRUE(service.sync().ok());
    auto plan = service.planRollback();
    ASSERT_TRUE(plan.ok());
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.lock_environment($1, 'release freeze', NULL)"), {plan->environmentId}), QString(""));
    auto promote = m_admin->exec(QStringLiteral("SELECT ops.start_rollout($1, 'promote', $2, '', 'promote-key-1')"),
                                 {plan->environmentId, plan->targetId});
    ASSERT_FALSE(promote.ok());
    EXPECT_NE(promote.error().message.indexOf(QStringLiteral("release freeze")), -1);
    auto outcome = service.rollback(*plan, QString(), newKey());
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome->state, QStringLiteral("succeeded"));
}

TEST_F(RolloutTest, PromotionGateRefusesPromotionWhileACheckpointIsNotGoButNeverARollback)
{
    auto p = pool();
    auto http = provider();
    RolloutService service(*p, *http, serviceConfig());
    ASSERT_TRUE(service.sync().ok());
    auto plan = service.planRollback();
    ASSERT_TRUE(plan.ok());
    // What the plan feature installs: one row per checkpoint that blocks promotion.
    ASSERT_TRUE(m_admin->execScript(QStringLiteral(
        "CREATE OR REPLACE FUNCTION ops.promotion_gate(p_project bigint) RETURNS TABLE (checkpoint_title text, decision text) "
        "LANGUAGE sql STABLE AS $$ SELECT 'Launch readiness'::text, 'No-Go'::text $$")).ok());
    auto promote = m_admin->exec(QStringLiteral("SELECT ops.start_rollout($1, 'promote', $2, '', 'promote-key-2')"),
                                 {plan->environmentId, plan->targetId});
    ASSERT_FALSE(promote.ok());
    EXPECT_NE(promote.error().message.indexOf(QStringLiteral("checkpoint \"Launch readiness\" is No-Go")), -1)
        << promote.error().message.toStdString();
    auto outcome = service.rollback(*plan, QString(), newKey());
    ASSERT_TRUE(outcome.ok());
    EXPECT_EQ(outcome->state, QStringLiteral("succeeded"));
}

// A viewer's console reads what operators recorded and changes nothing: before any operator has
// opened the tab it gets a clear "nothing recorded yet" (it used to fail on upsert_environment's
// permission check and stay on "Loading"), afterwards it sees the deployments, and its sync asks
// the provider nothing and records nothing.
TEST_F(RolloutTest, AViewerSeesWhatOperatorsRecordedAndRecordsNothing)
{
    const QString viewer = createLogin(QStringLiteral("ops_viewer"));
    auto viewerPool = pool(viewer);
    auto viewerProvider = provider();
    RolloutService viewerService(*viewerPool, *viewerProvider, serviceConfig());

    auto before = viewerService.snapshot();
    ASSERT_FALSE(before.ok());
    EXPECT_EQ(before.error().kind, ErrorKind::NotFound) << before.error().toString().toStdString();
    EXPECT_TRUE(before.error().message.contains(QStringLiteral("operator"))) << before.error().message.toStdString();
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.environments")), QStringLiteral("0"));

    auto operatorPool = pool(createLogin(QStringLiteral("ops_operator")));
    auto operatorProvider = provider();
    RolloutService operatorService(*operatorPool, *operatorProvider, serviceConfig());
    ASSERT_TRUE(operatorService.sync().ok());
    const QString recorded = scalar(QStringLiteral("SELECT count(*) FROM ops.deployments"));
    ASSERT_NE(recorded, QStringLiteral("0"));

    // The provider now has one deployment more; the viewer's sync must not record it.
    ASSERT_FALSE(m_platform.deploy(QStringLiteral("v-viewer-sees-nothing")).isEmpty());
    auto synced = viewerService.sync();
    EXPECT_TRUE(synced.ok()) << synced.error().toString().toStdString();
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.deployments")), recorded);

    auto after = viewerService.snapshot();
    ASSERT_TRUE(after.ok()) << after.error().toString().toStdString();
    EXPECT_EQ(QString::number(after->deployments.size()), recorded);
    EXPECT_EQ(after->roleLevel, QStringLiteral("viewer"));
}
