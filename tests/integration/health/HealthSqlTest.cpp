// SPDX-License-Identifier: MIT
// 0003_health.sql against a real server: idempotent monitors, the lease (take-over only after
// expiry, fencing of writes), samples + rollups + NOTIFY, retention by whole partitions, and
// ops.health_metric's figures.
#include "TestCluster.h"

#include <QCoreApplication>
#include <QThread>

#include <gtest/gtest.h>

#include <libpq-fe.h>

using namespace ops::services;
using ops::testing::TestCluster;

namespace {

class HealthSqlTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_database = database->database();
        m_admin = TestCluster::shared().connect(m_database);
        ASSERT_TRUE(m_admin);
        m_project = m_admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
    }

    QString scalar(const QString& sql, const SqlParams& params = {})
    {
        auto result = m_admin->exec(sql, params);
        if (!result)
            return QStringLiteral("ERROR ") + result.error().sqlstate + QLatin1Char(' ') + result.error().message;
        return result->scalar();
    }

    qint64 monitor(const QString& name)
    {
        return scalar(QStringLiteral("SELECT ops.ensure_monitor($1, $2, 'http://127.0.0.1:1/api/health', 1000)"),
                      {m_project, name}).toLongLong();
    }

    QString record(qint64 monitorId, const QString& collector, const QString& at, const QString& state,
                   double latency, const QString& platform = QStringLiteral("healthy"),
                   const QString& circuit = QStringLiteral("CLOSED"), const QString& metrics = QStringLiteral("{}"))
    {
        return scalar(QStringLiteral("SELECT ops.record_health_sample($1, $2, $3::timestamptz, $4, $5, 200, $6, $7, $8::jsonb, NULL)"),
                      {monitorId, collector, at, state, latency, platform, circuit, metrics});
    }

    QString m_database;
    std::unique_ptr<Connection> m_admin;
    qint64 m_project = 0;
};

} // namespace

TEST_F(HealthSqlTest, EnsureMonitorIsIdempotentByProjectAndName)
{
    const qint64 first = monitor(QStringLiteral("api"));
    ASSERT_GT(first, 0);
    EXPECT_EQ(monitor(QStringLiteral("api")), first);
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.monitors")), QStringLiteral("1"));
    // Unchanged: audited once only. Changed: audited again, same id.
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.audit_log WHERE action = 'health.monitor.saved'")), QStringLiteral("1"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.ensure_monitor($1, 'api', 'http://127.0.0.1:2/', 5000)"), {m_project}).toLongLong(), first);
    EXPECT_EQ(scalar(QStringLiteral("SELECT interval_ms FROM ops.monitors WHERE id = $1"), {first}), QStringLiteral("5000"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.audit_log WHERE action = 'health.monitor.saved'")), QStringLiteral("2"));
}

TEST_F(HealthSqlTest, LeaseIsTakenOverOnlyAfterExpiryAndFencesWrites)
{
    const qint64 id = monitor(QStringLiteral("api"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'a', 400)"), {m_project}), QStringLiteral("t"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'b', 400)"), {m_project}), QStringLiteral("f"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.renew_collector_lease($1, 'a', 400)"), {m_project}), QStringLiteral("t"));
    EXPECT_EQ(record(id, QStringLiteral("b"), QStringLiteral("2026-01-01T00:00:00Z"), QStringLiteral("up"), 5), QStringLiteral("f"));
    EXPECT_EQ(record(id, QStringLiteral("a"), QStringLiteral("2026-01-01T00:00:00Z"), QStringLiteral("up"), 5), QStringLiteral("t"));
    QThread::msleep(500);
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.renew_collector_lease($1, 'a', 400)"), {m_project}), QStringLiteral("f"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'b', 400)"), {m_project}), QStringLiteral("t"));
    EXPECT_EQ(record(id, QStringLiteral("a"), QStringLiteral("2026-01-01T00:00:01Z"), QStringLiteral("up"), 5), QStringLiteral("f"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.release_collector_lease($1, 'b')"), {m_project}), QStringLiteral("t"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'a', 400)"), {m_project}), QStringLiteral("t"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.health_samples")), QStringLiteral("1"));
}

TEST_F(HealthSqlTest, SampleCreatesItsPartitionRollsUpAndNotifies)
{
    const qint64 id = monitor(QStringLiteral("api"));
    ASSERT_TRUE(m_admin->exec(QStringLiteral("LISTEN ops_health")).ok());
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'a', 60000)"), {m_project}), QStringLiteral("t"));
    for (int second = 0; second < 20; ++second)
        ASSERT_EQ(record(id, QStringLiteral("a"), QStringLiteral("2025-03-04T05:06:%1Z").arg(second, 2, 10, QLatin1Char('0')),
                         QStringLiteral("up"), second + 1.0), QStringLiteral("t"));
    EXPECT_NE(scalar(QStringLiteral("SELECT to_regclass('ops.health_samples_p20250304')")), QString());
    EXPECT_EQ(scalar(QStringLiteral("SELECT samples || '/' || up || '/' || latency_min || '/' || latency_max FROM ops.health_rollups_1m "
                                    "WHERE monitor_id = $1 AND bucket = '2025-03-04T05:06:00Z'"), {id}),
              QStringLiteral("20/20/1/20"));
    PQconsumeInput(m_admin->raw());
    int notifications = 0;
    while (PGnotify* n = PQnotifies(m_admin->raw())) {
        EXPECT_STREQ(n->relname, "ops_health");
        ++notifications;
        PQfreemem(n);
    }
    EXPECT_EQ(notifications, 20);
    // The same sample twice is refused by the primary key.
    EXPECT_TRUE(record(id, QStringLiteral("a"), QStringLiteral("2025-03-04T05:06:00Z"), QStringLiteral("up"), 1).startsWith(QLatin1String("ERROR 23505")));
}

TEST_F(HealthSqlTest, RetentionDropsOnlyExpiredPartitions)
{
    const qint64 id = monitor(QStringLiteral("api"));
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'a', 60000)"), {m_project}), QStringLiteral("t"));
    // Days 2025-06-01 .. 2025-06-10, one sample each.
    for (int day = 1; day <= 10; ++day)
        ASSERT_EQ(record(id, QStringLiteral("a"), QStringLiteral("2025-06-%1T12:00:00Z").arg(day, 2, 10, QLatin1Char('0')),
                         QStringLiteral("up"), 1), QStringLiteral("t"));
    // Now = 2025-06-10 12:00, 7 days kept: cutoff 2025-06-03, partitions whose day ends by then go.
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.apply_health_retention('2025-06-10T12:00:00Z')")), QStringLiteral("2"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT string_agg(to_char(sampled_at AT TIME ZONE 'UTC', 'DD'), ',' ORDER BY sampled_at) FROM ops.health_samples")),
              QStringLiteral("03,04,05,06,07,08,09,10"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT to_regclass('ops.health_samples_p20250602')")), QString());
    EXPECT_NE(scalar(QStringLiteral("SELECT to_regclass('ops.health_samples_p20250603')")), QString());
    // Again: nothing more expired.
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.apply_health_retention('2025-06-10T12:00:00Z')")), QStringLiteral("0"));
}

TEST_F(HealthSqlTest, HealthMetricFigures)
{
    // No samples: samples = 0, value NULL.
    auto empty = m_admin->exec(QStringLiteral("SELECT value, text_value, samples FROM ops.health_metric($1, 'p95_latency', '1 hour')"), {m_project});
    ASSERT_TRUE(empty.ok());
    EXPECT_TRUE(empty->isNull(0, 0));
    EXPECT_EQ(empty->text(0, 2), QStringLiteral("0"));

    const qint64 id = monitor(QStringLiteral("api"));
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'a', 60000)"), {m_project}), QStringLiteral("t"));
    // 100 samples in the last 100 s: latency 1..100, the 10 last down, the newest with circuit OPEN.
    for (int i = 1; i <= 100; ++i) {
        const QString at = scalar(QStringLiteral("SELECT (now() - make_interval(secs => $1))::text"), {101 - i});
        const bool down = i > 90;
        ASSERT_EQ(record(id, QStringLiteral("a"), at, down ? QStringLiteral("down") : QStringLiteral("up"), i,
                         down ? QStringLiteral("unhealthy") : QStringLiteral("healthy"),
                         i == 100 ? QStringLiteral("OPEN") : QStringLiteral("CLOSED"),
                         QStringLiteral("{\"throughput\": %1}").arg(i % 2 ? 10 : 20)), QStringLiteral("t"));
    }
    auto metric = [&](const char* name) {
        auto r = m_admin->exec(QStringLiteral("SELECT coalesce(round(value::numeric, 2)::text, 'null') || '|' || coalesce(text_value, '') || '|' || samples "
                                              "FROM ops.health_metric($1, $2, '1 hour')"), {m_project, QString::fromLatin1(name)});
        return r ? r->scalar() : r.error().message;
    };
    EXPECT_EQ(metric("success_rate"), QStringLiteral("90.00||100"));
    EXPECT_EQ(metric("error_rate"), QStringLiteral("10.00||100"));
    EXPECT_EQ(metric("uptime"), QStringLiteral("90.00||100"));
    EXPECT_EQ(metric("p50_latency"), QStringLiteral("50.50||100"));
    EXPECT_EQ(metric("p95_latency"), QStringLiteral("95.05||100"));
    EXPECT_EQ(metric("p99_latency"), QStringLiteral("99.01||100"));
    EXPECT_EQ(metric("throughput"), QStringLiteral("15.00||100"));
    EXPECT_EQ(metric("circuit_state"), QStringLiteral("2.00|OPEN|100"));
    EXPECT_EQ(metric("health_status"), QStringLiteral("2.00|unhealthy|100"));
    auto unknown = m_admin->exec(QStringLiteral("SELECT * FROM ops.health_metric($1, 'nope', '1 hour')"), {m_project});
    ASSERT_FALSE(unknown.ok());
    EXPECT_EQ(unknown.error().sqlstate, QStringLiteral("22023"));
}

// 0013: the jsonb metric charts and the circuit band read the rollups on long ranges, so samples
// whose raw partitions retention has dropped still show on a 30-day chart.
TEST_F(HealthSqlTest, MetricAndCircuitSeriesReachPastRawRetentionThroughRollups)
{
    const qint64 id = monitor(QStringLiteral("api"));
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'a', 60000)"), {m_project}), QStringLiteral("t"));
    // Seconds after the minute ten days ago: tps 100 and 300 in one minute (circuit CLOSED, then
    // OPEN), a maintenance sample whose 9999 must not count, a text field that is not a number.
    auto old = [&](int second, const QString& state, const QString& circuit, const QString& metrics) {
        return scalar(QStringLiteral("SELECT ops.record_health_sample($1, 'a', date_trunc('minute', now()) - interval '10 days' "
                                     "+ make_interval(secs => $2), $3, 10, 200, 'healthy', $4, $5::jsonb, NULL)"),
                      {id, second, state, circuit, metrics});
    };
    ASSERT_EQ(old(1, QStringLiteral("up"), QStringLiteral("CLOSED"), QStringLiteral(R"({"tps": 100, "version": "1.2"})")), QStringLiteral("t"));
    ASSERT_EQ(old(2, QStringLiteral("up"), QStringLiteral("OPEN"), QStringLiteral(R"({"tps": 300, "pool.in_use": 4})")), QStringLiteral("t"));
    ASSERT_EQ(old(3, QStringLiteral("maintenance"), QStringLiteral("OPEN"), QStringLiteral(R"({"tps": 9999})")), QStringLiteral("t"));
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.record_health_sample($1, 'a', now() - interval '1 hour', 'up', 10, 200, 'healthy', "
                                    "'CLOSED', '{\"tps\": 50}', NULL)"), {id}), QStringLiteral("t"));

    // The minute row carries min/max/avg per numeric field and the circuit figures.
    EXPECT_EQ(scalar(QStringLiteral("SELECT metrics_min::text || ' ' || metrics_max::text || ' ' || metrics_avg::text || ' ' || circuit_worst "
                                    "|| ' ' || circuit_closed || '/' || circuit_half_open || '/' || circuit_open FROM ops.health_rollups_1m "
                                    "WHERE monitor_id = $1 AND bucket = date_trunc('minute', now()) - interval '10 days'"), {id}),
              QStringLiteral(R"({"tps": 100, "pool.in_use": 4} {"tps": 300, "pool.in_use": 4} {"tps": 200, "pool.in_use": 4} 2 1/0/1)"));

    // Default raw retention (7 days) drops the old day's partition; the rollups stay.
    EXPECT_GE(scalar(QStringLiteral("SELECT ops.apply_health_retention(now())")).toInt(), 1);
    ASSERT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.health_samples WHERE sampled_at < now() - interval '7 days'")), QStringLiteral("0"));

    // What the client asks for a 30-day range (columns 43 minutes wide: the 10-minute rows):
    // the old bucket with its lowest and highest tps and the worst circuit state, and the recent one.
    const QString series = QStringLiteral(
        "SELECT coalesce(string_agg(metric_index || ':' || low || '-' || high, ' ' ORDER BY metric_index, first_ms), '') "
        "FROM ops.health_series_set($1, NULL, ARRAY['tps', 'circuit', 'pool.in_use'], %1, now(), 1000, %2)");
    EXPECT_EQ(scalar(series.arg(QStringLiteral("now() - interval '30 days'"), QStringLiteral("true")), {m_project}),
              QStringLiteral("1:100-300 1:50-50 2:2-2 2:0-0 3:4-4"));
    // Columns narrower than ten minutes read the minute rows: the same figures.
    EXPECT_EQ(scalar(series.arg(QStringLiteral("now() - interval '11 days'"), QStringLiteral("true")).replace(QStringLiteral("now(), 1000"),
                                                                                                    QStringLiteral("now() - interval '9 days', 1000")),
                     {m_project}),
              QStringLiteral("1:100-300 2:2-2 3:4-4"));
    // Without rollups only the recent raw sample is left: the rollups are what reach back.
    EXPECT_EQ(scalar(series.arg(QStringLiteral("now() - interval '30 days'"), QStringLiteral("false")), {m_project}),
              QStringLiteral("1:50-50 2:0-0"));
}
