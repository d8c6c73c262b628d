// SPDX-License-Identifier: MIT
#pragma once

// PrometheusText: the Prometheus text exposition format (what a /metrics endpoint serves, e.g.
// Supabase's database and pooler metrics), and series selectors that pick samples from it.
//
// Parsing is forgiving line by line: comments and # HELP / # TYPE lines are skipped, label values
// may contain escaped quotes, backslashes and newlines (\" \\ \n), values may be NaN / +Inf / -Inf,
// an optional millisecond timestamp follows the value. A line that cannot be read is counted (and
// the first few described) but never stops the rest. A value type, no I/O.

#include <QMap>
#include <QSet>
#include <QString>
#include <QStringList>

#include <optional>
#include <vector>

namespace ops::services {

struct PromSample {
    QString name;
    QMap<QString, QString> labels;
    double value = 0;
    std::optional<qint64> timestampMs;
};

struct PromParseResult {
    std::vector<PromSample> samples;
    int malformedLines = 0;
    QStringList problems;  // "line 7: ..." for the first few malformed lines
};

// With `onlyNames`, lines of other metrics are skipped before they are decoded or checked: a scrape
// of thousands of series costs little when a monitor keeps a few (the probe finishes on the GUI
// thread).
PromParseResult parsePrometheusText(const QByteArray& text, const QSet<QByteArray>& onlyNames = {});

// `name` or `name{label="value",...}`: matches samples of that name whose labels include every
// listed pair (other labels may differ).
struct SeriesSelector {
    QString text;  // as configured; the metric's key in a health sample
    QString name;
    QMap<QString, QString> labels;

    static std::optional<SeriesSelector> parse(const QString& text, QString* error = nullptr);
    bool matches(const PromSample& sample) const;
};

// The configured series' values from a scrape, keyed by selector text. Several matching samples
// are summed (e.g. a counter per label set); a selector matching nothing is listed in `missing`.
struct SelectedSeries {
    QMap<QString, double> values;
    QStringList missing;
};
SelectedSeries selectSeries(const std::vector<PromSample>& samples, const std::vector<SeriesSelector>& selectors);
// The metric names the selectors need (for parsePrometheusText's onlyNames).
QSet<QByteArray> selectorNames(const std::vector<SeriesSelector>& selectors);

} // namespace ops::services
