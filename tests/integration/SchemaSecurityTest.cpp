// SPDX-License-Identifier: MIT
// The foundation's rights model, enforced by PostgreSQL itself: row-level security by project
// membership, and role checks inside SECURITY DEFINER functions.
#include "TestCluster.h"

#include <QCoreApplication>

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;

namespace {

class SchemaSecurityTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_database = database->database();
        m_admin = TestCluster::shared().connect(m_database);
        ASSERT_TRUE(m_admin);
        m_projectA = createProject(QStringLiteral("alpha"));
        m_projectB = createProject(QStringLiteral("beta"));
    }

    qint64 createProject(const QString& slug)
    {
        auto id = m_admin->exec(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ($1, $1) RETURNING id"), {slug});
        EXPECT_TRUE(id.ok());
        return id ? id->toInt64(0, 0) : -1;
    }

    // A login role (cluster-wide, so the name is unique per process and test) in `group`,
    // member of `project`. Returns a connection logged in as it.
    std::unique_ptr<Connection> loginAs(const QString& group, qint64 project)
    {
        const QString name = TestCluster::createMember(*m_admin, group, project, QStringLiteral("user"));
        return name.isEmpty() ? nullptr : TestCluster::shared().connect(m_database, name);
    }

    static QString scalar(Connection& connection, const QString& sql, const SqlParams& params = {})
    {
        auto result = connection.exec(sql, params);
        return result ? result->scalar() : QStringLiteral("ERROR ") + result.error().sqlstate;
    }

    QString m_database;
    std::unique_ptr<Connection> m_admin;
    qint64 m_projectA = 0;
    qint64 m_projectB = 0;
};

} // namespace

TEST_F(SchemaSecurityTest, AMemberOfProjectASeesNothingOfProjectB)
{
    auto alice = loginAs(QStringLiteral("ops_viewer"), m_projectA);
    ASSERT_TRUE(alice);
    EXPECT_EQ(scalar(*alice, QStringLiteral("SELECT string_agg(slug, ',' ORDER BY slug) FROM ops.projects")),
              QStringLiteral("alpha"));
    EXPECT_EQ(scalar(*alice, QStringLiteral("SELECT count(*) FROM ops.projects WHERE id = $1"), {m_projectB}),
              QStringLiteral("0"));
    EXPECT_EQ(scalar(*alice, QStringLiteral("SELECT count(*) FROM ops.project_members WHERE project_id = $1"), {m_projectB}),
              QStringLiteral("0"));
    EXPECT_EQ(scalar(*alice, QStringLiteral("SELECT ops.is_member($1)::text || ops.is_member($2)::text"),
                     {m_projectA, m_projectB}),
              QStringLiteral("truefalse"));
}

TEST_F(SchemaSecurityTest, AViewerCannotCallAnOperatorsFunction)
{
    auto viewer = loginAs(QStringLiteral("ops_viewer"), m_projectA);
    ASSERT_TRUE(viewer);
    EXPECT_EQ(scalar(*viewer, QStringLiteral("SELECT ops.current_role_level()")), QStringLiteral("viewer"));
    auto refused = viewer->exec(QStringLiteral("SELECT ops.set_project_description($1, $2)"),
                                {m_projectA, QStringLiteral("hijacked")});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().sqlstate, QStringLiteral("42501"));
    EXPECT_EQ(refused.error().kind, ErrorKind::Permission);
    EXPECT_EQ(scalar(*m_admin, QStringLiteral("SELECT description FROM ops.projects WHERE id = $1"), {m_projectA}),
              QString());
}

TEST_F(SchemaSecurityTest, AnOperatorMayChangeOnlyTheirOwnProjects)
{
    auto operatorA = loginAs(QStringLiteral("ops_operator"), m_projectA);
    ASSERT_TRUE(operatorA);
    EXPECT_EQ(scalar(*operatorA, QStringLiteral("SELECT ops.current_role_level()")), QStringLiteral("operator"));
    auto own = operatorA->exec(QStringLiteral("SELECT ops.set_project_description($1, $2)"),
                               {m_projectA, QStringLiteral("hardening week")});
    ASSERT_TRUE(own.ok()) << own.error().toString().toStdString();
    EXPECT_EQ(scalar(*m_admin, QStringLiteral("SELECT description FROM ops.projects WHERE id = $1"), {m_projectA}),
              QStringLiteral("hardening week"));

    auto foreign = operatorA->exec(QStringLiteral("SELECT ops.set_project_description($1, $2)"),
                                   {m_projectB, QStringLiteral("not mine")});
    ASSERT_FALSE(foreign.ok());
    EXPECT_EQ(foreign.error().sqlstate, QStringLiteral("42501"));
}

TEST_F(SchemaSecurityTest, NobodyButTheOwnerWritesTablesDirectly)
{
    auto operatorA = loginAs(QStringLiteral("ops_operator"), m_projectA);
    ASSERT_TRUE(operatorA);
    auto insert = operatorA->exec(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ('x', 'x')"));
    ASSERT_FALSE(insert.ok());
    EXPECT_EQ(insert.error().sqlstate, QStringLiteral("42501"));
    auto membership = operatorA->exec(QStringLiteral("INSERT INTO ops.project_members (project_id, member) VALUES ($1, current_user)"),
                                      {m_projectB});
    ASSERT_FALSE(membership.ok());
    EXPECT_EQ(membership.error().sqlstate, QStringLiteral("42501"));
    auto migrations = operatorA->exec(QStringLiteral("DELETE FROM ops.schema_migrations"));
    ASSERT_FALSE(migrations.ok());
    EXPECT_EQ(migrations.error().sqlstate, QStringLiteral("42501"));
}

TEST_F(SchemaSecurityTest, OnlyAnAdminManagesMembership)
{
    auto operatorA = loginAs(QStringLiteral("ops_operator"), m_projectA);
    auto adminA = loginAs(QStringLiteral("ops_admin"), m_projectA);
    ASSERT_TRUE(operatorA && adminA);
    auto refused = operatorA->exec(QStringLiteral("SELECT ops.add_project_member($1, current_user)"), {m_projectB});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().sqlstate, QStringLiteral("42501"));
    auto created = adminA->exec(QStringLiteral("SELECT ops.create_project($1, $2)"), {QStringLiteral("gamma"), QStringLiteral("Gamma")});
    ASSERT_TRUE(created.ok()) << created.error().toString().toStdString();
    EXPECT_EQ(scalar(*adminA, QStringLiteral("SELECT ops.is_member($1)"), {created->toInt64(0, 0)}), QStringLiteral("t"));
}
