// SPDX-License-Identifier: MIT
#include "commands/HealthCommands.h"

#include "commands/HeadlessSession.h"
#include "health/MonitorStatus.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>


using namespace ops::services;

namespace ops::app {

namespace {

QJsonValue orNull(const std::optional<double>& value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

// The figures the text output shows per kind (--json has every metric).
QStringList keyFigures(const QString& kind)
{
    if (kind == QLatin1String("postgres"))
        return {QStringLiteral("tps"), QStringLiteral("blocked_sessions"), QStringLiteral("rollback_percent"),
                QStringLiteral("cache_hit_percent"), QStringLiteral("oldest_transaction_s"), QStringLiteral("replication_lag_s")};
    if (kind == QLatin1String("pool"))
        return {QStringLiteral("pool.in_use"), QStringLiteral("pool.waiting"), QStringLiteral("pool.query_p95_ms"),
                QStringLiteral("pool.retries")};
    return {};
}

QString gradeName(int grade)
{
    return grade == 0 ? QStringLiteral("healthy") : grade == 1 ? QStringLiteral("degraded") : QStringLiteral("down");
}

} // namespace

int runHealthCommand(const CommandContext& context)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Every monitor's latest stored health sample. Exit 0 healthy, 1 degraded, 2 down or unreachable."));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON."));
    const QCommandLineOption project(QStringLiteral("project"), QStringLiteral("Project slug (default demo)."),
                                     QStringLiteral("SLUG"), QStringLiteral("demo"));
    const QCommandLineOption staleAfter(QStringLiteral("stale-after"),
                                        QStringLiteral("A latest sample older than this many seconds counts as unreachable (default 300)."),
                                        QStringLiteral("SECONDS"), QStringLiteral("300"));
    parser.addOption(json);
    parser.addOption(project);
    parser.addOption(staleAfter);
    if (auto exit = parseCommandLine(parser, QStringLiteral("health"), context))
        return *exit;
    bool numberOk = false;
    const int staleSeconds = parser.value(staleAfter).toInt(&numberOk);
    if (!numberOk || staleSeconds <= 0) {
        context.err << "ops-console health: --stale-after needs a positive number of seconds\n";
        return 2;
    }

    auto fail = [&](const QString& message) {
        if (parser.isSet(json)) {
            context.out << QJsonDocument(QJsonObject{{QStringLiteral("status"), QStringLiteral("unreachable")},
                                                     {QStringLiteral("error"), message}}).toJson(QJsonDocument::Compact) << '\n';
        }
        context.err << "ops-console health: " << message << '\n';
        return 2;
    };
    auto session = HeadlessSession::open(context.options);
    if (!session)
        return fail(session.error().toString());
    auto projectId = session.value()->projectId(parser.value(project));
    if (!projectId)
        return fail(projectId.error().toString());
    auto monitors = session.value()->pool().withClient(QStringLiteral("health.cli"), [&](Connection& c) {
        return readMonitorStatus(c, projectId.value(), staleSeconds);
    }, CallOptions::idempotentUnit());
    if (!monitors)
        return fail(monitors.error().toString());

    int overall = monitors->empty() ? 2 : 0;
    for (const MonitorStatus& m : monitors.value())
        overall = std::max(overall, m.grade);

    if (parser.isSet(json)) {
        QJsonArray list;
        for (const MonitorStatus& m : monitors.value()) {
            QJsonObject o{{QStringLiteral("name"), m.name}, {QStringLiteral("kind"), m.kind}, {QStringLiteral("url"), m.url},
                          {QStringLiteral("state"), m.state}, {QStringLiteral("grade"), gradeName(m.grade)}};
            if (!m.platformStatus.isEmpty()) o.insert(QStringLiteral("platformStatus"), m.platformStatus);
            if (!m.circuitState.isEmpty()) o.insert(QStringLiteral("circuitState"), m.circuitState);
            if (m.latencyMs) o.insert(QStringLiteral("latencyMs"), *m.latencyMs);
            if (m.httpStatus) o.insert(QStringLiteral("httpStatus"), *m.httpStatus);
            if (m.uptime24h) o.insert(QStringLiteral("uptime24h"), *m.uptime24h);
            o.insert(QStringLiteral("uptime"), QJsonObject{{QStringLiteral("24h"), orNull(m.uptime24h)},
                                                          {QStringLiteral("7d"), orNull(m.uptime7d)},
                                                          {QStringLiteral("30d"), orNull(m.uptime30d)}});
            if (!m.metrics.isEmpty()) o.insert(QStringLiteral("metrics"), m.metrics);
            if (!m.details.isEmpty()) o.insert(QStringLiteral("details"), m.details);
            o.insert(QStringLiteral("unacknowledgedAlerts"), m.unacknowledgedAlerts);
            if (m.ageSeconds) o.insert(QStringLiteral("ageSeconds"), *m.ageSeconds);
            if (!m.error.isEmpty()) o.insert(QStringLiteral("error"), m.error);
            list.append(o);
        }
        context.out << QJsonDocument(QJsonObject{{QStringLiteral("project"), parser.value(project)},
                                                 {QStringLiteral("status"), gradeName(overall)},
                                                 {QStringLiteral("monitors"), list}}).toJson(QJsonDocument::Compact) << '\n';
    } else {
        context.out << "project " << parser.value(project) << ": " << gradeName(overall) << '\n';
        if (monitors->empty())
            context.out << "  no monitors\n";
        for (const MonitorStatus& m : monitors.value()) {
            context.out << "  " << m.name << " (" << m.kind << ")  " << m.state;
            if (!m.platformStatus.isEmpty()) context.out << "  platform=" << m.platformStatus;
            if (!m.circuitState.isEmpty()) context.out << "  circuit=" << m.circuitState;
            if (m.httpStatus) context.out << "  http=" << *m.httpStatus;
            if (m.latencyMs) context.out << "  latency=" << QString::number(*m.latencyMs, 'f', 1) << "ms";
            context.out << "  uptime24h/7d/30d=" << uptimeText(m.uptime24h) << '/' << uptimeText(m.uptime7d) << '/' << uptimeText(m.uptime30d);
            for (const QString& key : keyFigures(m.kind)) {
                if (m.metrics.contains(key))
                    context.out << "  " << key << '=' << QString::number(m.metrics.value(key).toDouble(), 'g', 6);
            }
            if (m.unacknowledgedAlerts > 0) context.out << "  alerts=" << m.unacknowledgedAlerts;
            if (m.ageSeconds) context.out << "  age=" << QString::number(*m.ageSeconds, 'f', 0) << 's';
            if (!m.error.isEmpty()) context.out << "  error=" << m.error.left(200).simplified();
            context.out << '\n';
        }
    }
    return overall;
}

} // namespace ops::app
