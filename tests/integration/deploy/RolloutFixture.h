// SPDX-License-Identifier: MIT
#pragma once

// The rollout tests' fixture: a fresh migrated database (superuser connection for checks), the
// demo platform on loopback, and factories for pools (as a given login), HTTP providers and
// service configurations.
#include "TestCluster.h"

#include "db/Pool.h"
#include "demo/DemoPlatform.h"
#include "deploy/HttpDeployProvider.h"
#include "deploy/RolloutService.h"

#include <QUuid>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;
using namespace std::chrono_literals;

inline QString newKey() { return QUuid::createUuid().toString(QUuid::WithoutBraces); }

class RolloutTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_options = database.value();
        m_admin = TestCluster::shared().connect(m_options.database());
        ASSERT_TRUE(m_admin);
        auto project = m_admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"));
        ASSERT_TRUE(project.ok());
        m_project = project->toInt64(0, 0);
        ASSERT_TRUE(m_platform.start().ok());
    }

    // A login role in `group`, member of the demo project.
    QString createLogin(const QString& group)
    {
        return TestCluster::createMember(*m_admin, group, m_project, QStringLiteral("dep"));
    }

    std::unique_ptr<Pool> pool(const QString& user = {})
    {
        PoolConfig config;
        config.connection = user.isEmpty() ? m_options : m_options.withUser(user);
        config.direct = config.connection;
        config.maxSize = 3;
        config.minIdle = 1;
        return std::make_unique<Pool>(config);
    }

    std::unique_ptr<HttpDeployProvider> provider(std::chrono::milliseconds timeout = 3000ms,
                                                 const QString& target = QStringLiteral("production"))
    {
        HttpDeployProvider::Config config;
        config.target = target;
        config.baseUrl = m_platform.baseUrl();
        config.projectId = m_platform.config().projectId;
        config.token = "demo-token";
        config.timeout = timeout;
        config.retryBackoff = 20ms;
        return std::make_unique<HttpDeployProvider>(config);
    }

    RolloutService::Config serviceConfig() const
    {
        RolloutService::Config config;
        config.projectId = m_project;
        config.providerProject = m_platform.config().projectId;
        config.verification.baseUrl = m_platform.baseUrl();
        config.verification.smokePaths = {QStringLiteral("/api/contacts"), QStringLiteral("/api/campaigns")};
        config.verification.window = 2000ms;
        config.verification.interval = 100ms;
        return config;
    }

    QString scalar(const QString& sql, const SqlParams& params = {})
    {
        auto r = m_admin->exec(sql, params);
        return r ? r->scalar() : QStringLiteral("ERROR ") + r.error().message;
    }

    ConnectionOptions m_options;
    std::unique_ptr<Connection> m_admin;
    qint64 m_project = 0;
    DemoPlatform m_platform;
};

