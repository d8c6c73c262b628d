// SPDX-License-Identifier: MIT
// `ops-console members list|add|remove` as a real process, logged in as real login roles: the
// administrator manages membership (audited), everyone else is refused, bad input gets a clear
// error and the documented exit code.
#include "TestCluster.h"

#include "common/ProcessRunner.h"

#include <gtest/gtest.h>

using namespace ops::services;
using ops::testing::TestCluster;
using namespace std::chrono_literals;

namespace {

class MembersCommandTest : public ::testing::Test {
protected:
    void SetUp() override
    {
        auto database = TestCluster::shared().createDatabase();
        ASSERT_TRUE(database.ok()) << database.error().toString().toStdString();
        m_database = database->database();
        m_owner = TestCluster::shared().connect(m_database);
        ASSERT_TRUE(m_owner);
        m_alpha = scalar(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ('alpha', 'Alpha') RETURNING id")).toLongLong();
        m_beta = scalar(QStringLiteral("INSERT INTO ops.projects (slug, name) VALUES ('beta', 'Beta') RETURNING id")).toLongLong();
        m_admin = TestCluster::createMember(*m_owner, QStringLiteral("ops_admin"), m_alpha, QStringLiteral("madmin"));
        m_operator = TestCluster::createMember(*m_owner, QStringLiteral("ops_operator"), m_alpha, QStringLiteral("moperator"));
        m_viewer = TestCluster::createMember(*m_owner, QStringLiteral("ops_viewer"), m_alpha, QStringLiteral("mviewer"));
        ASSERT_FALSE(m_admin.isEmpty() || m_operator.isEmpty() || m_viewer.isEmpty());
    }

    QString scalar(const QString& sql, const SqlParams& params = {})
    {
        auto result = m_owner->exec(sql, params);
        EXPECT_TRUE(result.ok()) << sql.toStdString();
        return result ? result->scalar() : QString();
    }

    // Runs ops-console as `login` with `arguments` after the global --dsn.
    ProcessResult console(const QString& login, const QStringList& arguments)
    {
        ProcessOptions options;
        options.timeout = 60s;
        options.environment.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        auto result = ProcessRunner::run(QStringLiteral(OPS_CONSOLE_BINARY),
                                         QStringList{QStringLiteral("--dsn"), TestCluster::shared().connectionString(m_database, login)} + arguments,
                                         options);
        EXPECT_TRUE(result.ok());
        return result.ok() ? result.value() : ProcessResult{};
    }

    QString m_database;
    std::unique_ptr<Connection> m_owner;
    qint64 m_alpha = 0;
    qint64 m_beta = 0;
    QString m_admin, m_operator, m_viewer;
};

QString text(const QByteArray& bytes)
{
    return QString::fromUtf8(bytes);
}

} // namespace

TEST_F(MembersCommandTest, AnAdministratorAddsListsAndRemovesAMemberAndEachChangeIsAudited)
{
    auto added = console(m_admin, {QStringLiteral("members"), QStringLiteral("add"), QStringLiteral("--project"), QStringLiteral("beta"), m_viewer});
    EXPECT_EQ(added.exitCode, 0) << text(added.output).toStdString();
    EXPECT_TRUE(text(added.output).contains(m_viewer + QStringLiteral(" is a member of beta")));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.project_members WHERE project_id = $1 AND member = $2"), {m_beta, m_viewer}),
              QStringLiteral("1"));

    // The viewer, now a member of beta, lists beta's members with their levels.
    auto listed = console(m_viewer, {QStringLiteral("members"), QStringLiteral("list"), QStringLiteral("--project"), QStringLiteral("beta")});
    EXPECT_EQ(listed.exitCode, 0) << text(listed.output).toStdString();
    EXPECT_TRUE(text(listed.output).contains(m_viewer + QStringLiteral("\tviewer\t"))) << text(listed.output).toStdString();

    auto removed = console(m_admin, {QStringLiteral("members"), QStringLiteral("remove"), QStringLiteral("--project"), QStringLiteral("beta"), m_viewer});
    EXPECT_EQ(removed.exitCode, 0) << text(removed.output).toStdString();
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.project_members WHERE project_id = $1 AND member = $2"), {m_beta, m_viewer}),
              QStringLiteral("0"));
    EXPECT_EQ(scalar(QStringLiteral("SELECT string_agg(action || ':' || actor, ',' ORDER BY id) FROM ops.audit_log "
                                    "WHERE subject = $1 AND details ->> 'project' = $2::text"), {m_viewer, m_beta}),
              QStringLiteral("project.member_added:%1,project.member_removed:%1").arg(m_admin));

    // Removing again is an error naming the problem, not a silent success.
    auto again = console(m_admin, {QStringLiteral("members"), QStringLiteral("remove"), QStringLiteral("--project"), QStringLiteral("beta"), m_viewer});
    EXPECT_EQ(again.exitCode, 3);
    EXPECT_TRUE(text(again.output).contains(QStringLiteral("is not a member"))) << text(again.output).toStdString();
}

TEST_F(MembersCommandTest, NobodyButAnAdministratorChangesMembership)
{
    for (const QString& login : {m_operator, m_viewer}) {
        auto refused = console(login, {QStringLiteral("members"), QStringLiteral("add"), QStringLiteral("--project"), QStringLiteral("alpha"), login});
        EXPECT_EQ(refused.exitCode, 1) << login.toStdString();
        EXPECT_TRUE(text(refused.output).contains(QStringLiteral("permission denied"))) << text(refused.output).toStdString();
        auto removal = console(login, {QStringLiteral("members"), QStringLiteral("remove"), QStringLiteral("--project"), QStringLiteral("alpha"), m_admin});
        EXPECT_EQ(removal.exitCode, 1) << login.toStdString();
    }
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.project_members WHERE project_id = $1"), {m_alpha}), QStringLiteral("3"));
    // A member of alpha cannot even list beta: to them it does not exist.
    auto foreign = console(m_operator, {QStringLiteral("members"), QStringLiteral("list"), QStringLiteral("--project"), QStringLiteral("beta")});
    EXPECT_EQ(foreign.exitCode, 3);
    EXPECT_TRUE(text(foreign.output).contains(QStringLiteral("no project 'beta'")));
}

TEST_F(MembersCommandTest, BadInputGetsAClearErrorAndChangesNothing)
{
    auto noProject = console(m_admin, {QStringLiteral("members"), QStringLiteral("add"), m_viewer});
    EXPECT_EQ(noProject.exitCode, 2);
    EXPECT_TRUE(text(noProject.output).contains(QStringLiteral("--project P is required")));
    auto noRole = console(m_admin, {QStringLiteral("members"), QStringLiteral("add"), QStringLiteral("--project"), QStringLiteral("beta")});
    EXPECT_EQ(noRole.exitCode, 2);
    auto unknownProject = console(m_admin, {QStringLiteral("members"), QStringLiteral("list"), QStringLiteral("--project"), QStringLiteral("gamma")});
    EXPECT_EQ(unknownProject.exitCode, 3);
    auto unknownRole = console(m_admin, {QStringLiteral("members"), QStringLiteral("add"), QStringLiteral("--project"), QStringLiteral("beta"),
                                         QStringLiteral("nobody_by_this_name")});
    EXPECT_EQ(unknownRole.exitCode, 3);
    EXPECT_TRUE(text(unknownRole.output).contains(QStringLiteral("no login role named nobody_by_this_name")));
    EXPECT_EQ(scalar(QStringLiteral("SELECT count(*) FROM ops.project_members WHERE project_id = $1"), {m_beta}), QStringLiteral("0"));
}
