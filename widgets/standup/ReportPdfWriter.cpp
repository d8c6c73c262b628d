// SPDX-License-Identifier: MIT
#include "standup/ReportPdfWriter.h"

#include "standup/HealthChartImage.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QPageSize>
#include <QPdfWriter>
#include <QSaveFile>
#include <QTextCursor>
#include <QTextDocument>
#include <QTextTable>

using namespace ops::services;
using namespace ops::services::plan;

namespace ops::widgets {

namespace {

void insertBlock(QTextCursor& cursor, const QString& text, int pointSize, bool bold)
{
    QTextCharFormat format;
    format.setFontPointSize(pointSize);
    format.setFontWeight(bold ? QFont::Bold : QFont::Normal);
    cursor.insertBlock();
    cursor.insertText(text, format);
}

} // namespace

Result<void> ReportPdfWriter::writePdf(const Report& report, const HealthSeries& chart, const QString& file)
{
    QTextDocument document;
    QTextCursor cursor(&document);
    QTextCharFormat titleFormat;
    titleFormat.setFontPointSize(16);
    titleFormat.setFontWeight(QFont::Bold);
    cursor.insertText(report.title, titleFormat);
    for (const ReportSection& section : report.sections) {
        if (!section.heading.isEmpty())
            insertBlock(cursor, section.heading, 13, true);
        if (!section.tableHeader.isEmpty()) {
            QTextTableFormat tableFormat;
            tableFormat.setCellPadding(3);
            tableFormat.setBorderStyle(QTextFrameFormat::BorderStyle_Solid);
            tableFormat.setHeaderRowCount(1);
            QTextTable* table = cursor.insertTable(int(section.tableRows.size()) + 1, int(section.tableHeader.size()), tableFormat);
            QTextCharFormat headerFormat;
            headerFormat.setFontWeight(QFont::Bold);
            for (int column = 0; column < section.tableHeader.size(); ++column)
                table->cellAt(0, column).firstCursorPosition().insertText(section.tableHeader.at(column), headerFormat);
            for (int row = 0; row < section.tableRows.size(); ++row)
                for (int column = 0; column < section.tableHeader.size() && column < section.tableRows.at(row).size(); ++column)
                    table->cellAt(row + 1, column).firstCursorPosition().insertText(section.tableRows.at(row).at(column));
            cursor.movePosition(QTextCursor::End);
        }
        for (const QString& paragraph : section.paragraphs)
            insertBlock(cursor, paragraph, 10, false);
        for (const QString& bullet : section.bullets)
            insertBlock(cursor, QStringLiteral("• ") + bullet, 10, false);
    }
    const QImage image = HealthChartImage::render(chart, report.chartTitle);
    document.addResource(QTextDocument::ImageResource, QUrl(QStringLiteral("ops-chart://health")), image);
    insertBlock(cursor, QString(), 10, false);
    QTextImageFormat imageFormat;
    imageFormat.setName(QStringLiteral("ops-chart://health"));
    imageFormat.setWidth(image.width() * 0.9);
    imageFormat.setHeight(image.height() * 0.9);
    cursor.insertImage(imageFormat);

    if (!QFileInfo(file).absoluteDir().exists())
        return Error::make(ErrorKind::InvalidInput, QCoreApplication::translate("ops::widgets::ReportPdfWriter", "cannot write %1: no such directory").arg(file));
    QPdfWriter writer(file);
    writer.setPageSize(QPageSize(QPageSize::A4));
    writer.setTitle(report.title);
    writer.setCreator(QStringLiteral("ops-console"));
    document.setPageSize(QSizeF(writer.width(), writer.height()));
    document.print(&writer);
    if (QFileInfo(file).size() == 0)
        return Error::make(ErrorKind::Io, QCoreApplication::translate("ops::widgets::ReportPdfWriter", "could not write %1").arg(file));
    return {};
}

QString ReportPdfWriter::chartFileFor(const QString& markdownFile)
{
    const QFileInfo info(markdownFile);
    return info.absoluteDir().filePath(info.completeBaseName() + QStringLiteral(".chart.png"));
}

Result<void> ReportPdfWriter::writeMarkdown(const Report& report, const HealthSeries& chart, const QString& file)
{
    const QString chartFile = chartFileFor(file);
    const QString chartName = QFileInfo(chartFile).fileName();  // linked relative to the Markdown
    if (!HealthChartImage::render(chart, report.chartTitle).save(chartFile, "PNG"))
        return Error::make(ErrorKind::Io, QCoreApplication::translate("ops::widgets::ReportPdfWriter", "could not write the chart beside %1").arg(file));
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly))
        return Error::make(ErrorKind::Io, QCoreApplication::translate("ops::widgets::ReportPdfWriter", "cannot write %1: %2").arg(file, out.errorString()));
    out.write(report.toMarkdown(chartName).toUtf8());
    if (!out.commit())
        return Error::make(ErrorKind::Io, QCoreApplication::translate("ops::widgets::ReportPdfWriter", "cannot write %1: %2").arg(file, out.errorString()));
    return {};
}

} // namespace ops::widgets
