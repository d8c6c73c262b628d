// SPDX-License-Identifier: MIT
#pragma once

// ChartPalette: Qt Charts draws with its own theme colours (white background, dark grey text),
// which the application palette does not reach. These helpers colour a chart's background, title,
// legend and axes from a palette, and keep a chart view following its palette, so charts stay
// readable in the light and the dark theme. Series colours are left alone: they carry meaning
// (status, metric) and are chosen to read on both. GUI thread only.

class QChart;
class QChartView;
class QPalette;

namespace ops::widgets {

// Background, plot area, title, legend labels and every axis's labels, lines and grid.
void applyChartPalette(QChart* chart, const QPalette& palette);

// Applies the view's palette now and again whenever it changes (a theme switch).
void followPalette(QChartView* view);

} // namespace ops::widgets
