// SPDX-License-Identifier: MIT
#include "commands/HealthCommands.h"

#include "commands/HeadlessSession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace ops::services;

namespace ops::app {

namespace {

struct MonitorStatus {
    QString name;
    QString kind;            // http, prometheus, postgres, pool
    QString url;
    QString state;           // up / pending / down / maintenance, or "no data" / "stale"
    QString platformStatus;
    QString circuitState;
    std::optional<double> latencyMs;
    std::optional<int> httpStatus;
    std::optional<double> uptime24h, uptime7d, uptime30d;  // unknown without samples, never 100 %
    std::optional<double> ageSeconds;
    QJsonObject metrics;     // the latest sample's numeric fields (TPS, blocked sessions, pool figures, series)
    QJsonObject details;     // e.g. the top statements of a postgres monitor
    qint64 unacknowledgedAlerts = 0;
    QString error;
    int grade = 2;  // 0 healthy, 1 degraded, 2 down / unknown
};

// A monitor's grade from its latest sample: what the exit code and the overall status are made of.
int gradeOf(const MonitorStatus& m)
{
    if (m.state == QLatin1String("maintenance"))
        return 0;  // muted on purpose
    if (m.state != QLatin1String("up") && m.state != QLatin1String("pending"))
        return 2;
    if (m.platformStatus == QLatin1String("unhealthy"))
        return 2;
    if (m.state == QLatin1String("pending") || m.platformStatus == QLatin1String("degraded")
        || (!m.circuitState.isEmpty() && m.circuitState != QLatin1String("CLOSED")))
        return 1;
    return 0;
}

QJsonValue orNull(const std::optional<double>& value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

// Uptime is truncated, not rounded: 99.996 % must not print as 100.00 %.
QString uptimeText(const std::optional<double>& value)
{
    return value ? QString::number(std::floor(*value * 100.0) / 100.0, 'f', 2) + QLatin1Char('%') : QStringLiteral("unknown");
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

Result<std::vector<MonitorStatus>> loadStatus(Pool& pool, qint64 project, int staleAfterSeconds)
{
    return pool.withClient(QStringLiteral("health.cli"), [&](Connection& c) -> Result<std::vector<MonitorStatus>> {
        auto r = c.exec(QStringLiteral(
            "SELECT m.name, m.url, s.state, s.platform_status, s.circuit_state, s.latency_ms, s.http_status, "
            "       extract(epoch FROM clock_timestamp() - s.sampled_at), s.error, u24.uptime, u7.uptime, u30.uptime, "
            "       m.kind, coalesce(s.metrics, '{}')::text, coalesce(s.details, '{}')::text, "
            "       (SELECT count(*) FROM ops.health_alerts a WHERE a.monitor_id = m.id AND a.acknowledged_at IS NULL) "
            "  FROM ops.monitors m "
            "  LEFT JOIN LATERAL (SELECT * FROM ops.health_samples x WHERE x.monitor_id = m.id "
            "                      ORDER BY x.sampled_at DESC LIMIT 1) s ON true "
            "  LEFT JOIN ops.health_uptime($1, '24 hours') u24 ON u24.monitor_id = m.id "
            "  LEFT JOIN ops.health_uptime($1, '7 days') u7 ON u7.monitor_id = m.id "
            "  LEFT JOIN ops.health_uptime($1, '30 days') u30 ON u30.monitor_id = m.id "
            " WHERE m.project_id = $1 AND m.enabled ORDER BY m.name"), {project});
        if (!r)
            return r.error();
        std::vector<MonitorStatus> monitors;
        for (int row = 0; row < r->rowCount(); ++row) {
            MonitorStatus m;
            m.name = r->text(row, 0);
            m.url = r->text(row, 1);
            m.state = r->isNull(row, 2) ? QStringLiteral("no data") : r->text(row, 2);
            m.platformStatus = r->text(row, 3);
            m.circuitState = r->text(row, 4);
            if (!r->isNull(row, 5)) m.latencyMs = r->toDouble(row, 5);
            if (!r->isNull(row, 6)) m.httpStatus = int(r->toInt64(row, 6));
            if (!r->isNull(row, 7)) m.ageSeconds = r->toDouble(row, 7);
            m.error = r->text(row, 8);
            if (!r->isNull(row, 9)) m.uptime24h = r->toDouble(row, 9);
            if (!r->isNull(row, 10)) m.uptime7d = r->toDouble(row, 10);
            if (!r->isNull(row, 11)) m.uptime30d = r->toDouble(row, 11);
            m.kind = r->text(row, 12);
            m.metrics = QJsonDocument::fromJson(r->bytes(row, 13)).object();
            m.details = QJsonDocument::fromJson(r->bytes(row, 14)).object();
            m.unacknowledgedAlerts = r->toInt64(row, 15);
            if (m.ageSeconds && *m.ageSeconds > staleAfterSeconds)
                m.state = QStringLiteral("stale");  // nobody has collected lately: we do not know
            m.grade = gradeOf(m);
            monitors.push_back(std::move(m));
        }
        return monitors;
    }, CallOptions::idempotentUnit());
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
    auto monitors = loadStatus(session.value()->pool(), projectId.value(), staleSeconds);
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
