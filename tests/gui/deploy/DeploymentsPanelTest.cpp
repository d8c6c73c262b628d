// SPDX-License-Identifier: MIT
// The Deployments tab against the demo platform on its bad version: the rollback button is
// clicked, the operation's output appears live, and /api/health (what the Health tab reads)
// returns to healthy; a viewer sees the button disabled with the reason.
#include "TestCluster.h"
#include "Wait.h"

#include "db/Pool.h"
#include "demo/DemoPlatform.h"
#include "deploy/HealthVerifier.h"
#include "deploy/HttpDeployProvider.h"
#include "deployments/DeploymentsPanel.h"

#include <QCoreApplication>
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

struct Fixture {
    explicit Fixture(const QString& user = {})
    {
        auto database = TestCluster::shared().createDatabase();
        EXPECT_TRUE(database.ok());
        options = database.value();
        admin = TestCluster::shared().connect(options.database());
        if (!user.isEmpty()) {
            EXPECT_TRUE(admin->execScript(QStringLiteral("CREATE ROLE %1 LOGIN IN ROLE ops_viewer").arg(user)).ok());
            EXPECT_TRUE(admin->exec(QStringLiteral("INSERT INTO ops.project_members (project_id, member) SELECT id, $1 FROM ops.projects WHERE slug = 'demo'"),
                                    {user}).ok());
        }
        EXPECT_TRUE(platform.start().ok());
        PoolConfig config;
        config.connection = user.isEmpty() ? options : options.withUser(user);
        config.direct = config.connection;
        config.maxSize = 3;
        pool = std::make_unique<Pool>(config);
        HttpDeployProvider::Config providerConfig;
        providerConfig.baseUrl = platform.baseUrl();
        providerConfig.projectId = platform.config().projectId;
        providerConfig.token = "demo-token";
        provider = std::make_unique<HttpDeployProvider>(providerConfig);
        RolloutService::Config serviceConfig;
        serviceConfig.providerProject = providerConfig.projectId;
        serviceConfig.verification.baseUrl = platform.baseUrl();
        serviceConfig.verification.window = 3000ms;
        service = std::make_unique<RolloutService>(*pool, *provider, serviceConfig);
    }

    ConnectionOptions options;
    std::unique_ptr<Connection> admin;
    DemoPlatform platform;
    std::unique_ptr<Pool> pool;
    std::unique_ptr<HttpDeployProvider> provider;
    std::unique_ptr<RolloutService> service;
};

} // namespace

TEST(DeploymentsPanelTest, ClickingRollbackOnTheBadVersionMakesHealthHealthy)
{
    Fixture f;
    // Deployments are recorded by an operator's console; then the panel shows them.
    ASSERT_TRUE(f.service->sync().ok());
    ops::widgets::DeploymentsPanel panel(*f.service);
    QString confirmed;
    panel.setConfirm([&](QWidget*, const RolloutPlan& plan, QString* reason, QString*) {
        confirmed = plan.sentence();
        *reason = QStringLiteral("errors on v4");
        return true;
    });
    panel.show();
    QSignalSpy refreshed(&panel, &ops::widgets::DeploymentsPanel::refreshed);
    panel.start();
    ASSERT_TRUE(waitForCount(refreshed, 1));
    EXPECT_TRUE(panel.statusText().contains(QStringLiteral("production: v4 (failed)"))) << panel.statusText().toStdString();
    ASSERT_TRUE(panel.rollbackButton()->isEnabled()) << panel.rollbackButton()->toolTip().toStdString();

    QSignalSpy finished(&panel, &ops::widgets::DeploymentsPanel::rolloutFinished);
    QTest::mouseClick(panel.rollbackButton(), Qt::LeftButton);
    EXPECT_FALSE(panel.rollbackButton()->isEnabled()) << "disabled while the operation runs";
    ASSERT_TRUE(waitForCount(finished, 1));
    EXPECT_EQ(finished.at(0).at(0).toString(), QStringLiteral("succeeded")) << finished.at(0).at(1).toString().toStdString();
    EXPECT_EQ(confirmed, QStringLiteral("Roll back production from v4 to v3"));
    EXPECT_TRUE(panel.outputText().contains(QStringLiteral("provider http: rollback to dpl_demo_v3"))) << panel.outputText().toStdString();
    ASSERT_TRUE(waitFor([&] { return panel.statusText().contains(QStringLiteral("v3 (passed)")); })) << panel.statusText().toStdString();
    EXPECT_TRUE(panel.statusText().contains(QStringLiteral("PINNED"))) << panel.statusText().toStdString();
    auto health = HealthVerifier::readHealth(f.platform.baseUrl(), QStringLiteral("/api/health"), 2000ms);
    ASSERT_TRUE(health.ok());
    EXPECT_EQ(health->value(QStringLiteral("status")).toString(), QStringLiteral("healthy"));
}

TEST(DeploymentsPanelTest, AViewerSeesTheButtonDisabledWithTheReason)
{
    const QString viewer = QStringLiteral("viewer_%1").arg(QCoreApplication::applicationPid());
    Fixture f(viewer);
    // An operator's console recorded the deployments (the viewer cannot write).
    {
        PoolConfig config;
        config.connection = f.options;
        config.direct = f.options;
        Pool adminPool(config);
        RolloutService::Config serviceConfig;
        serviceConfig.providerProject = f.platform.config().projectId;
        RolloutService operatorService(adminPool, *f.provider, serviceConfig);
        ASSERT_TRUE(operatorService.sync().ok());
    }
    ops::widgets::DeploymentsPanel panel(*f.service);
    QSignalSpy refreshed(&panel, &ops::widgets::DeploymentsPanel::refreshed);
    panel.start();
    ASSERT_TRUE(waitForCount(refreshed, 1));
    EXPECT_FALSE(panel.rollbackButton()->isEnabled());
    EXPECT_TRUE(panel.rollbackButton()->toolTip().contains(QStringLiteral("ops_operator"))) << panel.rollbackButton()->toolTip().toStdString();
    EXPECT_FALSE(panel.verifyAuditButton()->isEnabled()) << "a viewer sees only its projects' rows of the chain";
    EXPECT_TRUE(panel.verifyAuditButton()->toolTip().contains(QStringLiteral("ops_admin"))) << panel.verifyAuditButton()->toolTip().toStdString();
}
