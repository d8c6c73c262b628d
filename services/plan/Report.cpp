// SPDX-License-Identifier: MIT
#include "plan/Report.h"

namespace ops::services::plan {

namespace {

// Plan text must not break the Markdown around it: a table cell keeps to one line without pipes.
QString cell(QString text)
{
    return text.replace(QLatin1Char('|'), QStringLiteral("\\|")).replace(QLatin1Char('\n'), QLatin1Char(' '));
}

} // namespace

QString Report::toMarkdown(const QString& chartImage) const
{
    QStringList lines;
    lines << QStringLiteral("# ") + cell(title);
    for (const ReportSection& section : sections) {
        lines << QString();
        if (!section.heading.isEmpty())
            lines << QStringLiteral("## ") + cell(section.heading) << QString();
        if (!section.tableHeader.isEmpty()) {
            QStringList header, rule;
            for (const QString& column : section.tableHeader) {
                header << cell(column);
                rule << QStringLiteral("---");
            }
            lines << QStringLiteral("| ") + header.join(QStringLiteral(" | ")) + QStringLiteral(" |")
                  << QStringLiteral("|") + rule.join(QLatin1Char('|')) + QStringLiteral("|");
            for (const QStringList& row : section.tableRows) {
                QStringList cells;
                for (const QString& value : row)
                    cells << cell(value);
                lines << QStringLiteral("| ") + cells.join(QStringLiteral(" | ")) + QStringLiteral(" |");
            }
            lines << QString();
        }
        for (const QString& paragraph : section.paragraphs)
            lines << paragraph << QString();
        for (const QString& bullet : section.bullets)
            lines << QStringLiteral("- ") + cell(bullet);
    }
    if (!chartImage.isEmpty())
        lines << QString() << QStringLiteral("![%1](%2)").arg(cell(chartTitle), chartImage);
    // One blank line between blocks, none at the end.
    QStringList tidy;
    for (const QString& line : lines)
        if (!(line.isEmpty() && (tidy.isEmpty() || tidy.last().isEmpty())))
            tidy << line;
    while (!tidy.isEmpty() && tidy.last().isEmpty())
        tidy.removeLast();
    lines = tidy;
    return lines.join(QLatin1Char('\n')) + QLatin1Char('\n');
}

} // namespace ops::services::plan
