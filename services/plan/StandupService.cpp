// SPDX-License-Identifier: MIT
#include "plan/StandupService.h"

#include "plan/CheckpointService.h"
#include "plan/CriterionExpression.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace ops::services::plan {

Result<StandupDay> StandupService::loadDay(Connection& connection, qint64 project, QDate date)
{
    StandupDay day;
    auto plan = connection.exec(QStringLiteral(
        "SELECT id, title, shape, content->'team', CASE WHEN content->'meta'->>'created' ~ '^\\d{4}-\\d{2}-\\d{2}' "
        "                       THEN left(content->'meta'->>'created', 10) ELSE imported_at::date::text END "
        "FROM ops.plans WHERE project_id = $1 ORDER BY id DESC LIMIT 1"), {project});
    if (!plan)
        return plan.error();
    if (plan->rowCount() == 0)
        return day;
    day.hasPlan = true;
    const qint64 planId = plan->toInt64(0, 0);
    day.planTitle = plan->text(0, 1);
    day.phaseBased = plan->text(0, 2) == QStringLiteral("phase_based");
    for (const QJsonValue& member : QJsonDocument::fromJson(plan->bytes(0, 3)).array()) {
        const QString name = member.toObject().value(QStringLiteral("name")).toString().section(QLatin1Char('('), 0, 0).trimmed();
        if (!name.isEmpty() && !day.team.contains(name))
            day.team << name;
    }
    const QDate start = QDate::fromString(plan->text(0, 4), Qt::ISODate);
    day.dayNumber = start.isValid() ? int(start.daysTo(date)) + 1 : 1;

    auto tasks = connection.exec(QStringLiteral(
        "SELECT t.id, coalesce(t.number, -1), t.title, t.assignee, t.estimate, t.done, coalesce(t.done_by::text, ''), "
        "       d.title, d.day_from, d.day_to "
        "FROM ops.plan_tasks t JOIN ops.plan_days d ON d.id = t.day_id "
        "WHERE t.plan_id = $1 AND NOT t.removed AND $2 BETWEEN d.day_from AND d.day_to ORDER BY t.ordinal"),
        {planId, day.dayNumber});
    if (!tasks)
        return tasks.error();
    for (int row = 0; row < tasks->rowCount(); ++row) {
        StandupTask task;
        task.id = tasks->toInt64(row, 0);
        task.number = int(tasks->toInt64(row, 1));
        task.title = tasks->text(row, 2);
        task.assignee = tasks->text(row, 3);
        task.estimate = tasks->text(row, 4);
        task.done = tasks->toBool(row, 5);
        task.doneBy = tasks->text(row, 6);
        const int from = int(tasks->toInt64(row, 8)), to = int(tasks->toInt64(row, 9));
        day.dayTitle = (from == to ? QStringLiteral("Day %1").arg(from) : QStringLiteral("Day %1-%2").arg(from).arg(to))
                       + QStringLiteral(": ") + tasks->text(row, 7);
        day.tasks.append(task);
    }
    if (day.team.isEmpty()) {
        // Plans without a team section: the people tasks are assigned to ("Rana + Claire").
        auto assignees = connection.exec(QStringLiteral(
            "SELECT DISTINCT btrim(name) FROM ops.plan_tasks t, regexp_split_to_table(t.assignee, '\\s*(?:\\+|,|&|\\yand\\y)\\s*') name "
            "WHERE t.plan_id = $1 AND NOT t.removed AND btrim(name) <> '' ORDER BY 1"), {planId});
        if (!assignees)
            return assignees.error();
        for (int row = 0; row < assignees->rowCount(); ++row)
            day.team << assignees->text(row, 0);
    }
    auto readiness = connection.exec(QStringLiteral("SELECT score, met, total FROM ops.readiness_score($1)"), {planId});
    if (!readiness)
        return readiness.error();
    day.readiness = readiness->toDouble(0, 0);
    day.readinessMet = int(readiness->toInt64(0, 1));
    day.readinessTotal = int(readiness->toInt64(0, 2));
    auto trend = readinessTrend(connection, planId, date, 14);
    if (!trend)
        return trend.error();
    day.readinessTrend = *trend;
    auto gate = CheckpointService::nextGate(connection, project);
    if (!gate)
        return gate.error();
    day.nextGate = *gate;
    return day;
}

Result<void> StandupService::setTaskDone(Connection& connection, qint64 task, bool done)
{
    auto result = connection.exec(QStringLiteral("SELECT ops.set_task_done($1, $2)"), {task, done});
    if (!result)
        return result.error();
    return {};
}

Result<void> StandupService::setCriterionChecked(Connection& connection, qint64 criterion, bool checked)
{
    auto result = connection.exec(QStringLiteral("SELECT ops.set_criterion_checked($1, $2)"), {criterion, checked});
    if (!result)
        return result.error();
    return {};
}

Result<void> StandupService::setCriterionExpression(Connection& connection, qint64 criterion, const QString& expression)
{
    QString text = expression.trimmed();
    if (text.compare(QStringLiteral("manual"), Qt::CaseInsensitive) == 0)
        text.clear();
    if (!text.isEmpty()) {
        auto parsed = CriterionExpression::parse(text);
        if (!parsed)
            return parsed.error();
        text = parsed->toString();
    }
    auto result = connection.exec(QStringLiteral("SELECT ops.set_criterion_expression($1, $2)"), {criterion, text});
    if (!result)
        return result.error();
    return {};
}

Result<QList<ReadinessPoint>> StandupService::readinessTrend(Connection& connection, qint64 planId, QDate until, int days)
{
    auto rows = connection.exec(QStringLiteral(
        "SELECT snapshot_date, score FROM ops.readiness_snapshots "
        "WHERE plan_id = $1 AND snapshot_date BETWEEN $2::date - $3::int AND $2::date ORDER BY snapshot_date"),
        {planId, until.toString(Qt::ISODate), days});
    if (!rows)
        return rows.error();
    QList<ReadinessPoint> points;
    for (int row = 0; row < rows->rowCount(); ++row)
        points.append(ReadinessPoint{QDate::fromString(rows->text(row, 0), Qt::ISODate), rows->toDouble(row, 1)});
    return points;
}

Result<void> StandupService::saveEntry(Connection& connection, qint64 project, QDate date, const StandupEntry& entry)
{
    auto result = connection.exec(QStringLiteral("SELECT ops.save_standup_entry($1, $2::date, $3, $4, $5, $6)"),
                                  {project, date.toString(Qt::ISODate), entry.person, entry.yesterday, entry.today, entry.blockers});
    if (!result)
        return result.error();
    return {};
}

Result<QList<StandupEntry>> StandupService::entries(Connection& connection, qint64 project, QDate date)
{
    auto rows = connection.exec(QStringLiteral(
        "SELECT person, yesterday, today, blockers, updated_by, updated_at FROM ops.standup_entries "
        "WHERE project_id = $1 AND entry_date = $2::date ORDER BY person"), {project, date.toString(Qt::ISODate)});
    if (!rows)
        return rows.error();
    QList<StandupEntry> list;
    for (int row = 0; row < rows->rowCount(); ++row)
        list.append(StandupEntry{rows->text(row, 0), rows->text(row, 1), rows->text(row, 2), rows->text(row, 3),
                                 rows->text(row, 4), rows->toDateTime(row, 5)});
    return list;
}

Result<qint64> StandupService::raiseBlocker(Connection& connection, qint64 project, QDate date, const QString& person,
                                            const QString& title, const QString& priority)
{
    auto result = connection.exec(QStringLiteral("SELECT ops.raise_blocker($1, $2::date, $3, $4, $5)"),
                                  {project, date.toString(Qt::ISODate), person, title, priority});
    if (!result)
        return result.error();
    return result->toInt64(0, 0);
}

Result<void> StandupService::resolveBlocker(Connection& connection, qint64 blocker, const QString& resolution)
{
    auto result = connection.exec(QStringLiteral("SELECT ops.resolve_blocker($1, $2)"), {blocker, resolution});
    if (!result)
        return result.error();
    return {};
}

Result<QList<Blocker>> StandupService::blockers(Connection& connection, qint64 project, QDate date, const QDateTime& now)
{
    auto rows = connection.exec(QStringLiteral(
        "WITH b AS ("
        "  SELECT b.*, coalesce((SELECT (e->>'response_minutes')::int "
        "                        FROM ops.plans p, jsonb_array_elements(p.content->'escalation') e "
        "                        WHERE p.project_id = b.project_id AND e->>'priority' = b.priority "
        "                          AND (e->>'response_minutes')::int > 0 ORDER BY p.id DESC LIMIT 1), "
        "                       CASE b.priority WHEN 'P0' THEN 15 WHEN 'P1' THEN 120 ELSE 240 END) AS minutes "
        "  FROM ops.blockers b WHERE b.project_id = $1 "
        "    AND (b.resolved_at IS NULL OR b.resolved_at::date = $2::date OR b.entry_date = $2::date)) "
        "SELECT id, title, priority, person, raised_by, raised_at, minutes, "
        "       raised_at + make_interval(mins => minutes) AS due, "
        "       resolved_at IS NULL AND raised_at + make_interval(mins => minutes) < $3::timestamptz AS overdue, "
        "       coalesce(resolved_by::text, ''), resolved_at, resolution "
        "FROM b ORDER BY resolved_at IS NOT NULL, priority, raised_at"),
        {project, date.toString(Qt::ISODate), now});
    if (!rows)
        return rows.error();
    QList<Blocker> list;
    for (int row = 0; row < rows->rowCount(); ++row) {
        Blocker blocker;
        blocker.id = rows->toInt64(row, 0);
        blocker.title = rows->text(row, 1);
        blocker.priority = rows->text(row, 2);
        blocker.person = rows->text(row, 3);
        blocker.raisedBy = rows->text(row, 4);
        blocker.raisedAt = rows->toDateTime(row, 5);
        blocker.responseMinutes = int(rows->toInt64(row, 6));
        blocker.dueAt = rows->toDateTime(row, 7);
        blocker.overdue = rows->toBool(row, 8);
        blocker.resolvedBy = rows->text(row, 9);
        if (!rows->isNull(row, 10))
            blocker.resolvedAt = rows->toDateTime(row, 10);
        blocker.resolution = rows->text(row, 11);
        list.append(blocker);
    }
    return list;
}

QString StandupService::progressMarkdown(const StandupDay& day, QDate date, const QList<Blocker>& blockers)
{
    QStringList lines;
    lines << QStringLiteral("**Progress update %1 (day %2)**").arg(date.toString(Qt::ISODate)).arg(day.dayNumber);
    QStringList done, open;
    for (const StandupTask& task : day.tasks) {
        const QString title = task.number >= 0 ? QStringLiteral("Task %1: %2").arg(task.number).arg(task.title) : task.title;
        const QString line = task.assignee.isEmpty() ? title : QStringLiteral("%1 (%2)").arg(title, task.assignee);
        (task.done ? done : open) << line;
    }
    lines << QString() << QStringLiteral("Done:");
    for (const QString& line : done)
        lines << QStringLiteral("- [x] ") + line;
    if (done.isEmpty())
        lines << QStringLiteral("- nothing finished yet");
    lines << QString() << QStringLiteral("Tomorrow / still open:");
    for (const QString& line : open)
        lines << QStringLiteral("- [ ] ") + line;
    if (open.isEmpty())
        lines << QStringLiteral("- nothing open");
    QStringList concerns;
    for (const Blocker& blocker : blockers)
        if (!blocker.resolvedAt.isValid())
            concerns << QStringLiteral("- %1 %2%3").arg(blocker.priority, blocker.title,
                                                       blocker.overdue ? QStringLiteral(" (OVERDUE)") : QString());
    lines << QString() << QStringLiteral("Concerns:");
    if (concerns.isEmpty())
        lines << QStringLiteral("- none");
    lines << concerns;
    lines << QString();
    if (day.nextGate)
        lines << QStringLiteral("Checkpoint: %1 (%2)").arg(day.nextGate->title,
                 day.nextGate->latestDecision.isEmpty() ? QStringLiteral("not signed") : day.nextGate->latestDecision);
    else if (day.hasPlan)
        lines << QStringLiteral("Checkpoint: every checkpoint is signed Go");
    if (day.readinessTotal > 0)
        lines << QStringLiteral("Readiness: %1% (%2 of %3 %4)").arg(qRound(day.readiness)).arg(day.readinessMet).arg(day.readinessTotal)
                     .arg(day.phaseBased ? QStringLiteral("phases complete") : QStringLiteral("must-have criteria met"));
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace ops::services::plan
