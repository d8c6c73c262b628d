// SPDX-License-Identifier: MIT
#include "commands/DeployCommands.h"

#include "commands/HeadlessSession.h"
#include "demo/DemoPlatform.h"
#include "deploy/AuditVerifier.h"
#include "deploy/HttpDeployProvider.h"
#include "deploy/RolloutService.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUuid>

#include <cstdio>

namespace ops::app {

using namespace ops::services;

namespace {

enum Exit { Succeeded = 0, Failed = 1, Usage = 2, ErrorExit = 3, NeedsAttention = 4, Refused = 5 };

// Everything a deployments command needs: session, project, provider (maybe the demo), service.
struct DeployContext {
    std::unique_ptr<HeadlessSession> session;
    qint64 projectId = 0;
    std::unique_ptr<DemoPlatform> demo;
    HttpDeployProvider::Config providerConfig;
    std::unique_ptr<HttpDeployProvider> provider;
    std::unique_ptr<RolloutService> service;
};

struct CommonOptions {
    QCommandLineOption env{QStringLiteral("env"), QStringLiteral("Environment (default production)."), QStringLiteral("NAME"),
                           QStringLiteral("production")};
    QCommandLineOption project{QStringLiteral("project"), QStringLiteral("Project slug (default demo)."), QStringLiteral("SLUG"),
                               QStringLiteral("demo")};
    QCommandLineOption providerUrl{QStringLiteral("provider-url"),
                                   QStringLiteral("Vercel-shaped API base URL (default: the built-in demo platform)."),
                                   QStringLiteral("URL")};
    QCommandLineOption providerProject{QStringLiteral("provider-project"), QStringLiteral("The provider's project id."),
                                       QStringLiteral("ID"), QStringLiteral("prj_demo")};
    QCommandLineOption healthUrl{QStringLiteral("health-url"), QStringLiteral("Base URL of the platform's /api/health."),
                                 QStringLiteral("URL")};
    QCommandLineOption recoverAfter{QStringLiteral("recover-after"),
                                    QStringLiteral("Take over an unfinished rollout whose console has been silent this long (default 120)."),
                                    QStringLiteral("SECONDS"), QStringLiteral("120")};
    QCommandLineOption verifyWindow{QStringLiteral("verify-window"),
                                    QStringLiteral("How long verification waits for healthy answers (default 30)."),
                                    QStringLiteral("SECONDS"), QStringLiteral("30")};

    void addTo(QCommandLineParser& parser) const
    {
        parser.addOptions({env, project, providerUrl, providerProject, healthUrl, recoverAfter, verifyWindow});
    }
};

Result<DeployContext> openDeploy(const CommandContext& context, const QCommandLineParser& parser, const CommonOptions& o)
{
    DeployContext deploy;
    auto session = HeadlessSession::open(context.options);
    if (!session)
        return session.error();
    deploy.session = std::move(session.value());
    auto project = deploy.session->projectId(parser.value(o.project));
    if (!project)
        return project.error();
    deploy.projectId = *project;

    HttpDeployProvider::Config providerConfig;
    QString healthUrl = parser.value(o.healthUrl);
    if (parser.isSet(o.providerUrl)) {
        providerConfig.baseUrl = parser.value(o.providerUrl);
        providerConfig.projectId = parser.value(o.providerProject);
        // OPS_DEPLOY_TOKEN (already in the store) or the keyring; headless runs never ask.
        if (context.secrets)
            providerConfig.token = waitForSecret(*context.secrets, QStringLiteral("deploy/default")).value_or(QByteArray());
    } else {
        deploy.demo = std::make_unique<DemoPlatform>();
        if (auto started = deploy.demo->start(); !started)
            return started.error();
        context.err << "using the built-in demo platform at " << deploy.demo->baseUrl() << '\n';
        providerConfig.baseUrl = deploy.demo->baseUrl();
        providerConfig.projectId = deploy.demo->config().projectId;
        providerConfig.token = deploy.demo->config().token.toUtf8();
        if (healthUrl.isEmpty())
            healthUrl = deploy.demo->baseUrl();
    }
    // Production is the provider's production target; any other environment its preview builds.
    providerConfig.target = parser.value(o.env) == QLatin1String("production") ? QStringLiteral("production") : QStringLiteral("preview");
    deploy.providerConfig = providerConfig;
    deploy.provider = std::make_unique<HttpDeployProvider>(providerConfig);
    RolloutService::Config config;
    config.projectId = *project;
    config.environment = parser.value(o.env);
    config.providerProject = providerConfig.projectId;
    config.verification.baseUrl = healthUrl;
    config.staleSeconds = std::max(0, parser.value(o.recoverAfter).toInt());
    config.verification.window = std::chrono::seconds(std::max(1, parser.value(o.verifyWindow).toInt()));
    config.verification.smokePaths = {QStringLiteral("/api/health"), QStringLiteral("/api/contacts"),
                                      QStringLiteral("/api/campaigns"), QStringLiteral("/api/contacts"),
                                      QStringLiteral("/api/campaigns")};  // five smoke requests by default
    deploy.service = std::make_unique<RolloutService>(deploy.session->pool(), *deploy.provider, config);
    return deploy;
}

int errorExit(const CommandContext& context, const QString& command, const Error& error)
{
    context.err << "ops-console " << command << ": " << error.message << '\n';
    return error.sqlstate == QLatin1String("55006") || error.kind == ErrorKind::Permission ? Refused : ErrorExit;
}

// Shows the plan (and the migration warning), asks unless --yes, runs it, maps the outcome to
// the exit code.
int confirmAndRun(const CommandContext& context, const QString& command, RolloutService& service, const RolloutPlan& plan,
                  bool yes, const QString& reason, const QString& gateOverride = {})
{
    context.out << plan.sentence() << " (" << plan.targetProviderId << ")" << Qt::endl;
    if (!plan.migrationWarning.isEmpty())
        context.out << "WARNING: " << plan.migrationWarning << Qt::endl;
    if (!yes) {
        context.out << "Proceed? [y/N] " << Qt::flush;
        char answer[16] = {};
        if (!std::fgets(answer, sizeof answer, stdin) || (answer[0] != 'y' && answer[0] != 'Y')) {
            context.out << "nothing changed\n";
            return Refused;
        }
    }
    const QString key = QUuid::createUuid().toString(QUuid::WithoutBraces);
    auto outcome = service.run(plan, reason, key, gateOverride);
    if (!outcome)
        return errorExit(context, command, outcome.error());
    context.out << "rollout " << outcome->rolloutId << ": " << outcome->state << ": " << outcome->message << '\n';
    return outcome->succeeded() ? Succeeded : outcome->state == QLatin1String("failed") ? Failed : NeedsAttention;
}

// --until: "+2h", "+30m", "+1d" from now, or an ISO 8601 time (UTC unless it carries an offset).
Result<QDateTime> parseUntil(const QString& text)
{
    static const QRegularExpression relative(QStringLiteral("^\\+(\\d{1,5})([mhd])$"));
    if (const auto match = relative.match(text.trimmed()); match.hasMatch()) {
        const qint64 amount = match.captured(1).toLongLong();
        const qint64 unit = match.captured(2) == QLatin1String("m") ? 60 : match.captured(2) == QLatin1String("h") ? 3600 : 86400;
        return QDateTime::currentDateTimeUtc().addSecs(amount * unit);
    }
    QDateTime time = QDateTime::fromString(text.trimmed(), Qt::ISODate);
    if (!time.isValid())
        return Error::make(ErrorKind::InvalidInput,
                           QStringLiteral("--until %1: not a time (use ISO 8601 such as 2026-11-24T18:00Z, or +2h / +30m / +1d)").arg(text));
    if (time.timeSpec() == Qt::LocalTime)
        time.setTimeSpec(Qt::UTC);
    return time;
}

} // namespace

int runAuditVerifyCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Recompute the audit log's hash chain and report the first broken link."));
    if (auto exit = parseCommandLine(parser, QStringLiteral("audit verify"), context))
        return *exit;
    auto session = HeadlessSession::open(context.options);
    if (!session)
        return errorExit(context, QStringLiteral("audit verify"), session.error());
    auto verification = AuditVerifier::verify((*session)->pool());
    if (!verification)
        return errorExit(context, QStringLiteral("audit verify"), verification.error());
    if (verification->intact) {
        context.out << "audit log intact: " << verification->rowsChecked << " rows verified\n";
        return Succeeded;
    }
    context.out << "audit log BROKEN at row " << verification->brokenAtId << ": " << verification->problem << '\n';
    return Failed;
}

int runDeploymentsCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("List an environment's deployments, newest first."));
    CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    parser.addOption(json);
    if (auto exit = parseCommandLine(parser, QStringLiteral("deployments"), context))
        return *exit;
    auto deploy = openDeploy(context, parser, common);
    if (!deploy)
        return errorExit(context, QStringLiteral("deployments"), deploy.error());
    // Every console that starts finishes what a dead console left unfinished.
    if (auto recovered = deploy->service->recover(); !recovered)
        context.err << "warning: recovery of unfinished rollouts failed: " << recovered.error().message << '\n';
    else
        for (const RolloutOutcome& o : recovered.value())
            context.err << "recovered rollout " << o.rolloutId << ": " << o.state << ": " << o.message << '\n';
    if (auto synced = deploy->service->sync(); !synced)
        context.err << "warning: could not refresh from the provider: " << synced.error().message << '\n';
    auto env = deploy->service->environmentId();
    if (!env)
        return errorExit(context, QStringLiteral("deployments"), env.error());
    auto rows = deploy->session->pool().withClient(QStringLiteral("deployments list"), [&](Connection& c) {
        return c.exec(QStringLiteral(
            "SELECT d.id, d.provider_id, d.version, d.git_commit, d.created_at, d.created_by, d.health, "
            "       d.id = e.current_deployment, e.pinned, "
            "       EXISTS (SELECT 1 FROM ops.rollouts r WHERE r.target = d.id AND r.kind = 'rollback' AND r.state = 'succeeded'), "
            "       ops.lock_summary(e.id) "
            "FROM ops.deployments d JOIN ops.environments e ON e.id = d.environment_id "
            "WHERE e.id = $1 ORDER BY d.created_at DESC"), {*env});
    }, CallOptions::idempotentUnit());
    if (!rows)
        return errorExit(context, QStringLiteral("deployments"), rows.error());
    const bool pinned = rows->rowCount() > 0 && rows->toBool(0, 8);
    const QString lock = rows->rowCount() > 0 ? rows->text(0, 10) : QString();
    if (parser.isSet(json)) {
        QJsonArray list;
        for (int i = 0; i < rows->rowCount(); ++i)
            list.append(QJsonObject{{QStringLiteral("id"), rows->toInt64(i, 0)},
                                    {QStringLiteral("providerId"), rows->text(i, 1)},
                                    {QStringLiteral("version"), rows->text(i, 2)},
                                    {QStringLiteral("commit"), rows->text(i, 3)},
                                    {QStringLiteral("createdAt"), rows->toDateTime(i, 4).toString(Qt::ISODate)},
                                    {QStringLiteral("createdBy"), rows->text(i, 5)},
                                    {QStringLiteral("health"), rows->text(i, 6)},
                                    {QStringLiteral("current"), rows->toBool(i, 7)},
                                    {QStringLiteral("rolledBackTo"), rows->toBool(i, 9)}});
        context.out << QJsonDocument(QJsonObject{{QStringLiteral("environment"), parser.value(common.env)},
                                                 {QStringLiteral("pinned"), pinned},
                                                 {QStringLiteral("lock"), lock},
                                                 {QStringLiteral("deployments"), list}})
                           .toJson(QJsonDocument::Indented);
        return Succeeded;
    }
    context.out << parser.value(common.env) << (pinned ? "  [PINNED after a rollback: new builds do not go live until promoted]" : "")
                << (lock.isEmpty() ? QString() : QStringLiteral("  [LOCKED by %1]").arg(lock)) << '\n';
    context.out << QStringLiteral("%1 %2 %3 %4 %5 %6\n").arg(QStringLiteral(""), -2).arg(QStringLiteral("ID"), -6)
                       .arg(QStringLiteral("VERSION"), -10).arg(QStringLiteral("HEALTH"), -8)
                       .arg(QStringLiteral("CREATED (UTC)"), -20).arg(QStringLiteral("PROVIDER ID"));
    for (int i = 0; i < rows->rowCount(); ++i)
        context.out << QStringLiteral("%1 %2 %3 %4 %5 %6%7\n")
                           .arg(rows->toBool(i, 7) ? QStringLiteral("*") : QString(), -2)
                           .arg(rows->text(i, 0), -6).arg(rows->text(i, 2), -10).arg(rows->text(i, 6), -8)
                           .arg(rows->toDateTime(i, 4).toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")), -20)
                           .arg(rows->text(i, 1), rows->toBool(i, 9) ? QStringLiteral("  (rolled back to)") : QString());
    return Succeeded;
}

int runRollbackCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Roll an environment back to its last healthy deployment."));
    CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption to(QStringLiteral("to"), QStringLiteral("Target deployment (id or provider id)."), QStringLiteral("ID"));
    const QCommandLineOption yes(QStringLiteral("yes"), QStringLiteral("Do not ask for confirmation."));
    const QCommandLineOption reason(QStringLiteral("reason"), QStringLiteral("Why (sent to the provider, recorded)."),
                                    QStringLiteral("TEXT"));
    parser.addOptions({to, yes, reason});
    if (auto exit = parseCommandLine(parser, QStringLiteral("rollback"), context))
        return *exit;
    auto deploy = openDeploy(context, parser, common);
    if (!deploy)
        return errorExit(context, QStringLiteral("rollback"), deploy.error());
    deploy->service->setProgressListener([&context](const QString& line) { context.out << "  " << line << Qt::endl; });
    if (auto synced = deploy->service->sync(); !synced)
        return errorExit(context, QStringLiteral("rollback"), synced.error());
    if (auto recovered = deploy->service->recover(); !recovered)
        context.err << "warning: recovery of unfinished rollouts failed: " << recovered.error().message << '\n';
    else
        for (const RolloutOutcome& o : recovered.value())
            context.out << "recovered rollout " << o.rolloutId << ": " << o.state << ": " << o.message << '\n';
    auto plan = deploy->service->planRollback(parser.isSet(to) ? std::optional<QString>(parser.value(to)) : std::nullopt);
    if (!plan)
        return errorExit(context, QStringLiteral("rollback"), plan.error());
    return confirmAndRun(context, QStringLiteral("rollback"), *deploy->service, *plan, parser.isSet(yes), parser.value(reason));
}

int runUndoCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Undo the rollback that pinned an environment: promote the deployment it replaced."));
    CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption yes(QStringLiteral("yes"), QStringLiteral("Do not ask for confirmation."));
    const QCommandLineOption reason(QStringLiteral("reason"), QStringLiteral("Why (recorded)."), QStringLiteral("TEXT"));
    parser.addOptions({yes, reason});
    if (auto exit = parseCommandLine(parser, QStringLiteral("undo"), context))
        return *exit;
    auto deploy = openDeploy(context, parser, common);
    if (!deploy)
        return errorExit(context, QStringLiteral("undo"), deploy.error());
    deploy->service->setProgressListener([&context](const QString& line) { context.out << "  " << line << Qt::endl; });
    if (auto synced = deploy->service->sync(); !synced)
        return errorExit(context, QStringLiteral("undo"), synced.error());
    auto plan = deploy->service->planUndo();
    if (!plan)
        return errorExit(context, QStringLiteral("undo"), plan.error());
    return confirmAndRun(context, QStringLiteral("undo"), *deploy->service, *plan, parser.isSet(yes), parser.value(reason));
}

int runPromoteCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Promote another environment's current deployment (staging's) to --env."));
    CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("Source environment (default staging)."), QStringLiteral("ENV"),
                                  QStringLiteral("staging"));
    const QCommandLineOption override(QStringLiteral("override-gate"),
                                      QStringLiteral("Promote although the plan's checkpoint is not signed Go (ops_approver only): why."),
                                      QStringLiteral("REASON"));
    const QCommandLineOption yes(QStringLiteral("yes"), QStringLiteral("Do not ask for confirmation."));
    const QCommandLineOption reason(QStringLiteral("reason"), QStringLiteral("Why (recorded)."), QStringLiteral("TEXT"));
    parser.addOptions({from, override, yes, reason});
    if (auto exit = parseCommandLine(parser, QStringLiteral("promote"), context))
        return *exit;
    auto deploy = openDeploy(context, parser, common);
    if (!deploy)
        return errorExit(context, QStringLiteral("promote"), deploy.error());
    deploy->service->setProgressListener([&context](const QString& line) { context.out << "  " << line << Qt::endl; });
    // The source environment's current deployment comes from its own provider target.
    HttpDeployProvider::Config sourceConfig = deploy->providerConfig;
    sourceConfig.target = parser.value(from) == QLatin1String("production") ? QStringLiteral("production") : QStringLiteral("preview");
    HttpDeployProvider sourceProvider(sourceConfig);
    RolloutService::Config sourceServiceConfig;
    sourceServiceConfig.projectId = deploy->projectId;
    sourceServiceConfig.environment = parser.value(from);
    sourceServiceConfig.providerProject = sourceConfig.projectId;
    RolloutService source(deploy->session->pool(), sourceProvider, sourceServiceConfig);
    if (auto synced = source.sync(); !synced)
        return errorExit(context, QStringLiteral("promote"), synced.error());
    if (auto synced = deploy->service->sync(); !synced)
        return errorExit(context, QStringLiteral("promote"), synced.error());
    auto plan = deploy->service->planPromotion(parser.value(from));
    if (!plan)
        return errorExit(context, QStringLiteral("promote"), plan.error());
    return confirmAndRun(context, QStringLiteral("promote"), *deploy->service, *plan, parser.isSet(yes), parser.value(reason),
                         parser.value(override));
}

int runLockCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lock (freeze) an environment: deploys, promotions and undos are refused, "
                                                    "rollbacks never."));
    CommonOptions common;
    common.addTo(parser);
    const QCommandLineOption reason(QStringLiteral("reason"), QStringLiteral("Why (required, shown to everyone)."), QStringLiteral("TEXT"));
    const QCommandLineOption until(QStringLiteral("until"), QStringLiteral("When the lock ends: ISO 8601 or +2h / +30m (default: until unlocked)."),
                                   QStringLiteral("TIME"));
    parser.addOptions({reason, until});
    if (auto exit = parseCommandLine(parser, QStringLiteral("lock"), context))
        return *exit;
    if (parser.value(reason).trimmed().isEmpty()) {
        context.err << "ops-console lock: --reason is required\n";
        return Usage;
    }
    QDateTime end;
    if (parser.isSet(until)) {
        auto parsed = parseUntil(parser.value(until));
        if (!parsed) {
            context.err << "ops-console lock: " << parsed.error().message << '\n';
            return Usage;
        }
        end = *parsed;
    }
    auto deploy = openDeploy(context, parser, common);
    if (!deploy)
        return errorExit(context, QStringLiteral("lock"), deploy.error());
    if (auto locked = deploy->service->lock(parser.value(reason), end); !locked)
        return errorExit(context, QStringLiteral("lock"), locked.error());
    context.out << parser.value(common.env) << " locked: " << parser.value(reason).trimmed()
                << (end.isValid() ? QStringLiteral(" (until %1 UTC)").arg(end.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm"))) : QString())
                << '\n';
    return Succeeded;
}

int runUnlockCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Lift an environment's lock."));
    CommonOptions common;
    common.addTo(parser);
    if (auto exit = parseCommandLine(parser, QStringLiteral("unlock"), context))
        return *exit;
    auto deploy = openDeploy(context, parser, common);
    if (!deploy)
        return errorExit(context, QStringLiteral("unlock"), deploy.error());
    if (auto unlocked = deploy->service->unlock(); !unlocked)
        return errorExit(context, QStringLiteral("unlock"), unlocked.error());
    context.out << parser.value(common.env) << " unlocked\n";
    return Succeeded;
}

} // namespace ops::app
