// SPDX-License-Identifier: MIT
// Alerts, maintenance windows and uptime (0007) against a real server and real collectors: one
// alert per event even with two collectors and a take-over, acknowledgement only for operators
// (recorded and audited), maintenance mutes and is kept out of uptime, uptime counts only up time.
#include "CollectorTestBase.h"
#include "EventLoopWait.h"
#include "LoopbackHttpServer.h"
#include "TestCluster.h"

#include "db/Pool.h"
#include "health/HealthCollector.h"

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;
using namespace std::chrono_literals;

namespace {

class HealthAlertsTest : public CollectorTestBase {
protected:
    void SetUp() override { createDatabaseWithMonitor(1); }

    QString scalar(const QString& sql, const SqlParams& params = {}, Connection* as = nullptr)
    {
        auto r = (as ? as : m_admin.get())->exec(sql, params);
        return r ? r->scalar() : QStringLiteral("ERROR ") + r.error().sqlstate;
    }

    QString alerts()
    {
        return scalar(QStringLiteral("SELECT coalesce(string_agg(kind, ',' ORDER BY id), '') FROM ops.health_alerts WHERE monitor_id = $1"),
                      {m_monitor});
    }

    std::unique_ptr<Connection> member(const QString& group)
    {
        const QString name = TestCluster::createMember(*m_admin, group, m_project, QStringLiteral("alert"));
        return name.isEmpty() ? nullptr : TestCluster::shared().connect(m_options.database(), name);
    }
};

} // namespace

TEST_F(HealthAlertsTest, AMonitorGoingDownGivesExactlyOneAlertEvenWithTwoCollectorsAndATakeOver)
{
    auto poolA = pool();
    auto poolB = pool();
    HealthCollector a(*poolA, collectorConfig(QStringLiteral("console-a")));
    HealthCollector b(*poolB, collectorConfig(QStringLiteral("console-b")));
    int signalled = 0;
    for (HealthCollector* c : {&a, &b})
        QObject::connect(c, &HealthCollector::alertRaised, [&](qint64, qint64, const QString&, const QString&) { ++signalled; });
    m_server.flakyStatus = 503;
    a.start();
    ASSERT_TRUE(spinUntil([&] { return a.isLeader(); }, 3s));
    b.start();
    ASSERT_TRUE(spinUntil([&] { return alerts() == QLatin1String("monitor_down"); }, 6s)) << alerts().toStdString();
    spin(1500ms);

    // The leader dies while the monitor is down; the other takes over and its fresh state machine
    // goes pending -> down again: the database keeps the one open alert.
    HealthCollector& leader = a.isLeader() ? a : b;
    HealthCollector& other = a.isLeader() ? b : a;
    leader.halt();
    ASSERT_TRUE(spinUntil([&] { return other.isLeader(); }, 4s));
    const QString downSince = scalar(QStringLiteral("SELECT count(*) FROM ops.health_samples WHERE monitor_id = $1 AND state = 'down'"), {m_monitor});
    ASSERT_TRUE(spinUntil([&] {
        return scalar(QStringLiteral("SELECT count(*) FROM ops.health_samples WHERE monitor_id = $1 AND state = 'down'"), {m_monitor}).toInt()
               >= downSince.toInt() + 2;
    }, 6s));
    EXPECT_EQ(alerts(), QStringLiteral("monitor_down"));

    m_server.flakyStatus = 200;
    ASSERT_TRUE(spinUntil([&] { return alerts() == QLatin1String("monitor_down,monitor_up"); }, 4s)) << alerts().toStdString();
    spin(1500ms);
    other.stop();
    EXPECT_EQ(alerts(), QStringLiteral("monitor_down,monitor_up"));
    EXPECT_EQ(signalled, 2);
    // The down came from the first leader, the up from the one that took over.
    EXPECT_EQ(scalar(QStringLiteral("SELECT string_agg(raised_by, ',' ORDER BY id) FROM ops.health_alerts WHERE monitor_id = $1"), {m_monitor}),
              leader.holder() + QLatin1Char(',') + other.holder());
}

TEST_F(HealthAlertsTest, OnlyTheLeaseHolderRaisesAndPairsAreKept)
{
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'leader', 60000)"), {m_project}), QStringLiteral("t"));
    auto raise = [&](const char* collector, const char* kind, const char* subject = "") {
        return scalar(QStringLiteral("SELECT coalesce(ops.raise_health_alert($1, $2, $3, $4, 'm')::text, 'refused')"),
                      {m_monitor, collector, kind, subject});
    };
    EXPECT_EQ(raise("other", "monitor_down"), QStringLiteral("refused"));  // not the lease holder
    EXPECT_EQ(raise("leader", "monitor_up"), QStringLiteral("refused"));   // nothing open to close
    EXPECT_NE(raise("leader", "monitor_down"), QStringLiteral("refused"));
    EXPECT_EQ(raise("leader", "monitor_down"), QStringLiteral("refused"));  // still open
    EXPECT_NE(raise("leader", "threshold_breached", "latency_p95 > 200 for 300 s"), QStringLiteral("refused"));
    EXPECT_NE(raise("leader", "threshold_breached", "error_rate > 1 for 60 s"), QStringLiteral("refused"));  // another rule
    EXPECT_NE(raise("leader", "threshold_cleared", "latency_p95 > 200 for 300 s"), QStringLiteral("refused"));
    EXPECT_NE(raise("leader", "monitor_up"), QStringLiteral("refused"));
    EXPECT_EQ(alerts(), QStringLiteral("monitor_down,threshold_breached,threshold_breached,threshold_cleared,monitor_up"));
}

TEST_F(HealthAlertsTest, AcknowledgeNeedsAnOperatorAndRecordsWhoAndWhen)
{
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'leader', 60000)"), {m_project}), QStringLiteral("t"));
    const QString alert = scalar(QStringLiteral("SELECT ops.raise_health_alert($1, 'leader', 'monitor_down', '', 'platform is down')"), {m_monitor});
    ASSERT_GT(alert.toLongLong(), 0);
    auto viewer = member(QStringLiteral("ops_viewer"));
    auto operatorRole = member(QStringLiteral("ops_operator"));
    ASSERT_TRUE(viewer && operatorRole);
    // A viewer sees the alert (row-level security by membership) but cannot acknowledge it.
    EXPECT_EQ(scalar(QStringLiteral("SELECT message FROM ops.health_alerts WHERE id = $1"), {alert}, viewer.get()),
              QStringLiteral("platform is down"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.acknowledge_health_alert($1)"), {alert}, viewer.get()), QStringLiteral("ERROR 42501"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT acknowledged_at IS NULL FROM ops.health_alerts WHERE id = $1"), {alert}), QStringLiteral("t"));

    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.acknowledge_health_alert($1)"), {alert}, operatorRole.get()), QStringLiteral("t"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.acknowledge_health_alert($1)"), {alert}, operatorRole.get()), QStringLiteral("f"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT acknowledged_by = $2 AND acknowledged_at > raised_at FROM ops.health_alerts WHERE id = $1"),
                     {alert, scalar(QStringLiteral("SELECT session_user"), {}, operatorRole.get())}),
              QStringLiteral("t"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.audit_log WHERE action = 'health.alert.acknowledged' AND subject = 'alert ' || $1"),
                     {alert}),
              QStringLiteral("1"));
    // Nobody writes the table directly.
    EXPECT_EQ(scalar(QStringLiteral("UPDATE ops.health_alerts SET acknowledged_at = NULL"), {}, operatorRole.get()), QStringLiteral("ERROR 42501"));
}

TEST_F(HealthAlertsTest, MaintenanceMutesAlertsAndIsKeptOutOfUptime)
{
    ASSERT_GT(scalar(QStringLiteral("SELECT ops.add_maintenance_once($1, $2, now() - interval '1 minute', now() + interval '1 hour', 'db upgrade')"),
                     {m_project, m_monitor}).toLongLong(), 0);
    auto p = pool();
    HealthCollector collector(*p, collectorConfig(QStringLiteral("console-a")));
    QStringList states;
    QObject::connect(&collector, &HealthCollector::sampleWritten, [&](qint64, const QString& state) { states << state; });
    m_server.flakyStatus = 500;
    collector.start();
    ASSERT_TRUE(spinUntil([&] { return states.size() >= 4; }, 8s));
    collector.stop();
    EXPECT_EQ(states.filter(QStringLiteral("maintenance")).size(), states.size()) << states.join(QLatin1Char(',')).toStdString();
    EXPECT_EQ(m_server.requests(QStringLiteral("/flaky")), 0) << "no checks during the window";
    EXPECT_EQ(alerts(), QString());
    EXPECT_EQ(scalar(QStringLiteral("SELECT coalesce(uptime::text, 'unknown') || ' ' || counted || ' ' || (maintenance >= 4) "
                                    "FROM ops.health_uptime($1, '1 day') WHERE monitor_id = $2"), {m_project, m_monitor}),
              QStringLiteral("unknown 0 true"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.audit_log WHERE action = 'health.maintenance.added'")), QStringLiteral("1"));
}

TEST_F(HealthAlertsTest, MaintenanceWindowsAreChecked)
{
    const SqlParams weekly = {m_project, m_monitor};
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.add_maintenance_weekly($1, $2, 7, '02:30', 60, 'Mars/Olympus_Mons')"), weekly),
              QStringLiteral("ERROR 22023"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.add_maintenance_weekly($1, $2, 8, '02:30', 60, 'Europe/Berlin')"), weekly),
              QStringLiteral("ERROR 23514"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.add_maintenance_once($1, $2, now(), now() - interval '1 s')"), weekly),
              QStringLiteral("ERROR 22023"));
    const QString id = scalar(QStringLiteral("SELECT ops.add_maintenance_weekly($1, NULL, 7, '02:30', 60, 'Europe/Berlin', 'patching')"), {m_project});
    ASSERT_GT(id.toLongLong(), 0);
    auto viewer = member(QStringLiteral("ops_viewer"));
    ASSERT_TRUE(viewer);
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.remove_maintenance_window($1)"), {id}, viewer.get()), QStringLiteral("ERROR 42501"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.remove_maintenance_window($1)"), {id}), QStringLiteral("t"));
}

TEST_F(HealthAlertsTest, UptimeCountsOnlyUpTimeAndIsUnknownWithoutData)
{
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'leader', 60000)"), {m_project}), QStringLiteral("t"));
    const qint64 quiet = scalar(QStringLiteral("SELECT ops.ensure_monitor($1, 'quiet', 'http://127.0.0.1:1/', 1000)"), {m_project}).toLongLong();
    // 6 up, 2 pending (failed checks, retries not used up), 2 down, 5 in maintenance.
    const char* states[] = {"up", "up", "up", "pending", "pending", "down", "down", "up", "up", "up",
                            "maintenance", "maintenance", "maintenance", "maintenance", "maintenance"};
    int second = 100;
    for (const char* state : states) {
        ASSERT_EQ(scalar(QStringLiteral("SELECT ops.record_health_sample($1, 'leader', now() - make_interval(secs => $2), $3, 5, 200, "
                                        "NULL, NULL, '{}', NULL)"), {m_monitor, second--, state}), QStringLiteral("t"));
    }
    auto uptime = [&](qint64 monitor, const char* window) {
        return scalar(QStringLiteral("SELECT coalesce(round(uptime::numeric, 2)::text, 'unknown') || ' ' || counted || ' ' || maintenance "
                                     "FROM ops.health_uptime($1, $2::interval) WHERE monitor_id = $3"), {m_project, window, monitor});
    };
    EXPECT_EQ(uptime(m_monitor, "24 hours"), QStringLiteral("60.00 10 5"));
    EXPECT_EQ(uptime(m_monitor, "30 days"), QStringLiteral("60.00 10 5"));
    EXPECT_EQ(uptime(quiet, "24 hours"), QStringLiteral("unknown 0 0"));  // never 100 % without data
    EXPECT_EQ(scalar(QStringLiteral("SELECT round(value::numeric, 2) FROM ops.health_metric($1, 'uptime', '1 hour')"), {m_project}),
              QStringLiteral("60.00"));
}

TEST_F(HealthAlertsTest, MonitorConfigRefusesStoredPasswords)
{
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.set_monitor_config($1, '{\"username\": \"u\", \"password\": \"p\"}')"), {m_monitor}),
              QStringLiteral("ERROR 22023"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT ops.set_monitor_config($1, '{\"username\": \"u\", \"secret\": \"metrics\"}')"), {m_monitor}),
              QString());
    EXPECT_EQ(scalar(QStringLiteral("SELECT config->>'secret' FROM ops.monitors WHERE id = $1"), {m_monitor}), QStringLiteral("metrics"));
}

TEST_F(HealthAlertsTest, CircuitFigureIsTheWorstOfEveryMonitorsLatest)
{
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.acquire_collector_lease($1, 'leader', 60000)"), {m_project}), QStringLiteral("t"));
    const qint64 pool = scalar(QStringLiteral("SELECT ops.ensure_monitor($1, 'pool', '', 1000, 800, 1, 200, 299, NULL, 'pool')"),
                               {m_project}).toLongLong();
    auto record = [&](qint64 monitor, int secondsAgo, const char* circuit) {
        return scalar(QStringLiteral("SELECT ops.record_health_sample($1, 'leader', now() - make_interval(secs => $2), 'up', NULL, NULL, "
                                     "NULL, $3, '{}', NULL)"), {monitor, secondsAgo, circuit});
    };
    ASSERT_EQ(record(m_monitor, 10, "CLOSED"), QStringLiteral("t"));
    ASSERT_EQ(record(m_monitor, 5, "OPEN"), QStringLiteral("t"));
    ASSERT_EQ(record(pool, 1, "CLOSED"), QStringLiteral("t"));  // newer, but another source
    EXPECT_EQ(scalar(QStringLiteral("SELECT value || ' ' || text_value || ' ' || samples FROM ops.health_metric($1, 'circuit_state', '1 hour')"),
                     {m_project}),
              QStringLiteral("2 OPEN 3"));
}

TEST_F(HealthAlertsTest, SustainedSlownessAndAnOpenCircuitRaiseTheirAlerts)
{
    // A monitor that always answers after 150 ms, alerting when p95 stays above 100 ms for 2 s,
    // and whose platform reports an OPEN circuit.
    m_server.circuitState = QStringLiteral("OPEN");
    const qint64 slow = scalar(QStringLiteral("SELECT ops.ensure_monitor($1, 'slow', $2, 1000, 800, 1)"),
                               {m_project, m_server.url(QStringLiteral("/slow?ms=150")).toString()}).toLongLong();
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.set_monitor_config($1, '{\"thresholds\": [{\"metric\": \"latency_p95\", \"above\": 100, \"for_s\": 2}]}')"),
                     {slow}), QString());
    ASSERT_EQ(scalar(QStringLiteral("SELECT ops.set_monitor_config($1, '{\"thresholds\": []}')"), {m_monitor}), QString());
    auto p = pool();
    HealthCollector collector(*p, collectorConfig(QStringLiteral("console-a")));
    auto kinds = [&] {
        return scalar(QStringLiteral("SELECT coalesce(string_agg(kind || ':' || subject, ',' ORDER BY id), '') FROM ops.health_alerts WHERE monitor_id = $1"),
                      {slow});
    };
    collector.start();
    ASSERT_TRUE(spinUntil([&] { return kinds().contains(QLatin1String("threshold_breached")); }, 8s)) << kinds().toStdString();
    collector.stop();
    EXPECT_EQ(kinds(), QStringLiteral("circuit_opened:,threshold_breached:latency_p95 > 100 for 2 s"));
    // Breached only after the sustained time: at least three checks (0 s, 1 s, 2 s) were slow first.
    EXPECT_GE(scalar(QStringLiteral("SELECT count(*) FROM ops.health_samples WHERE monitor_id = $1 AND sampled_at < "
                                    "(SELECT raised_at FROM ops.health_alerts WHERE kind = 'threshold_breached')"), {slow}).toInt(), 3);
    EXPECT_EQ(alerts(), QStringLiteral("circuit_opened")) << "the platform monitor's thresholds are off, its circuit is not";
}
