// SPDX-License-Identifier: MIT
#include "health/MetricChart.h"

#include "common/ChartPalette.h"

#include <QCursor>
#include <QPen>
#include <QToolTip>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QChart>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>
#include <cmath>

using namespace ops::services;

namespace ops::widgets {

namespace {

// The segment's point nearest in time to `cursor` (the cursor's position in values): hovering
// shows a stored value and its sample time, not the cursor height. Points are in time order.
QPointF nearestPoint(const QLineSeries& series, const QPointF& cursor)
{
    const QList<QPointF> points = series.points();
    if (points.isEmpty())
        return cursor;
    auto after = std::lower_bound(points.cbegin(), points.cend(), cursor.x(),
                                  [](const QPointF& p, double x) { return p.x() < x; });
    if (after == points.cend())
        return points.last();
    if (after == points.cbegin() || after->x() - cursor.x() < cursor.x() - std::prev(after)->x())
        return *after;
    return *std::prev(after);
}

// 1, 2, 5 x 10^n at or above `value`: the axis changes rarely and its labels stay short.
double niceCeiling(double value)
{
    if (value <= 0)
        return 1;
    const double magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 2.0, 5.0, 10.0})
        if (step * magnitude >= value)
            return step * magnitude;
    return 10 * magnitude;
}

double maxOf(const std::vector<QPointF>& points, double start)
{
    for (const QPointF& p : points)
        start = std::max(start, p.y());
    return start;
}

} // namespace

MetricChart::MetricChart(const QString& title, const QString& unit, QList<MetricLine> lines, bool band, QWidget* parent)
    : QChartView(new QChart, parent), m_unit(unit), m_band(band)
{
    QChart* c = chart();
    c->setTitle(title);
    setAccessibleName(title);
    c->setAnimationOptions(QChart::NoAnimation);
    c->legend()->setVisible(lines.size() > 1);
    m_axisX = new QDateTimeAxis(c);
    m_axisX->setFormat(QStringLiteral("HH:mm"));
    m_axisY = new QValueAxis(c);
    m_axisY->setLabelFormat(QStringLiteral("%.4g"));
    c->addAxis(m_axisX, Qt::AlignBottom);
    c->addAxis(m_axisY, Qt::AlignLeft);
    setRenderHint(QPainter::Antialiasing, false);  // thousands of segments: speed first
    setMinimumHeight(220);
    followPalette(this);  // readable in the dark theme too
    for (const MetricLine& style : lines)
        m_lines.append(Line{style, {}, {}});
}

QStringList MetricChart::metrics() const
{
    QStringList names;
    for (const Line& line : m_lines)
        names << line.style.metric;
    return names;
}

QLineSeries* MetricChart::addSegment(Line& line)
{
    auto* series = new QLineSeries;
    series->setPen(QPen(line.style.colour, 1.5));
    series->setName(line.style.label);
    connect(series, &QLineSeries::hovered, this, [this, series, style = line.style](const QPointF& cursor, bool state) {
        showHover(style, nearestPoint(*series, cursor), state);
    });
    QAbstractSeries* shown = series;
    if (m_band) {
        auto* area = new QAreaSeries(series);  // from 0 up to the line: a band
        area->setName(line.style.label);
        area->setColor(line.style.colour.lighter(150));
        area->setBorderColor(line.style.colour);
        line.areas.append(area);
        shown = area;
    }
    chart()->addSeries(shown);
    shown->attachAxis(m_axisX);
    shown->attachAxis(m_axisY);
    // Only the first segment of a line appears in the legend.
    const auto markers = chart()->legend()->markers(shown);
    for (auto* marker : markers)
        marker->setVisible(line.segments.isEmpty());
    line.segments.append(series);
    return series;
}

void MetricChart::resizeSegments(Line& line, qsizetype count)
{
    while (line.segments.size() < count)
        addSegment(line);
    while (line.segments.size() > count) {
        QLineSeries* series = line.segments.takeLast();
        if (m_band) {
            QAreaSeries* area = line.areas.takeLast();
            chart()->removeSeries(area);
            delete area;  // owns its upper series
        } else {
            chart()->removeSeries(series);
            delete series;
        }
    }
}

void MetricChart::showSeries(const HealthSeriesSet& set)
{
    m_gapMs = set.gapMs;
    m_lastMs = set.lastMs;
    m_appended = 0;
    double maxValue = 0;
    for (qsizetype i = 0; i < m_lines.size(); ++i) {
        Line& line = m_lines[i];
        const auto found = std::find_if(set.series.begin(), set.series.end(),
                                        [&](const SeriesPoints& s) { return s.metric == line.style.metric; });
        const std::vector<std::vector<QPointF>> empty;
        const auto& segments = found != set.series.end() ? found->data.segments : empty;
        resizeSegments(line, qsizetype(segments.size()));
        for (std::size_t s = 0; s < segments.size(); ++s) {
            line.segments[qsizetype(s)]->replace(QList<QPointF>(segments[s].begin(), segments[s].end()));
            maxValue = maxOf(segments[s], maxValue);
        }
    }
    fitValueAxis(maxValue, true);  // a reload may shrink the axis
    setWindow(set.from, set.to);
    m_axisX->setFormat(set.from.secsTo(set.to) > 24 * 3600 ? QStringLiteral("dd.MM HH:mm") : QStringLiteral("HH:mm"));
}

void MetricChart::appendSeries(const HealthSeriesSet& set)
{
    const double windowStart = double(set.to.toMSecsSinceEpoch() - m_windowMs);
    double maxValue = 0;
    for (Line& line : m_lines) {
        const auto found = std::find_if(set.series.begin(), set.series.end(),
                                        [&](const SeriesPoints& s) { return s.metric == line.style.metric; });
        if (found != set.series.end()) {
            for (const auto& segment : found->data.segments) {
                if (segment.empty())
                    continue;
                QLineSeries* last = line.segments.isEmpty() ? nullptr : line.segments.last();
                const bool continues = last && last->count() > 0 && segment.front().x() - last->at(last->count() - 1).x() <= m_gapMs;
                if (!continues)
                    last = addSegment(line);
                last->append(QList<QPointF>(segment.begin(), segment.end()));  // one call, one repaint
                m_appended += int(segment.size());
                maxValue = maxOf(segment, maxValue);
            }
        }
        // Points that slid out of the window leave in one removal per segment.
        while (!line.segments.isEmpty()) {
            QLineSeries* first = line.segments.first();
            int expired = 0;
            while (expired < first->count() && first->at(expired).x() < windowStart)
                ++expired;
            if (expired == 0)
                break;
            if (expired < first->count() || line.segments.size() == 1) {
                first->removePoints(0, expired);
                break;
            }
            // A whole segment expired: drop it (the others keep their order).
            QAbstractSeries* shown = m_band ? static_cast<QAbstractSeries*>(line.areas.takeFirst()) : first;
            line.segments.removeFirst();
            chart()->removeSeries(shown);
            delete shown;
        }
    }
    m_lastMs = std::max(m_lastMs, set.lastMs);
    fitValueAxis(maxValue, false);
    setWindow(set.to.addMSecs(-m_windowMs), set.to);
}

void MetricChart::setThresholds(const QList<std::pair<QString, double>>& thresholds)
{
    while (m_thresholdLines.size() > thresholds.size()) {
        QLineSeries* series = m_thresholdLines.takeLast();
        chart()->removeSeries(series);
        delete series;
    }
    m_thresholdValues.clear();
    for (qsizetype i = 0; i < thresholds.size(); ++i) {
        if (i >= m_thresholdLines.size()) {
            auto* series = new QLineSeries;
            series->setPen(QPen(QColor(QStringLiteral("#b3261e")), 1, Qt::DashLine));
            chart()->addSeries(series);
            series->attachAxis(m_axisX);
            series->attachAxis(m_axisY);
            m_thresholdLines.append(series);
        }
        m_thresholdLines[i]->setName(thresholds[i].first);
        m_thresholdValues.append(thresholds[i].second);
    }
    // Drawn across the current window; setWindow() moves them along.
    setWindow(m_axisX->min(), m_axisX->max());
    fitValueAxis(m_maxShown, false);
}

void MetricChart::setWindow(const QDateTime& from, const QDateTime& to)
{
    m_windowMs = from.msecsTo(to);
    if (m_axisX->min() != from || m_axisX->max() != to)
        m_axisX->setRange(from, to);
    for (qsizetype i = 0; i < m_thresholdLines.size(); ++i)
        m_thresholdLines[i]->replace(QList<QPointF>{{double(from.toMSecsSinceEpoch()), m_thresholdValues[i]},
                                                    {double(to.toMSecsSinceEpoch()), m_thresholdValues[i]}});
}

void MetricChart::fitValueAxis(double maxValue, bool allowShrink)
{
    for (double threshold : std::as_const(m_thresholdValues))
        maxValue = std::max(maxValue, threshold);
    double top = niceCeiling(maxValue * 1.1);
    if (m_ceiling > 0)
        top = std::min(top, m_ceiling);
    // Live updates only grow the axis: a changing axis means a relayout of the whole chart.
    if (!allowShrink)
        top = std::max(top, m_maxShown);
    m_maxShown = top;
    if (m_axisY->min() != 0 || m_axisY->max() != top)
        m_axisY->setRange(0, top);
}

void MetricChart::showHover(const MetricLine& style, const QPointF& point, bool entered)
{
    if (!entered) {
        QToolTip::hideText();
        return;
    }
    const QString time = QDateTime::fromMSecsSinceEpoch(qint64(point.x())).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    QToolTip::showText(QCursor::pos(), tr("%1: %2 %3\n%4").arg(style.label).arg(point.y(), 0, 'g', 5).arg(m_unit, time), this);
}

int MetricChart::pointCount(const QString& metric) const
{
    int n = 0;
    for (const Line& line : m_lines)
        if (line.style.metric == metric)
            for (const QLineSeries* s : line.segments)
                n += int(s->count());
    return n;
}

int MetricChart::segmentCount(const QString& metric) const
{
    for (const Line& line : m_lines)
        if (line.style.metric == metric)
            return int(line.segments.size());
    return 0;
}

QList<QPointF> MetricChart::points(const QString& metric) const
{
    QList<QPointF> all;
    for (const Line& line : m_lines)
        if (line.style.metric == metric)
            for (const QLineSeries* s : line.segments)
                all += s->points();
    return all;
}

QList<double> MetricChart::thresholdValues() const
{
    return m_thresholdValues;
}

} // namespace ops::widgets
