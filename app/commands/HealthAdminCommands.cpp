// SPDX-License-Identifier: MIT
#include "commands/HealthAdminCommands.h"

#include "commands/HeadlessSession.h"
#include "health/AlertStore.h"
#include "health/HealthSettings.h"
#include "health/MonitorConfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTime>

using namespace ops::services;

namespace ops::app {

namespace {

const QCommandLineOption projectOption(QStringLiteral("project"), QStringLiteral("Project slug (default demo)."),
                                       QStringLiteral("SLUG"), QStringLiteral("demo"));

// The session and the project id, or the exit code after printing why not.
struct Opened {
    std::unique_ptr<HeadlessSession> session;
    qint64 project = 0;
};

std::optional<Opened> openProject(const CommandContext& context, const QString& command, const QString& slug)
{
    auto session = HeadlessSession::open(context.options);
    if (!session) {
        context.err << "ops-console " << command << ": " << session.error().toString() << '\n';
        return std::nullopt;
    }
    auto project = session.value()->projectId(slug);
    if (!project) {
        context.err << "ops-console " << command << ": " << project.error().toString() << '\n';
        return std::nullopt;
    }
    return Opened{std::move(session.value()), project.value()};
}

int usage(const CommandContext& context, const QString& command, const QString& message)
{
    context.err << "ops-console " << command << ": " << message << '\n';
    return 2;
}

// mon..sun (any case, at least three letters) or 1..7; 0 when neither.
int isoWeekday(const QString& text)
{
    bool number = false;
    const int n = text.toInt(&number);
    if (number)
        return n >= 1 && n <= 7 ? n : 0;
    const QStringList days = {QStringLiteral("mon"), QStringLiteral("tue"), QStringLiteral("wed"), QStringLiteral("thu"),
                              QStringLiteral("fri"), QStringLiteral("sat"), QStringLiteral("sun")};
    return text.size() >= 3 ? int(days.indexOf(text.left(3).toLower())) + 1 : 0;
}

} // namespace

int runHealthMonitorAddCommand(const CommandContext& context)
{
    const QString command = QStringLiteral("health monitor add");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Add or update a monitor (idempotent by name)."));
    parser.addPositionalArgument(QStringLiteral("NAME"), QStringLiteral("The monitor's name."));
    const QCommandLineOption kind(QStringLiteral("kind"), QStringLiteral("http, prometheus, postgres or pool."), QStringLiteral("KIND"), QStringLiteral("http"));
    const QCommandLineOption url(QStringLiteral("url"), QStringLiteral("What to check (http, prometheus)."), QStringLiteral("URL"));
    const QCommandLineOption interval(QStringLiteral("interval-ms"), QStringLiteral("Check interval (default 60000)."), QStringLiteral("N"), QStringLiteral("60000"));
    const QCommandLineOption timeout(QStringLiteral("timeout-ms"), QStringLiteral("Check timeout (default 10000)."), QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption retries(QStringLiteral("retries"), QStringLiteral("Failures before down (default 3)."), QStringLiteral("N"), QStringLiteral("3"));
    const QCommandLineOption series(QStringLiteral("series"), QStringLiteral("A series to keep (prometheus; repeatable)."), QStringLiteral("SELECTOR"));
    const QCommandLineOption username(QStringLiteral("username"), QStringLiteral("HTTP Basic user (prometheus)."), QStringLiteral("USER"));
    const QCommandLineOption secret(QStringLiteral("secret"), QStringLiteral("Secret store entry with the password."), QStringLiteral("NAME"));
    parser.addOptions({kind, url, interval, timeout, retries, series, username, secret, projectOption});
    if (auto exit = parseCommandLine(parser, command, context))
        return *exit;
    if (parser.positionalArguments().size() != 1)
        return usage(context, command, QStringLiteral("name exactly one monitor"));

    QJsonObject config;
    if (parser.isSet(series))
        config.insert(QStringLiteral("series"), QJsonArray::fromStringList(parser.values(series)));
    if (parser.isSet(username))
        config.insert(QStringLiteral("username"), parser.value(username));
    if (parser.isSet(secret))
        config.insert(QStringLiteral("secret"), parser.value(secret));
    // Checked here so a typo is reported before anything is stored.
    auto checked = MonitorConfig::parse(parser.value(kind), config);
    if (!checked)
        return usage(context, command, checked.error().message);

    auto opened = openProject(context, command, parser.value(projectOption));
    if (!opened)
        return 2;
    MonitorSettings monitor;
    monitor.name = parser.positionalArguments().first();
    monitor.kind = parser.value(kind);
    monitor.url = parser.value(url);
    monitor.intervalMs = parser.value(interval).toInt();
    monitor.timeoutMs = parser.value(timeout).toInt();
    monitor.retries = parser.value(retries).toInt();
    const QByteArray configJson = QJsonDocument(config).toJson(QJsonDocument::Compact);
    // One transaction: a monitor is never left without the config it was added with.
    auto id = opened->session->pool().inTransaction(command, [&](Connection& c) {
        return saveMonitor(c, opened->project, monitor, configJson);
    });
    if (!id)
        return usage(context, command, id.error().toString());
    context.out << "monitor " << id.value() << " saved\n";
    return 0;
}

int runHealthMaintenanceCommand(const CommandContext& context)
{
    const QString command = QStringLiteral("health maintenance");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Maintenance windows: add, list, remove ID."));
    parser.addPositionalArgument(QStringLiteral("ACTION"), QStringLiteral("add, list or remove"));
    const QCommandLineOption monitor(QStringLiteral("monitor"), QStringLiteral("The monitor's name."), QStringLiteral("NAME"));
    const QCommandLineOption projectWide(QStringLiteral("project-wide"), QStringLiteral("Every monitor of the project."));
    const QCommandLineOption from(QStringLiteral("from"), QStringLiteral("One-off start (ISO 8601)."), QStringLiteral("TIME"));
    const QCommandLineOption until(QStringLiteral("until"), QStringLiteral("One-off end (ISO 8601)."), QStringLiteral("TIME"));
    const QCommandLineOption weekly(QStringLiteral("weekly"), QStringLiteral("Weekday (mon..sun or 1..7)."), QStringLiteral("DAY"));
    const QCommandLineOption at(QStringLiteral("at"), QStringLiteral("Local start time HH:MM."), QStringLiteral("TIME"));
    const QCommandLineOption minutes(QStringLiteral("minutes"), QStringLiteral("Duration in minutes."), QStringLiteral("N"));
    const QCommandLineOption zone(QStringLiteral("tz"), QStringLiteral("IANA time zone, e.g. Europe/Berlin."), QStringLiteral("ZONE"));
    const QCommandLineOption reason(QStringLiteral("reason"), QStringLiteral("Why."), QStringLiteral("TEXT"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON (list)."));
    parser.addOptions({monitor, projectWide, from, until, weekly, at, minutes, zone, reason, json, projectOption});
    if (auto exit = parseCommandLine(parser, command, context))
        return *exit;
    const QStringList positional = parser.positionalArguments();
    const QString action = positional.value(0);
    if (action != QLatin1String("add") && action != QLatin1String("list") && action != QLatin1String("remove"))
        return usage(context, command, QStringLiteral("the action is add, list or remove"));
    if (action == QLatin1String("add") && parser.isSet(monitor) == parser.isSet(projectWide))
        return usage(context, command, QStringLiteral("give either --monitor NAME or --project-wide"));
    const bool isWeekly = parser.isSet(weekly);
    if (action == QLatin1String("add") && isWeekly
        && (isoWeekday(parser.value(weekly)) == 0 || !QTime::fromString(parser.value(at), QStringLiteral("HH:mm")).isValid()
            || parser.value(minutes).toInt() <= 0 || !parser.isSet(zone)))
        return usage(context, command, QStringLiteral("a weekly window needs --weekly DAY --at HH:MM --minutes N --tz ZONE"));
    if (action == QLatin1String("add") && !isWeekly && (!parser.isSet(from) || !parser.isSet(until)))
        return usage(context, command, QStringLiteral("a one-off window needs --from and --until (or use --weekly)"));

    auto opened = openProject(context, command, parser.value(projectOption));
    if (!opened)
        return 2;
    const qint64 project = opened->project;
    Pool& pool = opened->session->pool();
    if (action == QLatin1String("remove")) {
        auto removed = pool.withClient(command, [&](Connection& c) {
            return c.exec(QStringLiteral("SELECT ops.remove_maintenance_window($1)"), {positional.value(1).toLongLong()});
        });
        if (!removed)
            return usage(context, command, removed.error().toString());
        if (!removed->toBool(0, 0))
            return usage(context, command, QStringLiteral("no window %1").arg(positional.value(1)));
        context.out << "window " << positional.value(1) << " removed\n";
        return 0;
    }
    if (action == QLatin1String("list")) {
        auto rows = pool.withClient(command, [&](Connection& c) {
            return c.exec(QStringLiteral("SELECT w.id, coalesce(m.name, '(project)'), w.kind, coalesce(w.starts_at::text, ''), "
                                         "coalesce(w.ends_at::text, ''), coalesce(w.weekday, 0), coalesce(w.start_time::text, ''), "
                                         "coalesce(w.duration_minutes, 0), coalesce(w.time_zone, ''), w.reason "
                                         "FROM ops.maintenance_windows w LEFT JOIN ops.monitors m ON m.id = w.monitor_id "
                                         "WHERE w.project_id = $1 ORDER BY w.id"), {project});
        });
        if (!rows)
            return usage(context, command, rows.error().toString());
        QJsonArray list;
        for (int row = 0; row < rows->rowCount(); ++row) {
            QJsonObject o{{QStringLiteral("id"), rows->toInt64(row, 0)}, {QStringLiteral("monitor"), rows->text(row, 1)},
                          {QStringLiteral("kind"), rows->text(row, 2)}, {QStringLiteral("reason"), rows->text(row, 9)}};
            if (rows->text(row, 2) == QLatin1String("once")) {
                o.insert(QStringLiteral("from"), rows->text(row, 3));
                o.insert(QStringLiteral("until"), rows->text(row, 4));
            } else {
                o.insert(QStringLiteral("weekday"), int(rows->toInt64(row, 5)));
                o.insert(QStringLiteral("at"), rows->text(row, 6));
                o.insert(QStringLiteral("minutes"), int(rows->toInt64(row, 7)));
                o.insert(QStringLiteral("tz"), rows->text(row, 8));
            }
            list.append(o);
            if (!parser.isSet(json))
                context.out << QJsonDocument(o).toJson(QJsonDocument::Compact) << '\n';
        }
        if (parser.isSet(json))
            context.out << QJsonDocument(list).toJson(QJsonDocument::Compact) << '\n';
        return 0;
    }
    auto added = pool.withClient(command, [&](Connection& c) -> Result<qint64> {
        SqlValue monitorId;
        if (parser.isSet(monitor)) {
            auto m = c.exec(QStringLiteral("SELECT id FROM ops.monitors WHERE project_id = $1 AND name = $2"), {project, parser.value(monitor)});
            if (!m)
                return m.error();
            if (m->rowCount() == 0)
                return Error::make(ErrorKind::NotFound, QStringLiteral("no monitor named \"%1\"").arg(parser.value(monitor)));
            monitorId = m->toInt64(0, 0);
        }
        auto r = isWeekly
            ? c.exec(QStringLiteral("SELECT ops.add_maintenance_weekly($1, $2, $3, $4::time, $5, $6, $7)"),
                     {project, monitorId, isoWeekday(parser.value(weekly)), parser.value(at), parser.value(minutes).toInt(),
                      parser.value(zone), parser.value(reason)})
            : c.exec(QStringLiteral("SELECT ops.add_maintenance_once($1, $2, $3::timestamptz, $4::timestamptz, $5)"),
                     {project, monitorId, parser.value(from), parser.value(until), parser.value(reason)});
        if (!r)
            return r.error();
        return r->toInt64(0, 0);
    });
    if (!added)
        return usage(context, command, added.error().toString());
    context.out << "window " << added.value() << " added\n";
    return 0;
}

int runHealthAlertsCommand(const CommandContext& context)
{
    const QString command = QStringLiteral("health alerts");
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("The newest health alerts, or acknowledge one (needs ops_operator)."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption limit(QStringLiteral("limit"), QStringLiteral("How many (default 50)."), QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption ack(QStringLiteral("ack"), QStringLiteral("Acknowledge this alert."), QStringLiteral("ID"));
    parser.addOptions({json, limit, ack, projectOption});
    if (auto exit = parseCommandLine(parser, command, context))
        return *exit;
    auto opened = openProject(context, command, parser.value(projectOption));
    if (!opened)
        return 2;
    const AlertStore store(opened->session->pool(), opened->project);
    if (parser.isSet(ack)) {
        auto done = store.acknowledge(parser.value(ack).toLongLong()).result();
        if (!done)
            return usage(context, command, done.error().toString());
        context.out << "alert " << parser.value(ack) << (done.value() ? " acknowledged\n" : " was already acknowledged\n");
        return 0;
    }
    auto alerts = store.recent(std::clamp(parser.value(limit).toInt(), 1, 1000)).result();
    if (!alerts)
        return usage(context, command, alerts.error().toString());
    QJsonArray list;
    for (const HealthAlert& a : alerts.value()) {
        QJsonObject o{{QStringLiteral("id"), a.id}, {QStringLiteral("monitor"), a.monitorName}, {QStringLiteral("kind"), a.kind},
                      {QStringLiteral("message"), a.message}, {QStringLiteral("raisedAt"), a.raisedAt.toString(Qt::ISODateWithMs)},
                      {QStringLiteral("raisedBy"), a.raisedBy}};
        if (!a.subject.isEmpty())
            o.insert(QStringLiteral("subject"), a.subject);
        if (a.acknowledgedAt.isValid()) {
            o.insert(QStringLiteral("acknowledgedAt"), a.acknowledgedAt.toString(Qt::ISODateWithMs));
            o.insert(QStringLiteral("acknowledgedBy"), a.acknowledgedBy);
        }
        list.append(o);
        if (!parser.isSet(json))
            context.out << a.id << "  " << a.raisedAt.toLocalTime().toString(Qt::ISODate) << "  " << a.monitorName << "  " << a.kind
                        << "  " << a.message.left(200).simplified() << (a.acknowledgedAt.isValid() ? "  (acknowledged by " + a.acknowledgedBy + ")" : QString())
                        << '\n';
    }
    if (parser.isSet(json))
        context.out << QJsonDocument(list).toJson(QJsonDocument::Compact) << '\n';
    return 0;
}

} // namespace ops::app
