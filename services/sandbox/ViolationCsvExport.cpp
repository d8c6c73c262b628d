// SPDX-License-Identifier: MIT
#include "sandbox/ViolationCsvExport.h"

#include <QSaveFile>
#include <QStringList>

namespace ops::services::sandbox {

QString ViolationCsvExport::cell(const QString& text)
{
    QString value = text;
    static const QString formulaStarts = QStringLiteral("=+-@\t\r");
    if (!value.isEmpty() && formulaStarts.contains(value.front()))
        value.prepend(QLatin1Char('\''));
    const bool quote = value.contains(QLatin1Char(',')) || value.contains(QLatin1Char('"'))
                       || value.contains(QLatin1Char('\n')) || value.contains(QLatin1Char('\r'));
    if (!quote)
        return value;
    value.replace(QLatin1Char('"'), QLatin1String("\"\""));
    return QLatin1Char('"') + value + QLatin1Char('"');
}

QString ViolationCsvExport::headerLine()
{
    return QStringLiteral("id,occurred_at,kind,severity,decision,status,machine,agent,session,operation,target,"
                          "target_untrusted,rule,source_format,raw\r\n");
}

QString ViolationCsvExport::line(const ViolationRow& row)
{
    const QStringList cells{QString::number(row.id), row.occurredAt.toUTC().toString(Qt::ISODateWithMs), row.kind,
                            row.severity, row.decision, row.status, row.machine, row.agent, row.session, row.operation,
                            row.target, row.targetUntrusted ? QStringLiteral("true") : QStringLiteral("false"),
                            row.rule, row.sourceFormat, row.raw};
    QString text;
    for (const QString& value : cells) {
        if (!text.isEmpty())
            text += QLatin1Char(',');
        text += cell(value);
    }
    return text + QLatin1String("\r\n");
}

Result<qint64> ViolationCsvExport::exportTo(Pool& pool, qint64 projectId, const ViolationFilter& filter,
                                            const QString& path, const std::function<void(qint64)>& progress,
                                            const std::atomic_bool* cancel)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error::make(ErrorKind::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(headerLine().toUtf8());
    qint64 written = 0;
    std::optional<PageCursor> cursor;
    for (;;) {
        if (cancel && cancel->load()) {
            file.cancelWriting();
            return Error::make(ErrorKind::InvalidInput, QStringLiteral("export cancelled"));
        }
        // One pooled connection per page: a long export never holds a connection between pages.
        auto page = pool.withClient(QStringLiteral("GET /sandbox/violations/export"), [&](Connection& connection) {
            return ViolationQuery::page(connection, projectId, filter, cursor, PageRows);
        }, CallOptions::idempotentUnit());
        if (!page) {
            file.cancelWriting();
            return page.error();
        }
        for (const ViolationRow& row : page.value())
            file.write(line(row).toUtf8());
        written += qint64(page->size());
        if (progress)
            progress(written);
        if (int(page->size()) < PageRows)
            break;
        cursor = PageCursor{page->back().occurredAt, page->back().id};
    }
    if (!file.commit())
        return Error::make(ErrorKind::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return written;
}

} // namespace ops::services::sandbox
