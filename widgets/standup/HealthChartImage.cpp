// SPDX-License-Identifier: MIT
#include "standup/HealthChartImage.h"

#include <QCoreApplication>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace ops::widgets {

QImage HealthChartImage::render(const ops::services::plan::HealthSeries& series, const QString& title, QSize size)
{
    QImage image(size, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    QFont font = painter.font();
    font.setPixelSize(13);
    painter.setFont(font);
    painter.setPen(Qt::black);
    painter.drawText(QRect(8, 4, size.width() - 16, 20), Qt::AlignLeft | Qt::AlignVCenter, title);
    const QRectF plot(56, 30, size.width() - 72, size.height() - 56);
    painter.setPen(QColor(0xbd, 0xbd, 0xbd));
    painter.drawRect(plot);
    if (series.points.isEmpty()) {
        painter.setPen(QColor(0x75, 0x75, 0x75));
        painter.drawText(plot, Qt::AlignCenter, QCoreApplication::translate("ops::widgets::HealthChartImage", "no health samples in this window"));
        return image;
    }
    const auto [lowest, highest] = std::minmax_element(series.points.cbegin(), series.points.cend(),
        [](const auto& a, const auto& b) { return a.value < b.value; });
    // Rates read best on 0..100; latency from 0 to a little above the worst minute.
    const double low = series.unit == QStringLiteral("%") ? std::min(0.0, lowest->value) : 0.0;
    const double high = series.unit == QStringLiteral("%") ? 100.0 : std::max(1.0, highest->value * 1.1);
    const qint64 first = series.points.first().at.toMSecsSinceEpoch();
    const qint64 span = std::max<qint64>(1, series.points.last().at.toMSecsSinceEpoch() - first);
    QPainterPath path;
    for (int i = 0; i < series.points.size(); ++i) {
        const auto& point = series.points.at(i);
        const QPointF at(plot.left() + plot.width() * double(point.at.toMSecsSinceEpoch() - first) / double(span),
                         plot.bottom() - plot.height() * (point.value - low) / (high - low));
        i == 0 ? path.moveTo(at) : path.lineTo(at);
    }
    painter.setPen(QPen(QColor(0x15, 0x65, 0xc0), 1.5));
    painter.drawPath(path);
    if (series.points.size() == 1)
        painter.drawEllipse(path.currentPosition(), 2.5, 2.5);
    painter.setPen(Qt::black);
    font.setPixelSize(11);
    painter.setFont(font);
    painter.drawText(QRectF(0, plot.top() - 6, 52, 14), Qt::AlignRight, QString::number(high, 'g', 4) + series.unit);
    painter.drawText(QRectF(0, plot.bottom() - 8, 52, 14), Qt::AlignRight, QString::number(low, 'g', 4) + series.unit);
    painter.drawText(QRectF(plot.left(), plot.bottom() + 4, 200, 14), Qt::AlignLeft,
                     series.points.first().at.toUTC().toString(QStringLiteral("MM-dd HH:mm 'UTC'")));
    painter.drawText(QRectF(plot.right() - 200, plot.bottom() + 4, 200, 14), Qt::AlignRight,
                     series.points.last().at.toUTC().toString(QStringLiteral("MM-dd HH:mm 'UTC'")));
    return image;
}

} // namespace ops::widgets
