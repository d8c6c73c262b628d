// SPDX-License-Identifier: MIT
#pragma once

// MetricChart: one Health chart (Qt Charts) showing a few named metrics over a fixed time window.
// Each metric is drawn as one line per segment: a gap in the data is a break, not a line. Points
// come decimated (HealthSeriesReader); series objects are reused and filled with one replace()
// each, animations stay off and the value axis only grows in steps, so a refresh does not relay
// out the chart. Live updates append the few new points and slide the window instead of
// reloading. Threshold lines are dashed horizontal lines; hovering a line shows value and time.
// A "band" chart (circuit state) fills the area under its line. GUI thread only.

#include "health/HealthSeries.h"

#include <QChartView>
#include <QColor>
#include <QList>

class QDateTimeAxis;
class QValueAxis;
class QLineSeries;
class QAreaSeries;

namespace ops::widgets {

struct MetricLine {
    QString metric;  // as HealthSeriesReader knows it: "latency_p95", "tps", "pool.in_use", ...
    QString label;   // legend and hover text
    QColor colour;
};

class MetricChart final : public QChartView {
    Q_OBJECT
public:
    MetricChart(const QString& title, const QString& unit, QList<MetricLine> lines, bool band = false,
                QWidget* parent = nullptr);

    QStringList metrics() const;
    // Replaces everything with `set` (its series in the order of metrics()).
    void showSeries(const ops::services::HealthSeriesSet& set);
    // Appends the newer points of `set` and slides the window to end at set.to.
    void appendSeries(const ops::services::HealthSeriesSet& set);
    // Horizontal dashed lines (label, value); replaces the previous ones.
    void setThresholds(const QList<std::pair<QString, double>>& thresholds);
    // For value axes with fixed meaning (percentages): never beyond this.
    void setValueCeiling(double ceiling) { m_ceiling = ceiling; }

    double lastMs() const { return m_lastMs; }
    int pointsAppendedSinceLoad() const { return m_appended; }
    // For tests: the points and segments a metric's lines hold right now.
    int pointCount(const QString& metric) const;
    int segmentCount(const QString& metric) const;
    QList<QPointF> points(const QString& metric) const;
    QList<double> thresholdValues() const;

private:
    struct Line {
        MetricLine style;
        QList<QLineSeries*> segments;
        QList<QAreaSeries*> areas;  // band charts only, one per segment
    };
    QLineSeries* addSegment(Line& line);
    void resizeSegments(Line& line, qsizetype count);
    void setWindow(const QDateTime& from, const QDateTime& to);
    void fitValueAxis(double maxValue, bool allowShrink);
    void showHover(const MetricLine& style, const QPointF& point, bool entered);

    QString m_unit;
    bool m_band = false;
    QList<Line> m_lines;
    QList<QLineSeries*> m_thresholdLines;
    QList<double> m_thresholdValues;
    QDateTimeAxis* m_axisX = nullptr;
    QValueAxis* m_axisY = nullptr;
    qint64 m_windowMs = 0;
    double m_gapMs = 0;
    double m_lastMs = 0;
    double m_maxShown = 0;
    double m_ceiling = 0;
    int m_appended = 0;
};

} // namespace ops::widgets
