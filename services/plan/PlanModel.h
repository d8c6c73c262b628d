// SPDX-License-Identifier: MIT
#pragma once

// PlanModel: a plan as read from Markdown, before it reaches the database. Both shapes (day-by-day
// and phase-based) map onto the same structure: a phase is stored like a day (with its duration,
// risk, status and readiness in `details`), a phase's success criteria become a gate checkpoint.
// Keys are stable across edits of the file (task number, slug of a title or criterion text) so a
// re-import updates rows in place.

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace ops::services::plan {

struct PlanTask {
    QString key;
    int number = -1;        // "Task 7" -> 7; -1 for checklist tasks of phase plans
    QString title;
    QString estimate;       // "30 minutes", "2-3 hours"
    QString assignee;       // "Rana", "Rana + Claire"
    QStringList steps;
    QStringList notes;      // other lines under the task
    bool done = false;      // from a [x] in the file
};

struct PlanDay {
    QString key;            // "day-1", "day-2-3", "phase-2"
    QString title;
    int from = 0;
    int to = 0;
    QStringList deliverables;
    QList<PlanTask> tasks;
    QJsonObject details;    // phase: duration, risk, status, readiness, rollback
};

struct PlanCriterion {
    QString key;
    QString text;
    QString expression;     // metric binding, empty when manual
    bool checked = false;
};

struct PlanCheckpoint {
    QString key;
    QString title;
    QString kind = QStringLiteral("gate");  // gate (signed Go/No-Go) or list (must-have ...)
    QString category;       // checkpoint, must_have, nice_to_have, phase_success
    QString decision;       // the plan's decision line
    QList<PlanCriterion> criteria;
};

struct EscalationLevel {
    QString priority;       // P0, P1, P2
    QString label;
    int responseMinutes = -1;
    QStringList actions;
};

struct ImportReport {
    QStringList recognised;    // "4 days", "19 tasks (19 with assignee)", ...
    QStringList unrecognised;  // section headings kept as notes
    QStringList warnings;      // repaired encoding, binary input, ...
    bool usable = false;       // something a team can work with was found
    QString toText() const;
};

struct Plan {
    QString key;
    QString title;
    QString shape;             // day_by_day or phase_based
    QString source;
    QJsonObject meta;          // Created, Timeline, Team, Goal ...
    QStringList objectives;
    QList<QStringList> metrics;  // success-metric table rows, first row the header
    QList<PlanDay> days;
    QList<PlanCheckpoint> checkpoints;
    QList<QJsonObject> riskList;
    QList<QJsonObject> team;
    QList<EscalationLevel> escalation;
    QStringList blockers;      // phase plans' critical blockers
    QJsonObject notes;         // unknown sections: heading -> text

    int taskCount() const;
    int tasksWithAssignee() const;
    int criterionCount(const QString& kind) const;
    // The shape ops.import_plan() takes.
    QJsonObject toJson() const;
};

} // namespace ops::services::plan
