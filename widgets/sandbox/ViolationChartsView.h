// SPDX-License-Identifier: MIT
#pragma once

// ViolationChartsView: three charts over the current filter, aggregated in the database
// (ViolationStats): events per hour stacked by kind, the top 10 targets, the top sources.
// refresh() runs the aggregation on a pool worker; a newer refresh drops an older answer.

#include "db/Pool.h"
#include "sandbox/ViolationStats.h"

#include <QWidget>

class QChart;
class QChartView;
class QLabel;

namespace ops::widgets {

class ViolationChartsView final : public QWidget {
    Q_OBJECT
public:
    ViolationChartsView(ops::services::Pool* pool, qint64 projectId, QWidget* parent = nullptr);

    void refresh(const ops::services::sandbox::ViolationFilter& filter);
    const ops::services::sandbox::ViolationStatsData& data() const { return m_data; }
    QChart* hourlyChart() const;
    QChart* targetsChart() const;
    QChart* sourcesChart() const;

    // Qt Charts renders axis labels as rich text: outside text is escaped (and cut) before it
    // becomes a category, so markup in a target shows as the characters it is.
    static QString categoryLabel(int rank, const QString& text);

signals:
    void refreshed();

private:
    void show(const ops::services::sandbox::ViolationStatsData& data);

    ops::services::Pool* m_pool;
    qint64 m_projectId;
    quint64 m_generation = 0;
    ops::services::sandbox::ViolationStatsData m_data;
    QChartView* m_hourly = nullptr;
    QChartView* m_targets = nullptr;
    QChartView* m_sources = nullptr;
    QLabel* m_message = nullptr;
};

} // namespace ops::widgets
