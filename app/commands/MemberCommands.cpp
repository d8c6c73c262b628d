// SPDX-License-Identifier: MIT
#include "commands/MemberCommands.h"

#include "commands/HeadlessSession.h"
#include "db/ProjectMembership.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace ops::services;

namespace ops::app {

namespace {

enum Exit { Done = 0, Refused = 1, Usage = 2, Failed = 3 };

int errorExit(const CommandContext& context, const QString& command, const Error& error)
{
    context.err << "ops-console " << command << ": " << error.message << '\n';
    return error.kind == ErrorKind::Permission || error.sqlstate == QLatin1String("42501") ? Refused : Failed;
}

// Parses `members <verb> --project P [ROLE]`; `role` is null when the verb takes none.
struct MembersArguments {
    QString project;
    QString role;
};

std::optional<int> parseMembers(const CommandContext& context, const QString& verb, bool needsRole, MembersArguments& parsed,
                                bool* json = nullptr)
{
    const QString command = QStringLiteral("members ") + verb;
    QCommandLineParser parser;
    parser.setApplicationDescription(needsRole ? QStringLiteral("%1 a login role to or from a project (ops_admin only).").arg(verb)
                                               : QStringLiteral("List a project's members and their levels."));
    const QCommandLineOption project(QStringLiteral("project"), QStringLiteral("the project's slug"), QStringLiteral("P"));
    const QCommandLineOption jsonOption(QStringLiteral("json"), QStringLiteral("print JSON"));
    parser.addOption(project);
    if (json)
        parser.addOption(jsonOption);
    if (needsRole)
        parser.addPositionalArgument(QStringLiteral("ROLE"), QStringLiteral("the PostgreSQL login role"));
    if (auto exit = parseCommandLine(parser, command, context))
        return exit;
    const QStringList positional = parser.positionalArguments();
    QString problem;
    if (!parser.isSet(project) || parser.value(project).trimmed().isEmpty())
        problem = QStringLiteral("--project P is required");
    else if (needsRole && positional.size() != 1)
        problem = QStringLiteral("give exactly one login role name");
    else if (!needsRole && !positional.isEmpty())
        problem = QStringLiteral("unexpected argument '%1'").arg(positional.first());
    if (!problem.isEmpty()) {
        context.err << "ops-console " << command << ": " << problem << "\nusage: see ops-console " << command << " --help\n";
        return Usage;
    }
    parsed.project = parser.value(project).trimmed();
    parsed.role = needsRole ? positional.first() : QString();
    if (json)
        *json = parser.isSet(jsonOption);
    return std::nullopt;
}

// Opens the session, resolves the project, and runs `action` on one pooled connection.
template <typename Action>
int withProject(const CommandContext& context, const QString& command, const QString& slug, Action action)
{
    auto session = HeadlessSession::open(context.options);
    if (!session)
        return errorExit(context, command, session.error());
    auto project = (*session)->projectId(slug);
    if (!project)
        return errorExit(context, command, project.error());
    auto done = (*session)->pool().withClient(command, [&](Connection& connection) { return action(connection, *project); });
    if (!done)
        return errorExit(context, command, done.error());
    return Done;
}

} // namespace

int runMembersListCommand(const CommandContext& context)
{
    MembersArguments arguments;
    bool json = false;
    if (auto exit = parseMembers(context, QStringLiteral("list"), false, arguments, &json))
        return *exit;
    return withProject(context, QStringLiteral("members list"), arguments.project, [&](Connection& connection, qint64 project) -> Result<void> {
        auto members = listMembers(connection, project);
        if (!members)
            return members.error();
        if (json) {
            QJsonArray rows;
            for (const ProjectMember& m : *members)
                rows.append(QJsonObject{{QStringLiteral("member"), m.member}, {QStringLiteral("level"), m.level},
                                        {QStringLiteral("added_at"), m.addedAt.toString(Qt::ISODate)},
                                        {QStringLiteral("added_by"), m.addedBy}});
            context.out << QJsonDocument(rows).toJson(QJsonDocument::Indented);
        } else {
            for (const ProjectMember& m : *members)
                context.out << m.member << '\t' << m.level << '\t' << m.addedAt.toString(Qt::ISODate) << '\t' << m.addedBy << '\n';
        }
        return {};
    });
}

int runMembersAddCommand(const CommandContext& context)
{
    MembersArguments arguments;
    if (auto exit = parseMembers(context, QStringLiteral("add"), true, arguments))
        return *exit;
    const int exit = withProject(context, QStringLiteral("members add"), arguments.project, [&](Connection& connection, qint64 project) {
        return addMember(connection, project, arguments.role);
    });
    if (exit == Done)
        context.out << arguments.role << " is a member of " << arguments.project << '\n';
    return exit;
}

int runMembersRemoveCommand(const CommandContext& context)
{
    MembersArguments arguments;
    if (auto exit = parseMembers(context, QStringLiteral("remove"), true, arguments))
        return *exit;
    const int exit = withProject(context, QStringLiteral("members remove"), arguments.project, [&](Connection& connection, qint64 project) {
        return removeMember(connection, project, arguments.role);
    });
    if (exit == Done)
        context.out << arguments.role << " is no longer a member of " << arguments.project << '\n';
    return exit;
}

} // namespace ops::app
