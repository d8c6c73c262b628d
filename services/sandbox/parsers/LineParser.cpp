// SPDX-License-Identifier: MIT
#include "sandbox/parsers/LineParser.h"

#include <QRegularExpression>
#include <QTimeZone>

namespace ops::services::sandbox {

QDateTime parseTimestamp(const QString& input)
{
    const QString text = input.trimmed();
    if (text.isEmpty() || text.size() > 64)
        return {};
    bool isNumber = false;
    const double seconds = text.toDouble(&isNumber);
    if (isNumber) {
        if (seconds <= 0 || seconds > 32503680000.0)  // year 3000
            return {};
        return QDateTime::fromMSecsSinceEpoch(qint64(seconds * 1000.0), QTimeZone::utc());
    }
    // Normalise to Qt's ISO parser: 'T' separator, at most milliseconds, offsets as +hh:mm.
    static const QRegularExpression shape(QStringLiteral(
        R"(^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:[.,](\d+))?\s*(Z|[+-]\d\d:?\d\d)?$)"));
    const auto match = shape.match(text);
    if (!match.hasMatch())
        return {};
    QString iso = match.captured(1) + QLatin1Char('T') + match.captured(2);
    const QString fraction = match.captured(3);
    if (!fraction.isEmpty())
        iso += QLatin1Char('.') + (fraction + QStringLiteral("000")).left(3);
    QString zone = match.captured(4);
    if (zone.isEmpty() || zone == QLatin1String("Z"))
        zone = QStringLiteral("Z");  // no zone given: the sources log UTC
    else if (zone.size() == 5)
        zone = zone.left(3) + QLatin1Char(':') + zone.mid(3);
    QDateTime parsed = QDateTime::fromString(iso + zone, Qt::ISODateWithMs);
    return parsed.isValid() ? parsed.toUTC() : QDateTime();
}

} // namespace ops::services::sandbox
