// SPDX-License-Identifier: MIT
// The moment the Deployments tab exists for, end to end: the Health tab (HealthPanel fed by this
// console's HealthCollector probing the demo platform) shows production unhealthy on the bad v4;
// the rollback button is clicked in the Deployments tab; the Health tab's status returns to
// healthy. Real PostgreSQL with LISTEN, loopback HTTP, no shortcuts between the two tabs.
#include "TestCluster.h"
#include "Wait.h"

#include "db/Pool.h"
#include "demo/DemoPlatform.h"
#include "deploy/HttpDeployProvider.h"
#include "deployments/DeploymentsPanel.h"
#include "health/HealthCollector.h"
#include "health/HealthPanel.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;
using ops::testing::waitFor;
using ops::testing::waitForCount;
using namespace std::chrono_literals;

namespace {

} // namespace

TEST(HealthAfterRollbackTest, ClickingRollbackTurnsTheHealthTabBackToHealthy)
{
    auto database = TestCluster::shared().createDatabase();
    ASSERT_TRUE(database.ok());
    auto admin = TestCluster::shared().connect(database->database());
    const qint64 project = admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
    DemoPlatform platform;
    ASSERT_TRUE(platform.start().ok());
    // What the console does on the embedded default: the demo platform is the project's monitor.
    ASSERT_TRUE(admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'demo platform', $2, 1000, 2000, 0)"),
                            {project, platform.baseUrl() + QStringLiteral("/api/health")}).ok());
    PoolConfig config;
    config.connection = database.value();
    config.direct = database.value();
    config.maxSize = 4;
    Pool pool(config);

    CollectorConfig collectorConfig;
    collectorConfig.projectId = project;
    collectorConfig.leaseInterval = 300ms;
    HealthCollector collector(pool, collectorConfig);
    collector.start();
    ops::widgets::HealthPanel health(pool, project, database.value());
    health.show();
    auto status = [&] { return health.tileText(QStringLiteral("status")); };
    ASSERT_TRUE(waitFor([&] { return status().contains(QLatin1String("unhealthy")); })) << status().toStdString();

    HttpDeployProvider::Config providerConfig;
    providerConfig.baseUrl = platform.baseUrl();
    providerConfig.projectId = platform.config().projectId;
    providerConfig.token = "demo-token";
    HttpDeployProvider provider(providerConfig);
    RolloutService::Config serviceConfig;
    serviceConfig.providerProject = providerConfig.projectId;
    serviceConfig.verification.baseUrl = platform.baseUrl();
    serviceConfig.verification.window = 3000ms;
    RolloutService service(pool, provider, serviceConfig);
    ops::widgets::DeploymentsPanel deployments(service);
    deployments.setConfirm([](QWidget*, const RolloutPlan&, QString*, QString*) { return true; });
    deployments.show();
    QSignalSpy refreshed(&deployments, &ops::widgets::DeploymentsPanel::refreshed);
    deployments.start();
    ASSERT_TRUE(waitForCount(refreshed, 1));
    QSignalSpy finished(&deployments, &ops::widgets::DeploymentsPanel::rolloutFinished);
    QTest::mouseClick(deployments.rollbackButton(), Qt::LeftButton);
    ASSERT_TRUE(waitForCount(finished, 1));
    EXPECT_EQ(finished.at(0).at(0).toString(), QStringLiteral("succeeded")) << finished.at(0).at(1).toString().toStdString();

    EXPECT_TRUE(waitFor([&] { return status().contains(QLatin1String("healthy")) && !status().contains(QLatin1String("unhealthy")); }))
        << status().toStdString();
    collector.stop();
    health.stopLiveUpdates();
}
