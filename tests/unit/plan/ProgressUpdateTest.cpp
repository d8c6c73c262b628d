// SPDX-License-Identifier: MIT
// "Copy progress update": the day's done / still open / concerns / checkpoint / readiness as
// Markdown for the team chat.
#include "plan/StandupService.h"

#include <gtest/gtest.h>

using namespace ops::services::plan;

TEST(ProgressUpdateTest, DoneOpenConcernsCheckpointAndReadiness)
{
    StandupDay day;
    day.hasPlan = true;
    day.dayNumber = 4;
    StandupTask pool;
    pool.number = 11;
    pool.title = QStringLiteral("Connection Pool Tests");
    pool.assignee = QStringLiteral("Rana");
    pool.done = true;
    StandupTask docs;
    docs.number = 12;
    docs.title = QStringLiteral("Docs");
    docs.assignee = QStringLiteral("Claire");
    day.tasks = {pool, docs};
    StoredCheckpoint gate;
    gate.title = QStringLiteral("Day 4 EOD Checkpoint");
    day.nextGate = gate;
    day.readiness = 63.6;
    day.readinessMet = 7;
    day.readinessTotal = 11;
    Blocker open;
    open.priority = QStringLiteral("P0");
    open.title = QStringLiteral("pooler down");
    open.overdue = true;
    Blocker resolved;
    resolved.priority = QStringLiteral("P2");
    resolved.title = QStringLiteral("fixed already");
    resolved.resolvedAt = QDateTime::currentDateTimeUtc();

    EXPECT_EQ(StandupService::progressMarkdown(day, QDate(2025, 1, 21), {open, resolved}),
              QStringLiteral("**Progress update 2025-01-21 (day 4)**\n\n"
                             "Done:\n- [x] Task 11: Connection Pool Tests (Rana)\n\n"
                             "Tomorrow / still open:\n- [ ] Task 12: Docs (Claire)\n\n"
                             "Concerns:\n- P0 pooler down (OVERDUE)\n\n"
                             "Checkpoint: Day 4 EOD Checkpoint (not signed)\n"
                             "Readiness: 64% (7 of 11 must-have criteria met)\n"));

    day.tasks.clear();
    day.nextGate.reset();
    const QString empty = StandupService::progressMarkdown(day, QDate(2025, 1, 21));
    EXPECT_TRUE(empty.contains(QStringLiteral("Done:\n- nothing finished yet")));
    EXPECT_TRUE(empty.contains(QStringLiteral("Concerns:\n- none")));
    EXPECT_TRUE(empty.contains(QStringLiteral("Checkpoint: every checkpoint is signed Go")));
}
