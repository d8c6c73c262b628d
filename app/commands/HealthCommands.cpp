// SPDX-License-Identifier: MIT
#include "commands/HealthCommands.h"

#include "commands/HeadlessSession.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace ops::services;

namespace ops::app {

namespace {

struct MonitorStatus {
    QString name;
    QString url;
    QString state;           // up / pending / down / maintenance, or "no data" / "stale"
    QString platformStatus;
    QString circuitState;
    std::optional<double> latencyMs;
    std::optional<int> httpStatus;
    std::optional<double> uptime24h;
    std::optional<double> ageSeconds;
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

QString gradeName(int grade)
{
    return grade == 0 ? QStringLiteral("healthy") : grade == 1 ? QStringLiteral("degraded") : QStringLiteral("down");
}

Result<std::vector<MonitorStatus>> loadStatus(Pool& pool, qint64 project, int staleAfterSeconds)
{
    return pool.withClient(QStringLiteral("health.cli"), [&](Connection& c) -> Result<std::vector<MonitorStatus>> {
        auto r = c.exec(QStringLiteral(
            "SELECT m.name, m.url, s.state, s.platform_status, s.circuit_state, s.latency_ms, s.http_status, "
            "       extract(epoch FROM clock_timestamp() - s.sampled_at), s.error, u.uptime "
            "  FROM ops.monitors m "
            "  LEFT JOIN LATERAL (SELECT * FROM ops.health_samples x WHERE x.monitor_id = m.id "
            "                      ORDER BY x.sampled_at DESC LIMIT 1) s ON true "
            "  LEFT JOIN LATERAL (SELECT 100.0 * count(*) FILTER (WHERE y.state <> 'down') "
            "                            / nullif(count(*) FILTER (WHERE y.state <> 'maintenance'), 0) AS uptime "
            "                       FROM ops.health_samples y WHERE y.monitor_id = m.id "
            "                        AND y.sampled_at > now() - interval '24 hours') u ON true "
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
            QJsonObject o{{QStringLiteral("name"), m.name}, {QStringLiteral("url"), m.url},
                          {QStringLiteral("state"), m.state}, {QStringLiteral("grade"), gradeName(m.grade)}};
            if (!m.platformStatus.isEmpty()) o.insert(QStringLiteral("platformStatus"), m.platformStatus);
            if (!m.circuitState.isEmpty()) o.insert(QStringLiteral("circuitState"), m.circuitState);
            if (m.latencyMs) o.insert(QStringLiteral("latencyMs"), *m.latencyMs);
            if (m.httpStatus) o.insert(QStringLiteral("httpStatus"), *m.httpStatus);
            if (m.uptime24h) o.insert(QStringLiteral("uptime24h"), *m.uptime24h);
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
            context.out << "  " << m.name << "  " << m.state;
            if (!m.platformStatus.isEmpty()) context.out << "  platform=" << m.platformStatus;
            if (!m.circuitState.isEmpty()) context.out << "  circuit=" << m.circuitState;
            if (m.httpStatus) context.out << "  http=" << *m.httpStatus;
            if (m.latencyMs) context.out << "  latency=" << QString::number(*m.latencyMs, 'f', 1) << "ms";
            if (m.uptime24h) context.out << "  uptime24h=" << QString::number(*m.uptime24h, 'f', 2) << '%';
            if (m.ageSeconds) context.out << "  age=" << QString::number(*m.ageSeconds, 'f', 0) << 's';
            if (!m.error.isEmpty()) context.out << "  error=" << m.error.left(200).simplified();
            context.out << '\n';
        }
    }
    return overall;
}

} // namespace ops::app
