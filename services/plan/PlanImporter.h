// SPDX-License-Identifier: MIT
#pragma once

// PlanImporter: reads a team plan written in Markdown (parsed with md4c) into a Plan, in either of
// the two shapes the team uses:
//   - day-by-day: "## DAY-BY-DAY BREAKDOWN" with "### Day 1: ..." / "### Day 2-3: ..." headings,
//     "**Task N: Title** (estimate)" paragraphs followed by "Assignee:", steps and deliverables;
//     "## GO/NO-GO CHECKPOINTS" with "### Day 4 EOD Checkpoint:" and question criteria and a
//     "Decision:" line; "## SUCCESS CRITERIA" with must-have / nice-to-have task lists; risks,
//     team assignments, the P0/P1/P2 escalation protocol;
//   - phase-based: "## Phase N: Title" headings with **Duration/Risk Level/Status/Readiness**
//     fields, "### Tasks" checklists with sub-steps, "### Success Criteria", "### Rollback", and a
//     "## Critical Blockers" list.
// Headings may carry emoji and bold markers; text whose UTF-8 was decoded as Windows-1252 is
// repaired first; unknown sections are kept as notes and listed in the report. Never fails: a file
// with nothing usable gives a plan with report.usable == false.

#include "plan/PlanModel.h"

#include <QByteArray>

namespace ops::services::plan {

struct ImportResult {
    Plan plan;
    ImportReport report;
};

class PlanImporter final {
public:
    static constexpr qsizetype kMaxBytes = 32 * 1024 * 1024;

    // `sourceName` is the file's name; its base name gives the plan's stable key.
    ImportResult import(const QByteArray& bytes, const QString& sourceName) const;
};

// Lower-case ASCII slug ("Day 4 EOD Checkpoint:" -> "day-4-eod-checkpoint"), at most 80 chars.
QString slugify(const QString& text);
// A heading or line without emoji, bold markers, trailing colons and surrounding decorations.
QString stripDecorations(const QString& text);

} // namespace ops::services::plan
