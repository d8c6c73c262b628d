// SPDX-License-Identifier: MIT
#pragma once

// PlanDatabaseTest: the fixture the plan integration tests share: a fresh migrated database, a
// superuser connection, a project with the given slug, login roles made members of it, and
// plans read from tests/data/plans and imported.

#include "TestCluster.h"

#include "plan/PlanImporter.h"
#include "plan/PlanStore.h"

#include <QFile>

#include <gtest/gtest.h>

namespace ops::testing {

class PlanDatabaseTest : public ::testing::Test {
public:
    static QByteArray planFile(const QString& name)
    {
        QFile file(QStringLiteral(OPS_TEST_DATA "/plans/") + name);
        EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << name.toStdString();
        return file.readAll();
    }

protected:
    explicit PlanDatabaseTest(QString slug) : m_slug(std::move(slug)) {}

    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_options = *database;
        m_database = m_options.database();
        m_admin = TestCluster::shared().connect(m_database);
        ASSERT_TRUE(m_admin);
        auto id = m_admin->exec(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ($1, $1) RETURNING id"), {m_slug});
        ASSERT_TRUE(id.ok()) << id.error().toString().toStdString();
        m_project = id->toInt64(0, 0);
    }

    // A login role in `group` (ops_viewer, ops_operator, ops_approver, ops_admin), member of the project.
    std::unique_ptr<ops::services::Connection> loginAs(const QString& group)
    {
        const QString name = TestCluster::createMember(*m_admin, group, m_project, m_slug);
        return name.isEmpty() ? nullptr : TestCluster::shared().connect(m_database, name);
    }

    // Imports `bytes` into the project through `connection`; the plan id, or -1 (test failed).
    qint64 importPlan(ops::services::Connection& connection, const QByteArray& bytes,
                      const QString& name = QStringLiteral("week1-master-plan.md"))
    {
        const ops::services::plan::ImportResult result = ops::services::plan::PlanImporter().import(bytes, name);
        auto id = ops::services::plan::PlanStore::save(connection, m_project, result.plan);
        EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().toString().toStdString());
        return id.ok() ? *id : -1;
    }

    // The first column of the first row as text, or "ERROR <sqlstate>".
    QString scalar(const QString& sql, const ops::services::SqlParams& params = {})
    {
        auto result = m_admin->exec(sql, params);
        return result ? result->scalar() : QStringLiteral("ERROR ") + result.error().sqlstate;
    }

    QString m_slug;
    ops::services::ConnectionOptions m_options;
    QString m_database;
    std::unique_ptr<ops::services::Connection> m_admin;
    qint64 m_project = 0;
};

} // namespace ops::testing
