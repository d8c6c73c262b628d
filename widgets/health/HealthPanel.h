// SPDX-License-Identifier: MIT
#pragma once

// HealthPanel: the Health tab. Tiles (overall status in colour and words, p95 latency, success
// rate, error rate, throughput, circuit state, uptime 24 h / 7 d / 30 d), each showing its
// threshold; below them one view at a time: charts (Qt Charts) for latency p50/p95/p99,
// throughput, success and error rate, pool usage, database TPS / sessions / cache hit and the
// circuit state as a band, the load test, and the threshold editor. Ranges 15 m .. 30 d,
// per-monitor selection, pause/resume.
//
// Data: tiles from HealthReader, chart series from HealthSeriesReader (decimated by the database),
// thresholds from ops.health_thresholds; all on the pool's workers, never on the GUI thread. New
// samples arrive by LISTEN ops_health (no polling); a live update appends the new points to the
// visible chart instead of reloading it (ranges read from rollups reload, at most once a minute).

#include "db/ConnectionOptions.h"
#include "health/HealthReader.h"
#include "health/HealthSeries.h"

#include <QElapsedTimer>
#include <QHash>
#include <QWidget>

#include <memory>
#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QTabWidget;
class QTimer;
class QVBoxLayout;

namespace ops::services {
class Listener;
}

namespace ops::widgets {

class LoadTestPanel;
class MetricChart;

// The team plan's defaults; a tile shows its threshold. Stored per project by metric name.
struct HealthThresholds {
    double p95Ms = 200;
    double successPercent = 95;
    double errorPercent = 0.1;
    double uptimePercent = 99.9;

    // Stored values (ops.health_thresholds) over the defaults.
    static HealthThresholds fromStored(const QMap<QString, double>& stored);
    QMap<QString, double> toStored() const;
};

class HealthPanel final : public QWidget {
    Q_OBJECT
public:
    // `directOptions` empty (default-constructed database): no live updates, refresh by range change only.
    HealthPanel(ops::services::Pool& pool, qint64 projectId, const ops::services::ConnectionOptions& directOptions,
                bool listen = true, QWidget* parent = nullptr);
    ~HealthPanel() override;

    // Reloads tiles and the visible chart.
    void refresh();
    // A live update: appends the samples newer than the visible chart's last point.
    void appendLatest();
    // Closes the LISTEN connection (at exit: the embedded server stops only when no console
    // connection is left). refresh() still works.
    void stopLiveUpdates();
    // Selects the closest offered range (15 min .. 30 days) and refreshes.
    void setRange(std::chrono::seconds range);
    // Shows a view: "latency", "throughput", "rates", "pool", "tps", "sessions", "cache",
    // "circuit", "loadtest", "thresholds".
    void showView(const QString& key);
    // Charts one monitor only (nullopt: all monitors).
    void selectMonitor(std::optional<qint64> monitorId);
    // Stores the thresholds for the project (asynchronous; thresholdsSaved() when done).
    void saveThresholds(const HealthThresholds& thresholds);
    const HealthThresholds& thresholds() const { return m_thresholds; }

    // For tests: the text a tile shows right now ("status", "p95", "success", "error", "throughput",
    // "circuit", "uptime"), the latency chart (its p95 line's points and segments), any chart.
    QString tileText(const QString& tile) const;
    int chartPointCount() const;
    int chartSegmentCount() const;
    QWidget* chartWidget() const;
    MetricChart* chart(const QString& key) const;
    LoadTestPanel* loadTestPanel() const { return m_loadTest; }
    bool hasLoaded() const { return m_loaded; }

signals:
    void loaded();          // tiles and the visible chart show a full refresh
    void chartLoaded();     // the visible chart shows a full refresh (the tiles may still be loading)
    void liveUpdated();     // the visible chart appended new samples
    void thresholdsLoaded();
    void monitorsLoaded();
    void thresholdsSaved();
    // The overall status and circuit the tiles show now ("healthy"/"degraded"/"unhealthy",
    // "CLOSED"/"HALF_OPEN"/"OPEN"; empty without data): the tray icon's colour.
    void statusShown(const QString& overall, const QString& circuit);

private:
    QWidget* buildControls();
    QLayout* buildTiles();
    QTabWidget* buildViews(ops::services::Pool& pool, qint64 projectId);
    QWidget* buildThresholdEditor();
    void startLiveUpdates(const ops::services::ConnectionOptions& directOptions);
    void onNotification();
    void loadThresholds();
    void loadMonitors();
    void partLoaded();
    void displayTiles(const ops::services::HealthSnapshot& snapshot);
    void applyThresholds();
    std::chrono::seconds selectedRange() const;
    std::optional<qint64> selectedMonitor() const;
    MetricChart* visibleChart() const;
    int chartColumns() const;
    QLabel* makeTile(const QString& key, const QString& title);
    void addChart(const QString& key, const QString& tab, MetricChart* chart);

    ops::services::HealthReader m_reader;
    ops::services::HealthSeriesReader m_series;
    ops::services::Pool& m_pool;
    qint64 m_project;
    HealthThresholds m_thresholds;
    std::optional<ops::services::HealthSnapshot> m_snapshot;
    std::unique_ptr<ops::services::Listener> m_listener;
    QVBoxLayout* m_layout = nullptr;
    QTimer* m_debounce = nullptr;
    QComboBox* m_range = nullptr;
    QComboBox* m_monitor = nullptr;
    QCheckBox* m_pause = nullptr;
    QLabel* m_message = nullptr;
    QHash<QString, QLabel*> m_tiles;
    QTabWidget* m_views = nullptr;
    QHash<QString, MetricChart*> m_charts;
    LoadTestPanel* m_loadTest = nullptr;
    QHash<QString, QDoubleSpinBox*> m_thresholdEdits;
    QElapsedTimer m_sinceFullLoad;
    QElapsedTimer m_tilesAge;                 // since the tiles were last read
    std::chrono::seconds m_tilesWindow{0};    // the window they cover
    int m_partsPending = 0;   // tiles and chart of the running refresh
    bool m_loading = false;
    bool m_refreshAgain = false;
    bool m_appending = false;
    bool m_loaded = false;
};

} // namespace ops::widgets
