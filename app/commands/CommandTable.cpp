// SPDX-License-Identifier: MIT
#include "commands/HeadlessCommand.h"
#include "commands/PlanCommands.h"
#include "commands/ViolationCommands.h"
#include "commands/HealthCommands.h"
#include "commands/HealthAdminCommands.h"

#include "commands/DeployCommands.h"
#include "commands/LoadTestCommands.h"
#include "commands/MemberCommands.h"

namespace ops::app {

// One row per command; features add theirs here (declare the run function in its own header).
const std::vector<CommandSpec>& commandTable()
{
    static const std::vector<CommandSpec> table = {
        {QStringLiteral("plan import"), QStringLiteral("import a Markdown plan: plan import FILE [--project P]"), runPlanImportCommand},
        {QStringLiteral("checkpoint status"), QStringLiteral("the next checkpoint's criteria; exit 0 when all pass [--json]"), runCheckpointStatusCommand},
        {QStringLiteral("violations import"), QStringLiteral("import sandbox violations from a log file"), runViolationsImportCommand},
        {QStringLiteral("health"), QStringLiteral("every monitor's latest health; exit 0 healthy, 1 degraded, 2 down"), runHealthCommand},
        {QStringLiteral("audit verify"), QStringLiteral("Recompute the audit log's hash chain; report the first broken link"), runAuditVerifyCommand},
        {QStringLiteral("deployments"), QStringLiteral("List an environment's deployments (--env E [--json])"), runDeploymentsCommand},
        {QStringLiteral("checkpoint report"), QStringLiteral("checkpoint report as Markdown or PDF [--markdown FILE] [--pdf FILE] [--checkpoint TITLE]"), runCheckpointReportCommand},
        {QStringLiteral("plan week-report"), QStringLiteral("the plan's week report as Markdown or PDF [--markdown FILE] [--pdf FILE]"), runPlanWeekReportCommand},
        {QStringLiteral("rollback"), QStringLiteral("Roll an environment back to its last healthy deployment (--env E [--to ID] [--yes])"), runRollbackCommand},
        {QStringLiteral("undo"), QStringLiteral("Undo the rollback that pinned an environment (--env E [--yes])"), runUndoCommand},
        {QStringLiteral("promote"), QStringLiteral("Promote staging's deployment (--from staging --env production [--override-gate R] [--yes])"), runPromoteCommand},
        {QStringLiteral("lock"), QStringLiteral("Lock an environment against deploys and promotions (--env E --reason R [--until T])"), runLockCommand},
        {QStringLiteral("unlock"), QStringLiteral("Lift an environment's lock (--env E)"), runUnlockCommand},
        {QStringLiteral("loadtest"), QStringLiteral("Load test a URL like ab: loadtest URL -n N -c C [--json]; exit 0 all succeeded, 1 not, 2 usage"), runLoadTestCommand},
        {QStringLiteral("health monitor add"), QStringLiteral("add or update a monitor (--kind http|prometheus|postgres|pool ...)"), runHealthMonitorAddCommand},
        {QStringLiteral("health maintenance"), QStringLiteral("maintenance windows: add (one-off or weekly), list, remove ID"), runHealthMaintenanceCommand},
        {QStringLiteral("health alerts"), QStringLiteral("the newest health alerts [--json], or --ack ID"), runHealthAlertsCommand},
        {QStringLiteral("members list"), QStringLiteral("A project's members and levels (--project P [--json]); exit 1 refused, 3 not found"), runMembersListCommand},
        {QStringLiteral("members add"), QStringLiteral("Add a login role to a project, ops_admin only (--project P ROLE); exit 1 refused, 3 not found"), runMembersAddCommand},
        {QStringLiteral("members remove"), QStringLiteral("Remove a login role from a project, ops_admin only (--project P ROLE); exit 1 refused, 3 not found"), runMembersRemoveCommand},
    };
    return table;
}

QStringList commandWords()
{
    QStringList words;
    for (const CommandSpec& spec : commandTable()) {
        const QString first = spec.name.section(QLatin1Char(' '), 0, 0);
        if (!words.contains(first))
            words << first;
    }
    return words;
}

const CommandSpec* findCommand(const QStringList& positional, int* wordsUsed)
{
    const CommandSpec* best = nullptr;
    int bestWords = 0;
    for (const CommandSpec& spec : commandTable()) {
        const QStringList words = spec.name.split(QLatin1Char(' '));
        if (words.size() > positional.size() || words.size() <= bestWords)
            continue;
        if (positional.mid(0, words.size()) == words) {
            best = &spec;
            bestWords = int(words.size());
        }
    }
    if (wordsUsed)
        *wordsUsed = bestWords;
    return best;
}

std::optional<int> parseCommandLine(QCommandLineParser& parser, const QString& commandName,
                                    const CommandContext& context)
{
    const QCommandLineOption help = parser.addHelpOption();
    const QStringList arguments = QStringList{QStringLiteral("ops-console ") + commandName} + context.arguments;
    if (!parser.parse(arguments)) {
        context.err << "ops-console " << commandName << ": " << parser.errorText() << '\n'
                    << "usage: see ops-console " << commandName << " --help\n";
        return 2;
    }
    if (parser.isSet(help)) {
        context.out << parser.helpText();
        return 0;
    }
    return std::nullopt;
}

} // namespace ops::app
