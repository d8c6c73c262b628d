// SPDX-License-Identifier: MIT
#pragma once

// ProjectMembership: who the login is, which projects it belongs to, and the administrator's
// membership management, through the SECURITY DEFINER functions of 0001/0012 (which check the
// caller's role and audit each change). Shared by the main window, the admin dialog and the
// `members` commands.

#include "common/Result.h"

#include <QDateTime>
#include <QString>

#include <vector>

namespace ops::services {

class Connection;

struct ProjectSummary {
    qint64 id = 0;
    QString slug;
    QString name;
};

struct ProjectMember {
    QString member;   // the PostgreSQL login role
    QString level;    // admin, approver, operator, viewer, none (or "dropped" when the role is gone)
    QDateTime addedAt;
    QString addedBy;
};

// Who is connected and at which level (ops.current_role_level: admin/approver/operator/viewer/none).
struct LoginIdentity {
    QString role;
    QString level;
};

Result<LoginIdentity> loginIdentity(Connection& connection);
// Projects the login is a member of (every project for a superuser), ordered by slug.
Result<std::vector<ProjectSummary>> memberProjects(Connection& connection);
// Projects the login can see: every project for an administrator.
Result<std::vector<ProjectSummary>> visibleProjects(Connection& connection);
Result<std::vector<ProjectMember>> listMembers(Connection& connection, qint64 project);
Result<void> addMember(Connection& connection, qint64 project, const QString& member);
Result<void> removeMember(Connection& connection, qint64 project, const QString& member);
Result<qint64> createProject(Connection& connection, const QString& slug, const QString& name);

} // namespace ops::services
