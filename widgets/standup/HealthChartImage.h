// SPDX-License-Identifier: MIT
#pragma once

// HealthChartImage: a small line chart of one Health series drawn with QPainter into a QImage,
// for reports (PDF and the PNG beside a Markdown file). No chart widget: it must also work in the
// headless report commands under the offscreen platform.

#include "plan/HealthSeries.h"

#include <QImage>

namespace ops::widgets {

class HealthChartImage final {
public:
    static QImage render(const ops::services::plan::HealthSeries& series, const QString& title, QSize size = {720, 240});
};

} // namespace ops::widgets
