// SPDX-License-Identifier: MIT
#pragma once

// HealthSeriesReader: chart series for the Health tab, decimated by the database
// (ops.health_series_set, 0008): each pixel column's bucket comes back as its first and last sample
// time and its lowest and highest value, so a chart never holds more than about two points per
// column and 30 days cost about as much as 15 minutes. Ranges beyond HealthReader::rawLimit read
// the rollups (1- or 10-minute) for every metric: latency and rates, and since 0013 the jsonb
// metrics and the circuit band too, so they reach back as far as rollup retention. A gap between buckets longer than ten monitor
// intervals (ten minutes on rollups) becomes a break between segments. Asynchronous on the
// pool's workers; errors come back as Result values.
//
// Live updates: loadSince() returns only the samples newer than the last point shown, which the
// chart appends instead of reloading.

#include "db/Pool.h"
#include "health/Decimation.h"  // DecimatedSeries: segments of points

#include <QDateTime>
#include <QFuture>
#include <QMap>
#include <QStringList>

#include <chrono>
#include <optional>

namespace ops::services {

struct SeriesPoints {
    QString metric;
    DecimatedSeries data;  // x: ms since the epoch
};

struct HealthSeriesSet {
    QDateTime from, to;
    bool fromRollups = false;
    double gapMs = 0;                 // a longer gap between samples is a break
    std::vector<SeriesPoints> series; // in the order asked for
    double lastMs = 0;                // the newest sample time in the set (0: none)
};

class HealthSeriesReader final {
public:
    HealthSeriesReader(Pool& pool, qint64 projectId) : m_pool(pool), m_project(projectId) {}

    // `metrics` over [now - range, now] in `columns` buckets; monitor nullopt: all monitors.
    QFuture<Result<HealthSeriesSet>> load(const QStringList& metrics, std::optional<qint64> monitor,
                                          std::chrono::seconds range, int columns) const;
    Result<HealthSeriesSet> loadNow(const QStringList& metrics, std::optional<qint64> monitor,
                                    std::chrono::seconds range, int columns) const;
    // Raw samples newer than `afterMs` (one point each), the window end moved to now.
    QFuture<Result<HealthSeriesSet>> loadSince(const QStringList& metrics, std::optional<qint64> monitor,
                                               double afterMs, std::chrono::seconds range) const;

private:
    static Result<HealthSeriesSet> read(Connection& c, qint64 project, const QStringList& metrics,
                                        std::optional<qint64> monitor, std::chrono::seconds range, int columns,
                                        std::optional<double> afterMs);
    Pool& m_pool;
    qint64 m_project;
};

// Thresholds stored per project (ops.health_thresholds); a metric without a row keeps the
// caller's default. Setting nullopt clears back to the default. Operators and above may set.
Result<QMap<QString, double>> loadHealthThresholds(Connection& c, qint64 projectId);
Result<void> saveHealthThreshold(Connection& c, qint64 projectId, const QString& metric, std::optional<double> value);

// The project's monitors (id, name), for the per-monitor selection.
Result<std::vector<std::pair<qint64, QString>>> listMonitors(Connection& c, qint64 projectId);

} // namespace ops::services
