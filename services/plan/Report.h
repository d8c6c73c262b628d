// SPDX-License-Identifier: MIT
#pragma once

// Report: a checkpoint or week report as plain structured text (title, sections with paragraphs,
// bullets and one table each, and the health metric to chart), so one builder feeds two
// renderers: toMarkdown() here and the PDF writer in widgets/standup (QPdfWriter lives in QtGui).
// Every string is plain text (plan text included); the renderers escape or insert it as such.

#include <QList>
#include <QString>
#include <QStringList>

namespace ops::services::plan {

struct ReportSection {
    QString heading;
    QStringList paragraphs;
    QStringList tableHeader;        // empty: no table
    QList<QStringList> tableRows;
    QStringList bullets;
};

struct Report {
    QString title;
    QList<ReportSection> sections;
    QString chartMetric;            // Health metric charted in the report (p95_latency, success_rate...)
    QString chartTitle;

    // `chartImage`: a file name next to the Markdown file holding the chart, linked when given.
    QString toMarkdown(const QString& chartImage = {}) const;
};

} // namespace ops::services::plan
