// SPDX-License-Identifier: MIT
#pragma once

// A fresh migrated database per test, a pool on it, and helpers to count rows and log in as
// project members with a given console role.
#include "TestCluster.h"

#include "db/Pool.h"

#include <QCoreApplication>

#include <gtest/gtest.h>

namespace ops::testing {

class SandboxFixture : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_options = database.value();
        m_admin = TestCluster::shared().connect(m_options.database());
        ASSERT_TRUE(m_admin);
        m_project = scalar(QStringLiteral("SELECT id FROM ops.projects WHERE slug = 'demo'")).toLongLong();
        ASSERT_GT(m_project, 0);
        ops::services::PoolConfig config;
        config.connection = m_options;
        config.direct = m_options;
        config.maxSize = 3;
        config.minIdle = 1;
        m_pool = std::make_unique<ops::services::Pool>(config);
    }

    void TearDown() override
    {
        if (m_pool)
            m_pool->shutdown();
    }

    QString scalar(const QString& sql, const ops::services::SqlParams& params = {})
    {
        auto result = m_admin->exec(sql, params);
        EXPECT_TRUE(result.ok()) << (result ? std::string() : result.error().toString().toStdString());
        return result ? result->scalar() : QString();
    }

    qint64 violationRows() { return scalar(QStringLiteral("SELECT count(*) FROM ops.sandbox_violations")).toLongLong(); }
    qint64 unparsedRows() { return scalar(QStringLiteral("SELECT count(*) FROM ops.sandbox_unparsed")).toLongLong(); }

    qint64 createProject(const QString& slug)
    {
        return scalar(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ($1, $1) RETURNING id"), {slug}).toLongLong();
    }

    // A login role in `group`, member of `project`; a connection logged in as it.
    std::unique_ptr<ops::services::Connection> loginAs(const QString& group, qint64 project)
    {
        const QString name = TestCluster::createMember(*m_admin, group, project, QStringLiteral("sbx"));
        return name.isEmpty() ? nullptr : TestCluster::shared().connect(m_options.database(), name);
    }

    ops::services::ConnectionOptions m_options;
    std::unique_ptr<ops::services::Connection> m_admin;
    std::unique_ptr<ops::services::Pool> m_pool;
    qint64 m_project = 0;
};

} // namespace ops::testing
