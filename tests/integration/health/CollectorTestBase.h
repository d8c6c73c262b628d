// SPDX-License-Identifier: MIT
#pragma once
// What the collector tests share: a fresh database whose demo project has one HTTP monitor on a
// loopback server's /flaky path (interval 1 s, timeout 800 ms), a pool per simulated console and a
// collector configuration per lease holder.
#include "LoopbackHttpServer.h"
#include "TestCluster.h"

#include "db/Pool.h"
#include "health/HealthCollector.h"

#include <gtest/gtest.h>

#include <memory>

class CollectorTestBase : public ::testing::Test {
protected:
    // `retries` failed checks before the monitor is down (the ones after the first are pending).
    void createDatabaseWithMonitor(int retries)
    {
        using ops::testing::TestCluster;
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_options = database.value();
        m_admin = TestCluster::shared().connect(m_options.database());
        ASSERT_TRUE(m_admin);
        m_project = m_admin->exec(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'"))->toInt64(0, 0);
        auto id = m_admin->exec(QStringLiteral("SELECT ops.ensure_monitor($1, 'platform', $2, 1000, 800, $3::integer)"),
                                {m_project, m_server.url(QStringLiteral("/flaky")).toString(), retries});
        ASSERT_TRUE(id.ok()) << id.error().toString().toStdString();
        m_monitor = id->toInt64(0, 0);
        ASSERT_GT(m_monitor, 0);
    }

    // One console's pool.
    std::unique_ptr<ops::services::Pool> pool() const
    {
        ops::services::PoolConfig config;
        config.connection = m_options;
        config.direct = m_options;
        config.maxSize = 3;
        return std::make_unique<ops::services::Pool>(config);
    }

    ops::services::CollectorConfig collectorConfig(const QString& holder) const
    {
        ops::services::CollectorConfig c;
        c.projectId = m_project;
        c.holder = holder;
        c.leaseInterval = std::chrono::milliseconds(1000);
        return c;
    }

    LoopbackHttpServer m_server;
    ops::services::ConnectionOptions m_options;
    std::unique_ptr<ops::services::Connection> m_admin;
    qint64 m_project = 0;
    qint64 m_monitor = 0;
};
