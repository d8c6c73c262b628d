// SPDX-License-Identifier: MIT
#include "health/Decimation.h"

#include <algorithm>
#include <cmath>

namespace ops::services {

std::size_t DecimatedSeries::pointCount() const
{
    std::size_t n = 0;
    for (const auto& segment : segments)
        n += segment.size();
    return n;
}

DecimatedSeries decimateMinMax(std::span<const QPointF> points, double xMin, double xMax, int columns,
                               double gapThreshold)
{
    DecimatedSeries out;
    if (columns < 1 || !(xMax > xMin))
        return out;
    const double columnWidth = (xMax - xMin) / columns;

    // The current column's lowest and highest point (indices into `points`).
    long column = -1;
    std::size_t lowest = 0, highest = 0;
    bool open = false;
    std::vector<QPointF>* segment = nullptr;
    double previousX = 0;
    bool havePrevious = false;
    std::size_t lastInSegment = 0;  // a segment ends on its true last sample, not its column's extreme

    auto endSegment = [&] {
        if (!segment || segment->empty())
            return;
        const QPointF& last = points[lastInSegment];
        if (segment->back() != last)
            segment->push_back(last);
    };

    auto flush = [&] {
        if (!open)
            return;
        const QPointF& a = points[std::min(lowest, highest)];
        const QPointF& b = points[std::max(lowest, highest)];
        segment->push_back(a);
        if (lowest != highest)
            segment->push_back(b);
        open = false;
    };

    // The first point in range (binary search: long ranges start far into the data).
    auto first = std::lower_bound(points.begin(), points.end(), xMin,
                                  [](const QPointF& p, double x) { return p.x() < x; });
    for (auto it = first; it != points.end() && it->x() <= xMax; ++it) {
        const std::size_t i = std::size_t(it - points.begin());
        const double x = it->x();
        if (!segment || (gapThreshold > 0 && havePrevious && x - previousX > gapThreshold)) {
            flush();
            endSegment();
            out.segments.emplace_back();
            segment = &out.segments.back();
            column = -1;
        }
        previousX = x;
        havePrevious = true;
        if (std::isnan(it->y()))
            continue;
        lastInSegment = i;
        const long c = std::min<long>(long((x - xMin) / columnWidth), columns - 1);
        if (c != column || !open) {
            flush();
            column = c;
            lowest = highest = i;
            open = true;
            continue;
        }
        if (it->y() < points[lowest].y())
            lowest = i;
        if (it->y() > points[highest].y())
            highest = i;
    }
    flush();
    endSegment();
    // Segments that only held NaN values are dropped.
    std::erase_if(out.segments, [](const std::vector<QPointF>& s) { return s.empty(); });
    return out;
}

} // namespace ops::services
