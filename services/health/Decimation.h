// SPDX-License-Identifier: MIT
#pragma once

// Min/max decimation for charts: a chart never holds more than two points per pixel column, so
// 30 days of 1-second samples draw as fast as 15 minutes. For each column the lowest and the
// highest point are kept (in time order), so every extreme survives, a single spike included;
// each segment also keeps its last sample, so a line ends where the data ends.
// A gap between consecutive samples longer than `gapThreshold` ends a segment: the chart draws
// a break there instead of a line across missing data. Pure function, no Qt GUI.

#include <QPointF>

#include <span>
#include <vector>

namespace ops::services {

struct DecimatedSeries {
    std::vector<std::vector<QPointF>> segments;  // each drawn as its own line
    std::size_t pointCount() const;
};

// `points` sorted by x. Only points with xMin <= x <= xMax are used; columns >= 1.
// gapThreshold <= 0: no breaks. At most 2 x columns + 1 points per segment.
DecimatedSeries decimateMinMax(std::span<const QPointF> points, double xMin, double xMax, int columns,
                               double gapThreshold = 0);

} // namespace ops::services
