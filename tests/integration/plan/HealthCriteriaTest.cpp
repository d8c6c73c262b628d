// SPDX-License-Identifier: MIT
// Metric criteria measured from real Health samples (ops.health_metric): each threshold at the
// measured value, just below and just above it; no samples (or only old ones) is "not measured",
// never "met"; metrics Health does not measure go to the documented fallback only.
#include "PlanDatabaseTest.h"

#include "plan/CheckpointService.h"
#include "plan/HealthMetricSource.h"
#include "plan/PoolMetricSource.h"

#include <gtest/gtest.h>

using namespace ops::services;
using namespace ops::services::plan;

namespace {

class HealthCriteriaTest : public ops::testing::PlanDatabaseTest {
protected:
    HealthCriteriaTest() : PlanDatabaseTest(QStringLiteral("hc")) {}

    void SetUp() override
    {
        PlanDatabaseTest::SetUp();
        ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'test', 600000)"), {m_project}).ok());
        auto monitor = m_admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'api', 'http://127.0.0.1:1/', 1000)"), {m_project});
        ASSERT_TRUE(monitor.ok());
        m_monitor = monitor->toInt64(0, 0);
    }

    // `up` samples then `down` ones, one a second, all with `latencyMs`; the newest has `circuit`
    // and `platform`, `secondsAgo` is the newest sample's age.
    void samples(int up, int down, double latencyMs, const QString& circuit = QStringLiteral("CLOSED"),
                 const QString& platform = QStringLiteral("healthy"), int secondsAgo = 1)
    {
        auto inserted = m_admin->exec(QStringLiteral(
            "SELECT count(*) FILTER (WHERE ops.record_health_sample($1, 'test', now() - make_interval(secs => $6::int + i), "
            "  CASE WHEN i < $3::int THEN 'down' ELSE 'up' END, $4, 200, $5, $7, '{}', NULL)) "
            "FROM generate_series(0, $2::int + $3::int - 1) i"),
            {m_monitor, up, down, latencyMs, platform, secondsAgo, circuit});
        ASSERT_TRUE(inserted.ok()) << inserted.error().toString().toStdString();
        ASSERT_EQ(inserted->scalar(), QString::number(up + down));
    }

    CriterionEvaluation evaluate(const QString& text, MetricSource* fallback = nullptr)
    {
        auto expression = CriterionExpression::parse(text);
        EXPECT_TRUE(expression.ok()) << text.toStdString();
        HealthMetricSource source(*m_admin, m_project, fallback);
        return expression->evaluate(source);
    }

    CriterionState stateOf(const QString& text) { return evaluate(text).state; }

    qint64 m_monitor = 0;
};

} // namespace

TEST_F(HealthCriteriaTest, SuccessRateAndUptimeAtJustBelowAndJustAboveTheThreshold)
{
    samples(19, 1, 50.0);  // 95% up, 95% not down
    EXPECT_EQ(evaluate(QStringLiteral("success_rate(1h) > 95%")).measured, QStringLiteral("95%"));
    EXPECT_EQ(stateOf(QStringLiteral("success_rate(1h) > 95%")), CriterionState::NotMet);     // at
    EXPECT_EQ(stateOf(QStringLiteral("success_rate(1h) > 94.99%")), CriterionState::Met);     // value just above
    EXPECT_EQ(stateOf(QStringLiteral("success_rate(1h) > 95.01%")), CriterionState::NotMet);  // value just below
    EXPECT_EQ(stateOf(QStringLiteral("uptime(24h) >= 95%")), CriterionState::Met);
    EXPECT_EQ(stateOf(QStringLiteral("uptime(24h) >= 94.99%")), CriterionState::Met);
    EXPECT_EQ(stateOf(QStringLiteral("uptime(24h) >= 95.01%")), CriterionState::NotMet);
    EXPECT_EQ(stateOf(QStringLiteral("uptime(24h) >= 99.9%")), CriterionState::NotMet);
}

TEST_F(HealthCriteriaTest, P95LatencyAtJustBelowAndJustAboveTheThreshold)
{
    samples(20, 0, 200.0);
    EXPECT_EQ(evaluate(QStringLiteral("p95_latency(15m) < 200ms")).measured, QStringLiteral("200ms"));
    EXPECT_EQ(stateOf(QStringLiteral("p95_latency(15m) < 200ms")), CriterionState::NotMet);   // at
    EXPECT_EQ(stateOf(QStringLiteral("p95_latency(15m) <= 200ms")), CriterionState::Met);
    EXPECT_EQ(stateOf(QStringLiteral("p95_latency(15m) < 200.1ms")), CriterionState::Met);    // value just below
    EXPECT_EQ(stateOf(QStringLiteral("p95_latency(15m) < 199.9ms")), CriterionState::NotMet); // value just above
    EXPECT_EQ(stateOf(QStringLiteral("p95_latency(15m) < 0.2s")), CriterionState::NotMet);
}

TEST_F(HealthCriteriaTest, CircuitStateAndHealthStatusFollowTheLatestSample)
{
    samples(5, 0, 20.0);
    EXPECT_EQ(stateOf(QStringLiteral("circuit_state == CLOSED")), CriterionState::Met);
    EXPECT_EQ(stateOf(QStringLiteral("health_status == healthy")), CriterionState::Met);
    samples(1, 0, 20.0, QStringLiteral("OPEN"), QStringLiteral("degraded"), 0);
    const CriterionEvaluation circuit = evaluate(QStringLiteral("circuit_state == CLOSED"));
    EXPECT_EQ(circuit.state, CriterionState::NotMet);
    EXPECT_EQ(circuit.measured, QStringLiteral("OPEN"));
    EXPECT_EQ(stateOf(QStringLiteral("health_status == healthy")), CriterionState::NotMet);
    EXPECT_EQ(stateOf(QStringLiteral("health_status != healthy")), CriterionState::Met);
}

TEST_F(HealthCriteriaTest, NoSamplesOrOnlyOldOnesAreNotMeasuredNeverMet)
{
    // A pool that would say "met" for everything: it must not be asked for Health's metrics.
    PoolMetrics perfect;
    perfect.calls = 100;
    perfect.queryLatency.count = 10;
    perfect.queryLatency.p95Ms = 1.0;
    perfect.queryLatency.meanMs = 1.0;
    PoolMetricSource pool([&perfect] { return perfect; });
    for (const char* text : {"success_rate(1h) > 95%", "p95_latency(15m) < 200ms", "circuit_state == CLOSED",
                             "health_status == healthy", "uptime(24h) >= 99.9%", "success_rate(1h) != 50%",
                             "health_status != down", "error_rate(1h) < 5%"}) {
        const CriterionEvaluation evaluation = evaluate(QString::fromUtf8(text), &pool);
        EXPECT_EQ(evaluation.state, CriterionState::NotMeasured) << text;
        EXPECT_FALSE(evaluation.reason.isEmpty()) << text;
    }
    // Samples two hours old are outside a one-hour window (but inside 24 h).
    samples(10, 0, 20.0, QStringLiteral("CLOSED"), QStringLiteral("healthy"), 7200);
    EXPECT_EQ(stateOf(QStringLiteral("success_rate(1h) > 95%")), CriterionState::NotMeasured);
    EXPECT_EQ(stateOf(QStringLiteral("circuit_state == CLOSED")), CriterionState::NotMeasured);  // default window 15 min
    EXPECT_EQ(stateOf(QStringLiteral("uptime(24h) >= 99.9%")), CriterionState::Met);
}

TEST_F(HealthCriteriaTest, MetricsHealthDoesNotMeasureUseTheFallbackOnly)
{
    samples(10, 0, 20.0);
    EXPECT_EQ(stateOf(QStringLiteral("mean_latency(15m) < 200ms")), CriterionState::NotApplicable);
    PoolMetrics metrics;
    metrics.queryLatency.count = 5;
    metrics.queryLatency.meanMs = 150.0;
    PoolMetricSource pool([&metrics] { return metrics; });
    EXPECT_EQ(evaluate(QStringLiteral("mean_latency(15m) < 200ms"), &pool).state, CriterionState::Met);
    metrics.queryLatency.meanMs = 250.0;
    EXPECT_EQ(evaluate(QStringLiteral("mean_latency(15m) < 200ms"), &pool).state, CriterionState::NotMet);
}

TEST_F(HealthCriteriaTest, AViewerOfAnotherProjectSeesNoSamples)
{
    samples(10, 0, 20.0);
    // A viewer who is a member of a different project: row-level security hides the samples.
    auto other = m_admin->exec(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ('other', 'other') RETURNING id"));
    ASSERT_TRUE(other.ok());
    const QString name = ops::testing::TestCluster::createMember(*m_admin, QStringLiteral("ops_viewer"), other->toInt64(0, 0),
                                                                 QStringLiteral("hco"));
    auto outsider = ops::testing::TestCluster::shared().connect(m_database, name);
    ASSERT_TRUE(outsider);
    HealthMetricSource source(*outsider, m_project);
    auto expression = CriterionExpression::parse(QStringLiteral("success_rate(1h) > 95%"));
    EXPECT_EQ(expression->evaluate(source).state, CriterionState::NotMeasured);
    auto viewer = loginAs(QStringLiteral("ops_viewer"));
    HealthMetricSource member(*viewer, m_project);
    EXPECT_EQ(expression->evaluate(member).state, CriterionState::Met);
}

TEST_F(HealthCriteriaTest, TheWeek1Day4CheckpointTurnsGreenFromSamples)
{
    ASSERT_GT(importPlan(*m_admin, planFile(QStringLiteral("week1-master-plan.md"))), 0);
    ASSERT_TRUE(m_admin->exec(QStringLiteral(
        "SELECT ops.sign_checkpoint(id, 'go', '', '{}') FROM ops.checkpoints WHERE title IN ('Day 1 EOD Checkpoint', 'Day 3 EOD Checkpoint')")).ok());
    auto gate = CheckpointService::nextGate(*m_admin, m_project);
    ASSERT_TRUE(gate.ok() && gate->has_value());
    CheckpointStatus status = CheckpointService::evaluateLive(*m_admin, m_project, **gate, nullptr);
    EXPECT_EQ(status.criteria[1].evaluation.state, CriterionState::NotMeasured);
    EXPECT_EQ(status.criteria[2].evaluation.state, CriterionState::NotMeasured);
    samples(30, 0, 80.0);
    status = CheckpointService::evaluateLive(*m_admin, m_project, **gate, nullptr);
    EXPECT_EQ(status.criteria[1].evaluation.state, CriterionState::Met);
    EXPECT_EQ(status.criteria[2].evaluation.state, CriterionState::Met);
    EXPECT_EQ(status.criteria[2].evaluation.measured, QStringLiteral("80ms"));
    EXPECT_FALSE(status.allMet());  // "All tests passing?" is still unticked
}
