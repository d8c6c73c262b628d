// SPDX-License-Identifier: MIT
#pragma once

// ReportPdfWriter: writes a plan Report (checkpoint or week report) to PDF with QPdfWriter: title,
// sections with their tables and bullets, and the Health chart image. Text is inserted as plain
// text through QTextCursor (plan text is never interpreted as Markdown or HTML). Needs a
// QGuiApplication (fonts); the headless commands create one on the offscreen platform. Also
// writes the Markdown variant with the chart as a PNG next to it.

#include "common/Result.h"
#include "plan/HealthSeries.h"
#include "plan/Report.h"

namespace ops::widgets {

class ReportPdfWriter final {
public:
    static ops::services::Result<void> writePdf(const ops::services::plan::Report& report,
                                                const ops::services::plan::HealthSeries& chart, const QString& file);
    // FILE.md plus FILE.chart.png beside it (linked from the Markdown).
    static ops::services::Result<void> writeMarkdown(const ops::services::plan::Report& report,
                                                     const ops::services::plan::HealthSeries& chart, const QString& file);
    // The chart image writeMarkdown puts beside `markdownFile`.
    static QString chartFileFor(const QString& markdownFile);
};

} // namespace ops::widgets
