// SPDX-License-Identifier: MIT
#include "commands/PlanCommands.h"

#include "commands/HeadlessSession.h"
#include "plan/CheckpointService.h"
#include "plan/PlanImporter.h"
#include "plan/PlanStore.h"
#include "plan/PlanReports.h"
#include "plan/PoolMetricSource.h"
#include "standup/ReportPdfWriter.h"

#include <QFile>
#include <QJsonDocument>

using namespace ops::services;
using namespace ops::services::plan;

namespace ops::app {

namespace {

QCommandLineOption projectOption()
{
    return QCommandLineOption(QStringLiteral("project"), QStringLiteral("The project's slug (default: demo)."),
                              QStringLiteral("slug"), QStringLiteral("demo"));
}

} // namespace

int runPlanImportCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Import or re-import a Markdown plan (day-by-day or phase-based)."));
    const QCommandLineOption project = projectOption();
    parser.addOption(project);
    parser.addPositionalArgument(QStringLiteral("file"), QStringLiteral("The plan's Markdown file."));
    if (auto exit = parseCommandLine(parser, QStringLiteral("plan import"), context))
        return *exit;
    if (parser.positionalArguments().size() != 1) {
        context.err << "ops-console plan import: expected exactly one FILE\n";
        return 2;
    }
    const QString path = parser.positionalArguments().first();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        context.err << "ops-console plan import: cannot read " << path << ": " << file.errorString() << '\n';
        return 1;
    }
    if (file.size() > PlanImporter::kMaxBytes) {
        context.err << "ops-console plan import: " << path << " is larger than the 32 MB limit\n";
        return 1;
    }
    const ImportResult result = PlanImporter().import(file.readAll(), path);
    context.out << result.report.toText();
    if (!result.report.usable) {
        context.err << "ops-console plan import: nothing usable in " << path << "; nothing was saved\n";
        return 1;
    }
    auto session = HeadlessSession::open(context.options);
    if (!session) {
        context.err << "ops-console plan import: " << session.error().toString() << '\n';
        return 1;
    }
    auto projectId = (*session)->projectId(parser.value(project));
    if (!projectId) {
        context.err << "ops-console plan import: " << projectId.error().message << '\n';
        return 1;
    }
    auto saved = (*session)->pool().inTransaction(QStringLiteral("POST /plans/import"), [&](Connection& connection) {
        return PlanStore::save(connection, *projectId, result.plan);
    });
    if (!saved) {
        context.err << "ops-console plan import: " << saved.error().toString() << '\n';
        return 1;
    }
    context.out << "Saved as plan " << *saved << " (key " << result.plan.key << ") in project " << parser.value(project) << '\n';
    return 0;
}

int runCheckpointStatusCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The next Go/No-Go checkpoint's criteria; exit 0 when all are met."));
    const QCommandLineOption project = projectOption();
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON instead of a table."));
    parser.addOption(project);
    parser.addOption(json);
    if (auto exit = parseCommandLine(parser, QStringLiteral("checkpoint status"), context))
        return *exit;
    auto session = HeadlessSession::open(context.options);
    if (!session) {
        context.err << "ops-console checkpoint status: " << session.error().toString() << '\n';
        return 1;
    }
    auto projectId = (*session)->projectId(parser.value(project));
    if (!projectId) {
        context.err << "ops-console checkpoint status: " << projectId.error().message << '\n';
        return 1;
    }
    auto gate = (*session)->pool().withClient(QStringLiteral("GET /checkpoints/next"), [&](Connection& connection) {
        return CheckpointService::nextGate(connection, *projectId);
    }, CallOptions::idempotentUnit());
    if (!gate) {
        context.err << "ops-console checkpoint status: " << gate.error().message << '\n';
        return 1;
    }
    if (!gate->has_value()) {
        if (parser.isSet(json))
            context.out << QJsonDocument(QJsonObject{{QStringLiteral("checkpoint"), QJsonValue()}, {QStringLiteral("all_met"), true}})
                               .toJson(QJsonDocument::Indented);
        else
            context.out << "Every checkpoint is signed Go.\n";
        return 0;
    }
    // Metric criteria are measured from the Health samples; the pool only for metrics Health
    // does not measure (see HealthMetricSource).
    PoolMetricSource poolSource((*session)->pool());
    const StoredCheckpoint checkpoint = **gate;
    auto evaluated = (*session)->pool().withClient(QStringLiteral("GET /checkpoints/evaluate"), [&](Connection& connection) {
        return Result<CheckpointStatus>(CheckpointService::evaluateLive(connection, *projectId, checkpoint, &poolSource));
    }, CallOptions::idempotentUnit());
    if (!evaluated) {
        context.err << "ops-console checkpoint status: " << evaluated.error().message << '\n';
        return 1;
    }
    const CheckpointStatus& status = *evaluated;
    if (parser.isSet(json)) {
        context.out << QJsonDocument(status.toJson()).toJson(QJsonDocument::Indented);
    } else {
        context.out << "Checkpoint: " << status.checkpoint.title;
        if (!status.checkpoint.latestDecision.isEmpty())
            context.out << " (latest sign-off: " << status.checkpoint.latestDecision << ")";
        context.out << '\n';
        for (const CriterionStatus& entry : status.criteria) {
            context.out << "  [" << criterionStateName(entry.evaluation.state).leftJustified(14) << "] " << entry.criterion.text;
            if (!entry.manual)
                context.out << "  {" << entry.criterion.expression << "}";
            if (!entry.evaluation.measured.isEmpty())
                context.out << "  = " << entry.evaluation.measured;
            if (!entry.evaluation.reason.isEmpty())
                context.out << "  (" << entry.evaluation.reason << ")";
            context.out << '\n';
        }
        context.out << (status.allMet() ? "All criteria met.\n" : "Not all criteria are met.\n");
    }
    return status.allMet() ? 0 : 1;
}

namespace {

// The options both report commands take.
struct ReportOptions {
    QCommandLineOption project = projectOption();
    QCommandLineOption markdown{QStringLiteral("markdown"), QStringLiteral("Write Markdown to FILE (and the chart to FILE's name .chart.png)."),
                                QStringLiteral("file")};
    QCommandLineOption pdf{QStringLiteral("pdf"), QStringLiteral("Write a PDF to FILE."), QStringLiteral("file")};

    void addTo(QCommandLineParser& parser) const { parser.addOptions({project, markdown, pdf}); }
};

// Shared by the two report commands: Markdown to stdout unless --markdown/--pdf name files.
int writeReport(const CommandContext& context, const QString& command, const QCommandLineParser& parser,
                const ReportOptions& options, const std::function<Result<ReportWithChart>(HeadlessSession&, qint64)>& build)
{
    const QString prefix = QStringLiteral("ops-console ") + command + QStringLiteral(": ");
    auto session = HeadlessSession::open(context.options);
    if (!session) {
        context.err << prefix << session.error().toString() << '\n';
        return 1;
    }
    auto projectId = (*session)->projectId(parser.value(options.project));
    if (!projectId) {
        context.err << prefix << projectId.error().message << '\n';
        return 1;
    }
    auto built = build(**session, *projectId);
    if (!built) {
        context.err << prefix << built.error().message << '\n';
        return 1;
    }
    if (!parser.isSet(options.markdown) && !parser.isSet(options.pdf))
        context.out << built->report.toMarkdown();
    using Writer = Result<void> (*)(const Report&, const HealthSeries&, const QString&);
    const struct {
        const QCommandLineOption& option;
        Writer write;
        const char* what;
    } outputs[] = {{options.markdown, &ops::widgets::ReportPdfWriter::writeMarkdown, "Markdown"},
                   {options.pdf, &ops::widgets::ReportPdfWriter::writePdf, "PDF"}};
    for (const auto& output : outputs) {
        if (!parser.isSet(output.option))
            continue;
        const QString file = parser.value(output.option);
        if (auto written = output.write(built->report, built->chart, file); !written) {
            context.err << prefix << written.error().message << '\n';
            return 1;
        }
        context.out << output.what << " written to " << file << '\n';
    }
    return 0;
}

} // namespace

int runCheckpointReportCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The checkpoint report (criteria table, sign-offs, health chart) of the last signed Go/No-Go checkpoint, "
        "else the next one. Markdown on stdout unless --markdown/--pdf are given."));
    const ReportOptions options;
    options.addTo(parser);
    const QCommandLineOption titled(QStringLiteral("checkpoint"), QStringLiteral("The checkpoint's title instead."), QStringLiteral("title"));
    parser.addOption(titled);
    if (auto exit = parseCommandLine(parser, QStringLiteral("checkpoint report"), context))
        return *exit;
    const QString title = parser.value(titled);
    return writeReport(context, QStringLiteral("checkpoint report"), parser, options, [title](HeadlessSession& session, qint64 project) {
        PoolMetricSource poolSource(session.pool());
        return session.pool().withClient(QStringLiteral("GET /reports/checkpoint"), [&](Connection& connection) {
            return PlanReports::checkpoint(connection, project, &poolSource, title);
        }, CallOptions::idempotentUnit());
    });
}

int runPlanWeekReportCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "The current plan's week report (readiness and trend, days, sign-offs, open blockers, health chart). "
        "Markdown on stdout unless --markdown/--pdf are given."));
    const ReportOptions options;
    options.addTo(parser);
    if (auto exit = parseCommandLine(parser, QStringLiteral("plan week-report"), context))
        return *exit;
    return writeReport(context, QStringLiteral("plan week-report"), parser, options, [](HeadlessSession& session, qint64 project) {
        PoolMetricSource poolSource(session.pool());
        return session.pool().withClient(QStringLiteral("GET /reports/week"), [&](Connection& connection) {
            return PlanReports::week(connection, project, QDateTime::currentDateTimeUtc(), &poolSource);
        }, CallOptions::idempotentUnit());
    });
}

} // namespace ops::app
