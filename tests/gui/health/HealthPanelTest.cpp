// SPDX-License-Identifier: MIT
// The Health tab on stored data: tiles and the chart show what the database holds.
#include "TestCluster.h"
#include "Wait.h"

#include "health/HealthPanel.h"

#include <QApplication>
#include <QDeadlineTimer>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;
using ops::testing::waitFor;

TEST(HealthPanelTest, TilesAndChartShowTheStoredValues)
{
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok());
    auto admin = TestCluster::shared().connect(database->database());
    const qint64 project = admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
    const qint64 monitor = admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'api', 'http://127.0.0.1:1/', 1000)"), {project})->toInt64(0, 0);
    ASSERT_TRUE(admin->exec(QStringLiteral("SELECT ops.acquire_collector_lease($1, 't', 600000)"), {project}).ok());
    // 1200 samples over the last 20 minutes, latency 100 except one spike of 900 ms; 3 down;
    // the latest with circuit HALF_OPEN and platform degraded.
    auto inserted = admin->exec(QStringLiteral(
        "SELECT count(*) FILTER (WHERE ops.record_health_sample($1, 't', now() - make_interval(secs => 1200 - i), "
        "  CASE WHEN i IN (10, 11, 12) THEN 'down' ELSE 'up' END, CASE WHEN i = 600 THEN 900 ELSE 100 END, 200, "
        "  CASE WHEN i = 1199 THEN 'degraded' ELSE 'healthy' END, CASE WHEN i = 1199 THEN 'HALF_OPEN' ELSE 'CLOSED' END, "
        "  '{\"throughput\": 25}', NULL)) FROM generate_series(0, 1199) i"), {monitor});
    ASSERT_TRUE(inserted.ok()) << inserted.error().toString().toStdString();
    ASSERT_EQ(inserted->scalar(), QStringLiteral("1200"));

    PoolConfig config;
    config.connection = database.value();
    config.maxSize = 2;
    Pool pool(config);
    ops::widgets::HealthPanel panel(pool, project, database.value(), false);
    panel.resize(1000, 700);
    panel.show();
    ASSERT_TRUE(waitFor([&] { return panel.hasLoaded(); }));

    EXPECT_TRUE(panel.tileText(QStringLiteral("status")).contains(QLatin1String("degraded"))) << panel.tileText(QStringLiteral("status")).toStdString();
    EXPECT_TRUE(panel.tileText(QStringLiteral("circuit")).contains(QLatin1String("HALF_OPEN")));
    EXPECT_TRUE(panel.tileText(QStringLiteral("p95")).contains(QLatin1String("100.0 ms")));
    EXPECT_TRUE(panel.tileText(QStringLiteral("p95")).contains(QLatin1String("< 200 ms")));
    EXPECT_TRUE(panel.tileText(QStringLiteral("success")).contains(QLatin1String("99.75%"))) << panel.tileText(QStringLiteral("success")).toStdString();
    EXPECT_TRUE(panel.tileText(QStringLiteral("error")).contains(QLatin1String("0.25%")));
    EXPECT_TRUE(panel.tileText(QStringLiteral("throughput")).contains(QLatin1String("25.0 req/s")));
    EXPECT_TRUE(panel.tileText(QStringLiteral("uptime")).contains(QLatin1String("99.75%")));
    EXPECT_GT(panel.chartPointCount(), 0);
    EXPECT_LE(panel.chartPointCount(), 2 * 1000 + 2 * panel.chartSegmentCount());
    EXPECT_EQ(panel.chartSegmentCount(), 1);
}
