// SPDX-License-Identifier: MIT
// The Health tab's charts, thresholds and load-test section on stored data: charts show the
// values in the database (metrics by name from the samples' jsonb too), a gap is a break, one
// monitor can be selected, a live update appends, thresholds are edited and persisted, and a
// load test runs off the GUI thread and lands in the list; hovering a point shows its value and time.
#include "TestCluster.h"
#include "Wait.h"

#include "demo/DemoPlatform.h"
#include "health/HealthPanel.h"
#include "health/MonitorListView.h"
#include "health/LoadTestPanel.h"
#include "health/MetricChart.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QDoubleSpinBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <QtCharts/QChart>
#include <QtCharts/QLineSeries>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;
using ops::testing::waitFor;
using ops::widgets::HealthPanel;
using ops::widgets::MetricChart;

namespace {

class HealthChartsTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok());
        m_options = database.value();
        m_admin = TestCluster::shared().connect(m_options.database());
        m_project = m_admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
        ASSERT_TRUE(m_admin->exec(QStringLiteral("SELECT ops.acquire_collector_lease($1, 't', 600000)"), {m_project}).ok());
        PoolConfig config;
        config.connection = m_options;
        config.maxSize = 3;
        m_pool = std::make_unique<Pool>(config);
    }

    qint64 monitor(const QString& name)
    {
        return m_admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, $2, 'http://127.0.0.1:1/', 1000)"), {m_project, name})->toInt64(0, 0);
    }

    // Samples every second for seconds [from, to) ago, with `latency` and `metrics`.
    void samples(qint64 monitorId, int fromSecondsAgo, int toSecondsAgo, double latency, const QString& metrics = QStringLiteral("{}"))
    {
        auto r = m_admin->exec(QStringLiteral("SELECT count(*) FILTER (WHERE ops.record_health_sample($1, 't', "
                                              "date_trunc('second', now()) - make_interval(secs => i), 'up', $4, 200, 'healthy', 'CLOSED', $5::jsonb, NULL)) "
                                              "FROM generate_series($2, $3, -1) i"),
                               {monitorId, fromSecondsAgo, toSecondsAgo, latency, metrics});
        ASSERT_TRUE(r.ok()) << r.error().toString().toStdString();
    }

    std::unique_ptr<HealthPanel> panel()
    {
        auto p = std::make_unique<HealthPanel>(*m_pool, m_project, m_options, false);
        p->resize(1200, 800);
        p->show();
        EXPECT_TRUE(waitFor([&] { return p->hasLoaded(); }));
        return p;
    }

    // Reloads and waits for the refresh to land.
    static void reload(HealthPanel& p, const std::function<void()>& change)
    {
        QSignalSpy loaded(&p, &HealthPanel::loaded);
        change();
        EXPECT_TRUE(waitFor([&] { return loaded.count() > 0; }));
    }

    ConnectionOptions m_options;
    std::unique_ptr<Connection> m_admin;
    qint64 m_project = 0;
    std::unique_ptr<Pool> m_pool;
};

double maxY(const QList<QPointF>& points)
{
    double m = -1;
    for (const QPointF& p : points)
        m = std::max(m, p.y());
    return m;
}

} // namespace

TEST_F(HealthChartsTest, ChartsShowStoredValuesIncludingJsonMetrics)
{
    const qint64 api = monitor(QStringLiteral("api"));
    samples(api, 600, 301, 40, QStringLiteral(R"({"tps": 120.5, "pool.in_use": 3, "cache_hit_ratio": 0.97})"));
    samples(api, 300, 300, 750, QStringLiteral(R"({"tps": 480, "pool.in_use": 9, "cache_hit_ratio": 0.5})"));  // one spike
    samples(api, 299, 1, 40, QStringLiteral(R"({"tps": 120.5, "pool.in_use": 3, "cache_hit_ratio": 0.97})"));
    auto p = panel();
    // 15 minutes: a pixel column is narrower than a second, so each percentile is one sample's.
    reload(*p, [&] { p->setRange(std::chrono::minutes(15)); });
    MetricChart* latency = p->chart(QStringLiteral("latency"));
    EXPECT_EQ(latency->segmentCount(QStringLiteral("latency_p95")), 1);
    EXPECT_DOUBLE_EQ(maxY(latency->points(QStringLiteral("latency_p95"))), 750);  // the spike survives
    for (const QPointF& point : latency->points(QStringLiteral("latency_p50")))
        EXPECT_TRUE(point.y() == 40 || point.y() == 750) << point.y();
    EXPECT_LE(p->chartPointCount(), 2 * latency->width() + 2);

    reload(*p, [&] { p->showView(QStringLiteral("tps")); });
    MetricChart* tps = p->chart(QStringLiteral("tps"));
    ASSERT_GT(tps->pointCount(QStringLiteral("tps")), 0);
    EXPECT_DOUBLE_EQ(maxY(tps->points(QStringLiteral("tps"))), 480);

    reload(*p, [&] { p->showView(QStringLiteral("pool")); });
    EXPECT_DOUBLE_EQ(maxY(p->chart(QStringLiteral("pool"))->points(QStringLiteral("pool.in_use"))), 9);
    EXPECT_EQ(p->chart(QStringLiteral("pool"))->pointCount(QStringLiteral("pool.waiting")), 0);  // never reported

    reload(*p, [&] { p->showView(QStringLiteral("rates")); });
    for (const QPointF& point : p->chart(QStringLiteral("rates"))->points(QStringLiteral("success_rate")))
        EXPECT_DOUBLE_EQ(point.y(), 100.0);

    // The 30-day range reads the rollups: the chart's highest p99 is the stored worst minute's.
    reload(*p, [&] { p->showView(QStringLiteral("latency")); });
    reload(*p, [&] { p->setRange(std::chrono::hours(24 * 30)); });
    const double worstMinute = m_admin->exec(QStringLiteral("SELECT max(latency_p99) FROM ops.health_rollups_1m"))->toDouble(0, 0);
    EXPECT_GT(worstMinute, 40);
    EXPECT_NEAR(maxY(latency->points(QStringLiteral("latency_p99"))), worstMinute, 1e-9);
}

TEST_F(HealthChartsTest, AGapBecomesABreak)
{
    const qint64 api = monitor(QStringLiteral("api"));  // 1 s interval: ten intervals are 10 s
    samples(api, 900, 601, 50);
    samples(api, 300, 1, 60);  // five minutes missing in between
    auto p = panel();
    MetricChart* latency = p->chart(QStringLiteral("latency"));
    ASSERT_EQ(latency->segmentCount(QStringLiteral("latency_p95")), 2);
    const QList<QPointF> points = latency->points(QStringLiteral("latency_p95"));
    const double holeStart = double(QDateTime::currentMSecsSinceEpoch()) - 595 * 1000.0;
    const double holeEnd = double(QDateTime::currentMSecsSinceEpoch()) - 305 * 1000.0;
    for (const QPointF& point : points)
        EXPECT_FALSE(point.x() > holeStart && point.x() < holeEnd) << "a point inside the gap";

    // A short pause (5 s, under ten intervals) is no break.
    samples(api, 1000, 995, 50);
    samples(api, 989, 950, 50);
    reload(*p, [&] { p->setRange(std::chrono::minutes(15)); });
    EXPECT_EQ(latency->segmentCount(QStringLiteral("latency_p95")), 2);
}

TEST_F(HealthChartsTest, OneMonitorCanBeSelected)
{
    const qint64 api = monitor(QStringLiteral("api"));
    const qint64 web = monitor(QStringLiteral("web"));
    samples(api, 120, 1, 30);
    samples(web, 120, 1, 300);
    auto p = std::make_unique<HealthPanel>(*m_pool, m_project, m_options, false);
    // The monitor list's rows, not monitorsLoaded: a load finishing while the panel is built emits
    // before any spy exists (Qt 6.4 runs a finished future's continuation at once).
    auto* monitors = p->findChild<ops::widgets::MonitorListView*>();
    ASSERT_NE(monitors, nullptr);
    ASSERT_TRUE(waitFor([&] { return p->hasLoaded() && monitors->model()->rowCount() >= 2; }));
    EXPECT_DOUBLE_EQ(maxY(p->chart(QStringLiteral("latency"))->points(QStringLiteral("latency_p99"))), 300);
    reload(*p, [&] { p->selectMonitor(api); });
    const QList<QPointF> points = p->chart(QStringLiteral("latency"))->points(QStringLiteral("latency_p99"));
    ASSERT_FALSE(points.isEmpty());
    EXPECT_DOUBLE_EQ(maxY(points), 30);
}

TEST_F(HealthChartsTest, LiveUpdateAppendsInsteadOfReloading)
{
    const qint64 api = monitor(QStringLiteral("api"));
    samples(api, 60, 2, 20);
    auto p = panel();
    reload(*p, [&] { p->setRange(std::chrono::minutes(15)); });
    MetricChart* latency = p->chart(QStringLiteral("latency"));
    const int before = latency->pointCount(QStringLiteral("latency_p95"));
    const double lastBefore = latency->lastMs();
    samples(api, 1, 0, 444);
    QSignalSpy live(p.get(), &HealthPanel::liveUpdated);
    QSignalSpy loaded(p.get(), &HealthPanel::loaded);
    p->appendLatest();
    ASSERT_TRUE(waitFor([&] { return live.count() > 0; }));
    EXPECT_EQ(loaded.count(), 0);
    EXPECT_EQ(latency->pointCount(QStringLiteral("latency_p95")), before + 2);
    EXPECT_GT(latency->lastMs(), lastBefore);
    EXPECT_DOUBLE_EQ(latency->points(QStringLiteral("latency_p95")).last().y(), 444);
    EXPECT_EQ(latency->pointsAppendedSinceLoad(), 3 * 2);  // p50, p95 and p99 each got two
}

TEST_F(HealthChartsTest, ThresholdsAreEditablePersistedAndShown)
{
    const qint64 api = monitor(QStringLiteral("api"));
    samples(api, 60, 1, 150);
    auto p = panel();
    EXPECT_TRUE(p->tileText(QStringLiteral("p95")).contains(QLatin1String("< 200 ms")));
    ASSERT_TRUE(waitFor([&] { return p->chart(QStringLiteral("latency"))->thresholdValues() == QList<double>{200}; }));

    // Through the editor, as a person would.
    p->showView(QStringLiteral("thresholds"));
    p->findChild<QDoubleSpinBox*>(QStringLiteral("threshold_p95_latency"))->setValue(120);
    p->findChild<QDoubleSpinBox*>(QStringLiteral("threshold_success_rate"))->setValue(99.5);
    QSignalSpy saved(p.get(), &HealthPanel::thresholdsSaved);
    p->findChild<QPushButton*>(QStringLiteral("saveThresholds"))->click();
    ASSERT_TRUE(waitFor([&] { return saved.count() > 0; }));

    auto stored = m_admin->exec(QStringLiteral("SELECT value FROM ops.health_thresholds WHERE project_id = $1 AND metric = 'p95_latency'"), {m_project});
    ASSERT_TRUE(stored.ok());
    EXPECT_EQ(stored->scalar(), QStringLiteral("120"));
    EXPECT_TRUE(p->tileText(QStringLiteral("p95")).contains(QLatin1String("< 120 ms"))) << p->tileText(QStringLiteral("p95")).toStdString();
    EXPECT_TRUE(p->tileText(QStringLiteral("success")).contains(QLatin1String("> 99.5%")));
    EXPECT_EQ(p->chart(QStringLiteral("latency"))->thresholdValues(), QList<double>{120});

    // Another console (a new panel) reads them from the database.
    auto second = std::make_unique<HealthPanel>(*m_pool, m_project, m_options, false);
    ASSERT_TRUE(waitFor([&] { return second->hasLoaded() && second->thresholds().p95Ms == 120; }));
    EXPECT_DOUBLE_EQ(second->thresholds().p95Ms, 120);
    EXPECT_DOUBLE_EQ(second->thresholds().successPercent, 99.5);
    EXPECT_DOUBLE_EQ(second->thresholds().errorPercent, 0.1);  // unchanged default
    EXPECT_TRUE(second->tileText(QStringLiteral("p95")).contains(QLatin1String("< 120 ms")));

    // A viewer may look but not change them.
    const QString viewer = TestCluster::createMember(*m_admin, QStringLiteral("ops_viewer"), m_project, QStringLiteral("thr"));
    auto asViewer = TestCluster::shared().connect(m_options.database(), viewer);
    auto refused = saveHealthThreshold(*asViewer, m_project, QStringLiteral("p95_latency"), 1.0);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().sqlstate, QStringLiteral("42501"));
}

TEST_F(HealthChartsTest, LoadTestSectionRunsOffTheGuiThreadAndListsTheResult)
{
    DemoPlatform::Config healthy;
    healthy.liveVersion = QStringLiteral("v3");
    DemoPlatform platform(healthy);
    ASSERT_TRUE(platform.start().ok());
    auto p = panel();
    p->showView(QStringLiteral("loadtest"));
    ops::widgets::LoadTestPanel* section = p->loadTestPanel();
    ASSERT_TRUE(waitFor([&] { return section->listedResults() == 0; }));

    section->setEndpoint(QStringLiteral("https://127.0.0.1/"), 10, 1);  // refused before anything runs
    section->start();
    EXPECT_FALSE(section->isRunning());
    EXPECT_TRUE(section->summaryText().contains(QLatin1String("only http://")));

    section->setEndpoint(platform.baseUrl() + QStringLiteral("/api/health"), 300, 10);
    section->start();
    EXPECT_TRUE(section->isRunning());  // start() returned at once: the run is on another thread
    // Waits for the stored result itself: the section's first (empty) list may still arrive after
    // start(), so "a list was reloaded" proves nothing about this run.
    ASSERT_TRUE(waitFor([&] { return !section->isRunning() && section->listedResults() == 1; }))
        << section->summaryText().toStdString();
    EXPECT_EQ(section->progressValue(), 100);
    ASSERT_EQ(section->listedResults(), 1);
    EXPECT_EQ(section->listedResult(0)->result.succeeded, 300);
    EXPECT_TRUE(section->summaryText().contains(QLatin1String("300 of 300 succeeded"))) << section->summaryText().toStdString();

    // Cancel: a slow endpoint, stopped after the first answers.
    QSignalSpy finished(section, &ops::widgets::LoadTestPanel::runFinished);
    section->setEndpoint(platform.baseUrl() + QStringLiteral("/api/contacts"), 100000, 4);
    section->start();
    waitFor([] { return false; }, 300);  // some requests answered, most not sent yet
    EXPECT_TRUE(section->isRunning());
    section->cancel();
    ASSERT_TRUE(waitFor([&] { return finished.count() > 0; }));
    ASSERT_TRUE(waitFor([&] { return section->listedResults() == 2; }));
    EXPECT_TRUE(section->listedResult(0)->result.cancelled);
    EXPECT_LT(section->listedResult(0)->result.completed, 100000);
}

TEST_F(HealthChartsTest, HoveringAPointShowsItsValueAndTime)
{
    const qint64 api = monitor(QStringLiteral("api"));
    samples(api, 600, 301, 40, QStringLiteral(R"({"tps": 120})"));
    samples(api, 300, 300, 40, QStringLiteral(R"({"tps": 487.5})"));  // the point to hover
    samples(api, 299, 1, 40, QStringLiteral(R"({"tps": 120})"));
    auto p = panel();
    reload(*p, [&] { p->setRange(std::chrono::minutes(15)); });
    reload(*p, [&] { p->showView(QStringLiteral("tps")); });
    MetricChart* chart = p->chart(QStringLiteral("tps"));

    // The line segment holding the spike, and where the spike is drawn in the view.
    QLineSeries* line = nullptr;
    QPointF spike;
    for (QAbstractSeries* series : chart->chart()->series())
        if (auto* l = qobject_cast<QLineSeries*>(series))
            for (const QPointF& point : l->points())
                if (point.y() == 487.5) {
                    line = l;
                    spike = point;
                }
    ASSERT_TRUE(line);
    const QPoint at = chart->mapFromScene(chart->chart()->mapToScene(chart->chart()->mapToPosition(spike, line)));
    ASSERT_TRUE(chart->viewport()->rect().contains(at));

    QToolTip::hideText();
    QTest::mouseMove(chart->viewport(), at + QPoint(0, 40));  // off the line first: the move onto it is a hover enter
    QTest::mouseMove(chart->viewport(), at + QPoint(0, 3));  // on the spike's rising line, a little below its top
    const QString time = QDateTime::fromMSecsSinceEpoch(qint64(spike.x())).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    ASSERT_TRUE(waitFor([] { return QToolTip::isVisible(); }));
    // The stored value and its sample time, not the cursor's position mapped to values (a few
    // pixels below the top: about 485).
    EXPECT_TRUE(QToolTip::text().contains(QStringLiteral("487.5"))) << QToolTip::text().toStdString();
    EXPECT_TRUE(QToolTip::text().contains(time)) << QToolTip::text().toStdString() << " / " << time.toStdString();
}
