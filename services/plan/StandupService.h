// SPDX-License-Identifier: MIT
#pragma once

// StandupService: what the Standup tab shows for one date (the plan's day N, that day's tasks
// with owners and done flags, the next checkpoint) and the changes it makes. Blocking calls on a
// Connection: the tab runs them through Pool::withClientAsync / inTransactionAsync.

#include "common/Result.h"
#include "db/Connection.h"
#include "plan/PlanStore.h"

#include <QDate>

#include <optional>

namespace ops::services::plan {

struct StandupTask {
    qint64 id = 0;
    int number = -1;
    QString title;
    QString assignee;
    QString estimate;
    bool done = false;
    QString doneBy;
};

// One day's stored readiness snapshot (ops.readiness_snapshots).
struct ReadinessPoint {
    QDate date;
    double score = 0.0;   // percent
};

struct StandupDay {
    bool hasPlan = false;
    QString planTitle;
    int dayNumber = 0;            // the plan's day N for the date (1 = the plan's start date)
    QString dayTitle;             // "Day 2-3: Connection Pool Implementation"
    QList<StandupTask> tasks;
    std::optional<StoredCheckpoint> nextGate;
    QStringList team;             // the plan's team, for the per-person standup rows
    // Production readiness (ops.readiness_score): must-have criteria met for day-by-day plans,
    // phases' readiness weighted for phase plans; `met`/`total` count criteria or finished phases.
    bool phaseBased = false;
    double readiness = 0.0;
    int readinessMet = 0;
    int readinessTotal = 0;
    QList<ReadinessPoint> readinessTrend;  // oldest first, up to the date shown
};

struct StandupEntry {
    QString person;
    QString yesterday;
    QString today;
    QString blockers;
    QString updatedBy;
    QDateTime updatedAt;
};

// A blocker with its escalation clock: due = raised + the plan's response time for its priority
// (the escalation protocol's P0/P1/P2, defaults 15 min / 2 h / 4 h).
struct Blocker {
    qint64 id = 0;
    QString title;
    QString priority;
    QString person;
    QString raisedBy;
    QDateTime raisedAt;
    int responseMinutes = 0;
    QDateTime dueAt;
    bool overdue = false;   // open and past due at the time asked
    QString resolvedBy;
    QDateTime resolvedAt;
    QString resolution;
};

class StandupService final {
public:
    // The plan's day 1 is its "Created" date when the file gives one, else the import date.
    static Result<StandupDay> loadDay(Connection& connection, qint64 project, QDate date);
    static Result<void> setTaskDone(Connection& connection, qint64 task, bool done);
    static Result<void> setCriterionChecked(Connection& connection, qint64 criterion, bool checked);
    // Binds a criterion to a metric expression (checked here first) or, with an empty one or
    // "manual", makes it manual again.
    static Result<void> setCriterionExpression(Connection& connection, qint64 criterion, const QString& expression);
    // The stored daily readiness snapshots of a plan from `days` days before `until` up to it.
    static Result<QList<ReadinessPoint>> readinessTrend(Connection& connection, qint64 planId, QDate until, int days);
    static Result<void> saveEntry(Connection& connection, qint64 project, QDate date, const StandupEntry& entry);
    static Result<QList<StandupEntry>> entries(Connection& connection, qint64 project, QDate date);
    static Result<qint64> raiseBlocker(Connection& connection, qint64 project, QDate date, const QString& person,
                                       const QString& title, const QString& priority);
    static Result<void> resolveBlocker(Connection& connection, qint64 blocker, const QString& resolution);
    // Open blockers, those raised on `date` and those resolved on it, most urgent first; `now` decides what is overdue.
    static Result<QList<Blocker>> blockers(Connection& connection, qint64 project, QDate date, const QDateTime& now);
    // "Copy progress update": the day's summary as Markdown for the team chat.
    static QString progressMarkdown(const StandupDay& day, QDate date, const QList<Blocker>& blockers = {});
};

} // namespace ops::services::plan
