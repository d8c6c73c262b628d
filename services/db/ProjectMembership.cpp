// SPDX-License-Identifier: MIT
#include "db/ProjectMembership.h"

#include "db/Connection.h"

namespace ops::services {

namespace {

Result<std::vector<ProjectSummary>> projects(Connection& connection, const QString& sql)
{
    auto rows = connection.exec(sql);
    if (!rows)
        return rows.error();
    std::vector<ProjectSummary> list;
    for (int row = 0; row < rows->rowCount(); ++row)
        list.push_back({rows->toInt64(row, 0), rows->text(row, 1), rows->text(row, 2)});
    return list;
}

} // namespace

Result<LoginIdentity> loginIdentity(Connection& connection)
{
    auto row = connection.exec(QStringLiteral("SELECT session_user::text, ops.current_role_level()"));
    if (!row)
        return row.error();
    return LoginIdentity{row->text(0, 0), row->text(0, 1)};
}

Result<std::vector<ProjectSummary>> memberProjects(Connection& connection)
{
    return projects(connection, QStringLiteral("SELECT id, slug, name FROM ops.projects "
                                               "WHERE ops.is_member(id) OR ops.caller_is_superuser() ORDER BY slug"));
}

Result<std::vector<ProjectSummary>> visibleProjects(Connection& connection)
{
    return projects(connection, QStringLiteral("SELECT id, slug, name FROM ops.projects ORDER BY slug"));
}

Result<std::vector<ProjectMember>> listMembers(Connection& connection, qint64 project)
{
    auto rows = connection.exec(QStringLiteral("SELECT member, level, added_at, added_by FROM ops.list_project_members($1)"),
                                {project});
    if (!rows)
        return rows.error();
    std::vector<ProjectMember> members;
    for (int row = 0; row < rows->rowCount(); ++row)
        members.push_back({rows->text(row, 0), rows->text(row, 1), rows->toDateTime(row, 2), rows->text(row, 3)});
    return members;
}

Result<void> addMember(Connection& connection, qint64 project, const QString& member)
{
    auto done = connection.exec(QStringLiteral("SELECT ops.add_project_member($1, $2)"), {project, member});
    if (!done)
        return done.error();
    return {};
}

Result<void> removeMember(Connection& connection, qint64 project, const QString& member)
{
    auto done = connection.exec(QStringLiteral("SELECT ops.remove_project_member($1, $2)"), {project, member});
    if (!done)
        return done.error();
    return {};
}

Result<qint64> createProject(Connection& connection, const QString& slug, const QString& name)
{
    auto id = connection.exec(QStringLiteral("SELECT ops.create_project($1, $2)"), {slug, name});
    if (!id)
        return id.error();
    return id->toInt64(0, 0);
}

} // namespace ops::services
