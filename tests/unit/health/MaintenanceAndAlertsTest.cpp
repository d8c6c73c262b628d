// SPDX-License-Identifier: MIT
// Maintenance windows (weekly ones across DST changes), sustained thresholds, the alerts a monitor's
// results call for, and the figures derived from PostgreSQL statistics and the pool.
#include "health/DatabaseProbes.h"
#include "health/MaintenanceSchedule.h"
#include "health/MonitorAlerts.h"
#include "health/PgStats.h"
#include "health/ThresholdWatch.h"

#include <gtest/gtest.h>

using namespace ops::services;
using namespace std::chrono_literals;

namespace {

QDateTime utc(const char* iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toUTC();
}

MaintenanceWindow weekly(int weekday, QTime start, int minutes, const char* zone)
{
    MaintenanceWindow w;
    w.kind = MaintenanceWindow::Kind::Weekly;
    w.weekday = weekday;
    w.startTime = start;
    w.durationMinutes = minutes;
    w.zone = QTimeZone(zone);
    return w;
}

} // namespace

TEST(MaintenanceWindowTest, OneOffIsHalfOpen)
{
    MaintenanceWindow w;
    w.startsAt = utc("2026-03-01T10:00:00Z");
    w.endsAt = utc("2026-03-01T11:00:00Z");
    EXPECT_FALSE(w.activeAt(utc("2026-03-01T09:59:59Z")));
    EXPECT_TRUE(w.activeAt(utc("2026-03-01T10:00:00Z")));
    EXPECT_TRUE(w.activeAt(utc("2026-03-01T10:59:59Z")));
    EXPECT_FALSE(w.activeAt(utc("2026-03-01T11:00:00Z")));
}

TEST(MaintenanceWindowTest, WeeklyKeepsLocalTimeAcrossTheSpringChange)
{
    // Sunday 01:00 Berlin for 60 min. 2026-03-22 is CET (UTC+1), 2026-03-29 (change day, clocks jump
    // 02:00 -> 03:00) is still CET at 01:00, 2026-04-05 is CEST (UTC+2).
    const MaintenanceWindow w = weekly(7, QTime(1, 0), 60, "Europe/Berlin");
    ASSERT_TRUE(w.zone.isValid());
    EXPECT_TRUE(w.activeAt(utc("2026-03-22T00:00:00Z")));
    EXPECT_FALSE(w.activeAt(utc("2026-03-22T01:00:00Z")));
    EXPECT_TRUE(w.activeAt(utc("2026-04-05T23:30:00Z").addDays(-1)));  // 2026-04-05 01:30 CEST = 23:30Z on the 4th
    EXPECT_FALSE(w.activeAt(utc("2026-04-05T00:00:00Z")));               // 02:00 CEST: over
    EXPECT_FALSE(w.activeAt(utc("2026-04-04T22:59:00Z")));               // 00:59 CEST: not yet
    EXPECT_FALSE(w.activeAt(utc("2026-03-25T00:30:00Z")));               // a Wednesday
}

TEST(MaintenanceWindowTest, WeeklyWindowSpanningTheChangeLastsItsElapsedDuration)
{
    // Sunday 01:30 Berlin for 120 min on the spring change day: 00:30Z .. 02:30Z (wall clock
    // 01:30 CET .. 04:30 CEST), two real hours although the wall clock moved three.
    const MaintenanceWindow w = weekly(7, QTime(1, 30), 120, "Europe/Berlin");
    EXPECT_EQ(w.occurrenceStart(QDate(2026, 3, 29)), utc("2026-03-29T00:30:00Z"));
    EXPECT_TRUE(w.activeAt(utc("2026-03-29T02:29:00Z")));
    EXPECT_FALSE(w.activeAt(utc("2026-03-29T02:30:00Z")));
}

TEST(MaintenanceWindowTest, AStartInTheSpringGapBeginsWhenTheGapEnds)
{
    // 02:30 does not exist in Berlin on 2026-03-29: the window starts at 03:00 CEST (01:00Z).
    const MaintenanceWindow w = weekly(7, QTime(2, 30), 30, "Europe/Berlin");
    EXPECT_EQ(w.occurrenceStart(QDate(2026, 3, 29)), utc("2026-03-29T01:00:00Z"));
    EXPECT_TRUE(w.activeAt(utc("2026-03-29T01:10:00Z")));
    EXPECT_FALSE(w.activeAt(utc("2026-03-29T00:45:00Z")));
    // A week earlier it is 02:30 CET = 01:30Z.
    EXPECT_EQ(w.occurrenceStart(QDate(2026, 3, 22)), utc("2026-03-22T01:30:00Z"));
}

TEST(MaintenanceWindowTest, WeeklyAcrossTheAutumnChangeAndOvernight)
{
    // Saturday 23:00 New York for 4 hours; 2026-11-01 02:00 EDT -> 01:00 EST. Starts 2026-10-31
    // 23:00 EDT = 03:00Z, lasts four elapsed hours: until 07:00Z (02:00 EST local).
    const MaintenanceWindow w = weekly(6, QTime(23, 0), 240, "America/New_York");
    EXPECT_EQ(w.occurrenceStart(QDate(2026, 10, 31)), utc("2026-11-01T03:00:00Z"));
    EXPECT_TRUE(w.activeAt(utc("2026-11-01T06:59:00Z")));
    EXPECT_FALSE(w.activeAt(utc("2026-11-01T07:00:00Z")));
    // The next week (EST, UTC-5): 2026-11-07 23:00 EST = 04:00Z on the 8th.
    EXPECT_FALSE(w.activeAt(utc("2026-11-08T03:30:00Z")));
    EXPECT_TRUE(w.activeAt(utc("2026-11-08T04:00:00Z")));
}

TEST(MaintenanceWindowTest, ScheduleAppliesProjectWindowsToEveryMonitor)
{
    MaintenanceWindow project;
    project.startsAt = utc("2026-03-01T10:00:00Z");
    project.endsAt = utc("2026-03-01T11:00:00Z");
    MaintenanceWindow one = project;
    one.monitorId = 7;
    one.startsAt = utc("2026-03-02T10:00:00Z");
    one.endsAt = utc("2026-03-02T11:00:00Z");
    MaintenanceSchedule schedule;
    schedule.setWindows({project, one});
    EXPECT_TRUE(schedule.activeFor(3, utc("2026-03-01T10:30:00Z")));
    EXPECT_TRUE(schedule.activeFor(7, utc("2026-03-02T10:30:00Z")));
    EXPECT_FALSE(schedule.activeFor(3, utc("2026-03-02T10:30:00Z")));
}

TEST(ThresholdWatchTest, BreachedOnlyAfterTheSustainedTimeAndClearedOnce)
{
    ThresholdWatch watch(ThresholdRule{QStringLiteral("latency_p95"), true, 200, 300s});
    const QDateTime t0 = utc("2026-03-01T10:00:00Z");
    EXPECT_EQ(watch.feed(t0, 250), ThresholdWatch::Edge::None);
    EXPECT_EQ(watch.feed(t0.addSecs(299), 260), ThresholdWatch::Edge::None);
    EXPECT_EQ(watch.feed(t0.addSecs(310), 150), ThresholdWatch::Edge::None);  // a dip restarts the clock
    EXPECT_EQ(watch.feed(t0.addSecs(320), 250), ThresholdWatch::Edge::None);
    EXPECT_EQ(watch.feed(t0.addSecs(619), 250), ThresholdWatch::Edge::None);
    EXPECT_EQ(watch.feed(t0.addSecs(620), 250), ThresholdWatch::Edge::Breached);
    EXPECT_EQ(watch.feed(t0.addSecs(700), 900), ThresholdWatch::Edge::None);  // once
    EXPECT_EQ(watch.feed(t0.addSecs(710), 200), ThresholdWatch::Edge::Cleared);  // at the limit is fine
    EXPECT_EQ(watch.feed(t0.addSecs(720), 100), ThresholdWatch::Edge::None);
}

TEST(MonitorAlertsTest, DownAfterRetriesUpAgainAndCircuitEdges)
{
    MonitorAlerts alerts(QStringLiteral("platform"), {});
    MonitorStateMachine machine(1);
    const QDateTime t0 = utc("2026-03-01T10:00:00Z");
    auto step = [&](int second, bool ok, const QString& circuit) {
        ProbeResult r;
        r.success = ok;
        r.error = ok ? QString() : QStringLiteral("HTTP 503");
        r.circuitState = circuit;
        QStringList kinds;
        for (const AlertCandidate& a : alerts.evaluate(t0.addSecs(second), machine.record(ok), r))
            kinds << a.kind;
        return kinds.join(QLatin1Char(','));
    };
    EXPECT_EQ(step(0, true, QStringLiteral("CLOSED")), QStringLiteral("monitor_up,circuit_closed"));  // the database drops both: nothing open
    EXPECT_EQ(step(1, false, QStringLiteral("OPEN")), QStringLiteral("circuit_opened"));  // pending: no down yet
    EXPECT_EQ(step(2, false, QStringLiteral("OPEN")), QStringLiteral("monitor_down"));
    EXPECT_EQ(step(3, false, QStringLiteral("OPEN")), QString());
    EXPECT_EQ(step(4, true, QStringLiteral("HALF_OPEN")), QStringLiteral("monitor_up"));
    EXPECT_EQ(step(5, true, QStringLiteral("CLOSED")), QStringLiteral("circuit_closed"));
}

TEST(MonitorAlertsTest, LatencyP95OverTheLastMinuteFeedsTheThreshold)
{
    MonitorAlerts alerts(QStringLiteral("platform"), {ThresholdRule{QStringLiteral("latency_p95"), true, 200, 10s}});
    MonitorStateMachine machine;
    const QDateTime t0 = utc("2026-03-01T10:00:00Z");
    std::vector<QString> kinds;
    for (int second = 0; second <= 20; ++second) {
        ProbeResult r;
        r.success = true;
        r.latencyMs = 300;
        for (const AlertCandidate& a : alerts.evaluate(t0.addSecs(second), machine.record(true), r))
            if (a.kind.startsWith(QLatin1String("threshold")))
                kinds.push_back(a.kind + QLatin1Char('@') + QString::number(second));
    }
    ASSERT_EQ(kinds.size(), 1u);
    EXPECT_EQ(kinds[0], QStringLiteral("threshold_breached@10"));
    // 61 fast checks push the slow minute out: p95 falls below 200 and the breach clears.
    QString cleared;
    for (int second = 21; second <= 90; ++second) {
        ProbeResult r;
        r.success = true;
        r.latencyMs = 20;
        for (const AlertCandidate& a : alerts.evaluate(t0.addSecs(second), machine.record(true), r))
            if (a.kind == QLatin1String("threshold_cleared"))
                cleared = a.subject + QLatin1Char('@') + QString::number(second);
    }
    EXPECT_FALSE(cleared.isEmpty());
    EXPECT_TRUE(cleared.startsWith(QStringLiteral("latency_p95 > 200 for 10 s@")));
}

TEST(PgStatsEvaluateTest, TpsIsTheCounterDifferenceOverTheReadingsOwnTimestamps)
{
    PgStatsReading first;
    first.takenAt = utc("2026-03-01T10:00:00Z");
    first.xactCommit = 1000;
    first.xactRollback = 10;
    first.blocksHit = 990;
    first.blocksRead = 10;
    PgStatsReading second = first;
    second.takenAt = first.takenAt.addMSecs(2500);  // however often the caller refreshes
    second.xactCommit = 1995;
    second.xactRollback = 15;
    const ProbeResult noRate = evaluatePgStats(std::nullopt, first);
    EXPECT_FALSE(noRate.metrics.contains(QStringLiteral("tps")));
    const ProbeResult r = evaluatePgStats(first, second);
    EXPECT_DOUBLE_EQ(r.metrics.value(QStringLiteral("tps")), 1000.0 / 2.5);
    EXPECT_DOUBLE_EQ(r.metrics.value(QStringLiteral("rollback_percent")), 0.5);
    EXPECT_DOUBLE_EQ(r.metrics.value(QStringLiteral("cache_hit_percent")), 99.0);
    EXPECT_TRUE(r.success);
    EXPECT_EQ(r.platformStatus, QStringLiteral("degraded"));  // 0.5 % is pgwatch's warning level
    EXPECT_TRUE(r.note.contains(QStringLiteral("rollback ratio"))) << r.note.toStdString();
    // A statistics reset in between gives no rate instead of a negative one.
    PgStatsReading reset = second;
    reset.takenAt = second.takenAt.addSecs(1);
    reset.xactCommit = 3;
    EXPECT_FALSE(evaluatePgStats(second, reset).metrics.contains(QStringLiteral("tps")));
}

TEST(PgStatsEvaluateTest, PgwatchThresholdsDecideTheState)
{
    PgStatsReading r;
    r.takenAt = utc("2026-03-01T10:00:00Z");
    r.blocksHit = 95;
    r.blocksRead = 5;
    EXPECT_EQ(evaluatePgStats(std::nullopt, r).platformStatus, QStringLiteral("healthy"));
    r.blockedSessions = 1;
    EXPECT_EQ(evaluatePgStats(std::nullopt, r).platformStatus, QStringLiteral("degraded"));
    r.blockedSessions = 5;
    const ProbeResult error = evaluatePgStats(std::nullopt, r);
    EXPECT_FALSE(error.success);
    EXPECT_EQ(error.platformStatus, QStringLiteral("unhealthy"));
    EXPECT_EQ(error.failureKind, QStringLiteral("threshold"));
    r.blockedSessions = 0;
    r.blocksHit = 89;
    r.blocksRead = 11;
    EXPECT_EQ(evaluatePgStats(std::nullopt, r).platformStatus, QStringLiteral("degraded"));
    EXPECT_EQ(evaluatePgStats(std::nullopt, r).details.value(QStringLiteral("top_statements")).toString().left(11),
              QStringLiteral("unavailable"));
}

TEST(PoolProbeTest, SnapshotBecomesMetricsAndCircuitState)
{
    PoolMetrics metrics;
    metrics.inUse = 2;
    metrics.waiting = 1;
    metrics.retries = 4;
    metrics.queryLatency.p95Ms = 12.5;
    ProbeResult r = PoolProbe::fromMetrics(metrics);
    EXPECT_TRUE(r.success);
    EXPECT_FALSE(r.hasLatency);
    EXPECT_EQ(r.circuitState, QStringLiteral("CLOSED"));
    EXPECT_DOUBLE_EQ(r.metrics.value(QStringLiteral("pool.in_use")), 2);
    EXPECT_DOUBLE_EQ(r.metrics.value(QStringLiteral("pool.waiting")), 1);
    EXPECT_DOUBLE_EQ(r.metrics.value(QStringLiteral("pool.retries")), 4);
    EXPECT_DOUBLE_EQ(r.metrics.value(QStringLiteral("pool.query_p95_ms")), 12.5);
    metrics.circuit.state = CircuitState::Open;
    r = PoolProbe::fromMetrics(metrics);
    EXPECT_FALSE(r.success);
    EXPECT_EQ(r.circuitState, QStringLiteral("OPEN"));
    metrics.circuit.state = CircuitState::HalfOpen;
    EXPECT_EQ(PoolProbe::fromMetrics(metrics).platformStatus, QStringLiteral("degraded"));
}
