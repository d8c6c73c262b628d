// SPDX-License-Identifier: MIT
#include "common/ChartPalette.h"

#include <QAbstractAxis>
#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QLegend>
#include <QPalette>

namespace ops::widgets {

void applyChartPalette(QChart* chart, const QPalette& palette)
{
    const QColor text = palette.color(QPalette::Text);
    const QColor base = palette.color(QPalette::Base);
    // The grid a little away from the background: visible, but quieter than the data.
    const QColor grid = palette.color(QPalette::Mid);
    chart->setBackgroundBrush(base);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    for (QAbstractAxis* axis : chart->axes()) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setLinePenColor(grid);
        axis->setGridLineColor(grid);
    }
}

namespace {

// Re-colours the view's chart after each palette change of the view (sent once the view's
// palette has been resolved, so palette() is already the new one).
class PaletteFollower final : public QObject {
public:
    explicit PaletteFollower(QChartView* view) : QObject(view), m_view(view) { view->installEventFilter(this); }

    bool eventFilter(QObject* watched, QEvent* event) override
    {
        if (watched == m_view && event->type() == QEvent::PaletteChange)
            applyChartPalette(m_view->chart(), m_view->palette());
        return false;
    }

private:
    QChartView* m_view;
};

} // namespace

void followPalette(QChartView* view)
{
    applyChartPalette(view->chart(), view->palette());
    new PaletteFollower(view);
}

} // namespace ops::widgets
