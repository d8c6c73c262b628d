// SPDX-License-Identifier: MIT
#pragma once

// HealthPanel: the Health tab. Tiles (overall status in colour and words, p95 latency, success
// rate, error rate, throughput, circuit state, uptime 24 h / 7 d / 30 d), each showing its
// threshold, and a latency chart (Qt Charts) with the p95 threshold line, ranges 15 m .. 30 d,
// pause/resume. The data comes from HealthReader on the pool's workers; new samples arrive by
// LISTEN ops_health (no polling), debounced to one refresh per 500 ms.

#include "db/ConnectionOptions.h"
#include "health/HealthReader.h"

#include <QHash>
#include <QWidget>

#include <memory>

class QCheckBox;
class QComboBox;
class QLabel;
class QTimer;
class QChart;
class QChartView;
class QDateTimeAxis;
class QValueAxis;
class QLineSeries;

namespace ops::services {
class Listener;
}

namespace ops::widgets {

// The team plan's defaults; a tile shows its threshold.
struct HealthThresholds {
    double p95Ms = 200;
    double successPercent = 95;
    double errorPercent = 0.1;
    double uptimePercent = 99.9;
};

class HealthPanel final : public QWidget {
    Q_OBJECT
public:
    // `directOptions` empty (default-constructed database): no live updates, refresh by range change only.
    HealthPanel(ops::services::Pool& pool, qint64 projectId, const ops::services::ConnectionOptions& directOptions,
                bool listen = true, QWidget* parent = nullptr);
    ~HealthPanel() override;

    void refresh();
    // Closes the LISTEN connection (at exit: the embedded server stops only when no console
    // connection is left). refresh() still works.
    void stopLiveUpdates();
    // Selects the closest offered range (15 min .. 30 days) and refreshes.
    void setRange(std::chrono::seconds range);
    // For tests: the text a tile shows right now ("status", "p95", "success", "error", "throughput",
    // "circuit", "uptime"), and how many points the chart holds.
    QString tileText(const QString& tile) const;
    int chartPointCount() const;
    int chartSegmentCount() const;
    QWidget* chartWidget() const;
    bool hasLoaded() const { return m_loaded; }

signals:
    void loaded();

private:
    void display(const ops::services::HealthSnapshot& snapshot);
    std::chrono::seconds selectedRange() const;
    QLabel* makeTile(const QString& key, const QString& title);

    ops::services::HealthReader m_reader;
    HealthThresholds m_thresholds;
    std::unique_ptr<ops::services::Listener> m_listener;
    QTimer* m_debounce = nullptr;
    QComboBox* m_range = nullptr;
    QCheckBox* m_pause = nullptr;
    QLabel* m_message = nullptr;
    QHash<QString, QLabel*> m_tiles;
    QChart* m_chart = nullptr;
    QChartView* m_chartView = nullptr;
    QDateTimeAxis* m_axisX = nullptr;
    QValueAxis* m_axisY = nullptr;
    QList<QLineSeries*> m_lines;       // reused between refreshes: replace() is far cheaper than new series
    QLineSeries* m_threshold = nullptr;
    bool m_loading = false;
    bool m_loaded = false;
    int m_points = 0;
    int m_segments = 0;
};

} // namespace ops::widgets
