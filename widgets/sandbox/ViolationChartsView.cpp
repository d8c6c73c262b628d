// SPDX-License-Identifier: MIT
#include "sandbox/ViolationChartsView.h"

#include "common/ChartPalette.h"

#include <QCoreApplication>
#include <QApplication>
#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QFuture>
#include <QHBoxLayout>
#include <QHorizontalBarSeries>
#include <QLabel>
#include <QStackedBarSeries>
#include <QValueAxis>
#include <QVBoxLayout>

#include <map>

namespace ops::widgets {

using namespace ops::services;
using namespace ops::services::sandbox;

namespace {
constexpr int MaxHourBars = 24 * 31;

QChartView* chartView(const QString& title, QWidget* parent)
{
    auto* chart = new QChart;
    chart->setTitle(title);
    chart->setAnimationOptions(QChart::NoAnimation);
    auto* view = new QChartView(chart, parent);
    view->setAccessibleName(title);
    view->setRenderHint(QPainter::Antialiasing, false);
    view->setMinimumHeight(200);
    followPalette(view);  // readable in the dark theme too
    return view;
}

// Replaces the chart's series and axes (no clear + append one by one).
void replaceAll(QChart* chart, QAbstractBarSeries* series, QBarCategoryAxis* categories, bool horizontal)
{
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes())
        chart->removeAxis(axis);
    chart->addSeries(series);
    auto* values = new QValueAxis;
    values->setLabelFormat(QStringLiteral("%d"));
    chart->addAxis(categories, horizontal ? Qt::AlignLeft : Qt::AlignBottom);
    chart->addAxis(values, horizontal ? Qt::AlignBottom : Qt::AlignLeft);
    series->attachAxis(categories);
    series->attachAxis(values);
    qreal max = 0;
    for (QBarSet* set : series->barSets())
        for (int i = 0; i < set->count(); ++i)
            max = std::max(max, set->at(i));
    if (qobject_cast<QStackedBarSeries*>(series)) {  // stacked: the top of a column is the sum
        max = 0;
        const int columns = series->barSets().isEmpty() ? 0 : series->barSets().front()->count();
        for (int i = 0; i < columns; ++i) {
            qreal sum = 0;
            for (QBarSet* set : series->barSets())
                sum += set->at(i);
            max = std::max(max, sum);
        }
    }
    values->setRange(0, std::max<qreal>(1, max));
    applyChartPalette(chart, QApplication::palette());  // the new axes start with the chart theme's colours
}

void showRanked(QChart* chart, const std::vector<RankedCount>& ranked)
{
    auto* series = new QHorizontalBarSeries;
    auto* set = new QBarSet(QCoreApplication::translate("ops::widgets::ViolationChartsView", "events"));
    auto* categories = new QBarCategoryAxis;
    // Rank 1 at the top: a horizontal bar chart draws its first category at the bottom.
    for (int i = int(ranked.size()) - 1; i >= 0; --i) {
        *set << qreal(ranked[std::size_t(i)].count);
        categories->append(ViolationChartsView::categoryLabel(i + 1, ranked[std::size_t(i)].label));
    }
    series->append(set);
    chart->legend()->setVisible(false);
    replaceAll(chart, series, categories, true);
}
} // namespace

ViolationChartsView::ViolationChartsView(Pool* pool, qint64 projectId, QWidget* parent)
    : QWidget(parent), m_pool(pool), m_projectId(projectId)
{
    auto* layout = new QVBoxLayout(this);
    m_hourly = chartView(tr("Events per hour (UTC), by kind"), this);
    layout->addWidget(m_hourly, 1);
    auto* row = new QHBoxLayout;
    m_targets = chartView(tr("Top 10 targets"), this);
    m_sources = chartView(tr("Top sources (machine / agent)"), this);
    row->addWidget(m_targets, 1);
    row->addWidget(m_sources, 1);
    layout->addLayout(row, 1);
    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);
    layout->addWidget(m_message);
}

QChart* ViolationChartsView::hourlyChart() const { return m_hourly->chart(); }
QChart* ViolationChartsView::targetsChart() const { return m_targets->chart(); }
QChart* ViolationChartsView::sourcesChart() const { return m_sources->chart(); }

QString ViolationChartsView::categoryLabel(int rank, const QString& text)
{
    // The rank keeps categories unique (a category axis merges equal labels).
    QString shown = text.isEmpty() ? tr("(none)") : text;
    if (shown.size() > 48)
        shown = shown.left(47) + QChar(0x2026);
    return QStringLiteral("%1. %2").arg(rank).arg(shown.toHtmlEscaped());
}

void ViolationChartsView::refresh(const ViolationFilter& filter)
{
    if (!m_pool)
        return;
    const quint64 generation = ++m_generation;
    const qint64 project = m_projectId;
    m_message->setText(tr("Aggregating..."));
    m_pool->withClientAsync(QStringLiteral("GET /sandbox/stats"), [=](Connection& connection) {
        return ViolationStats::load(connection, project, filter);
    }, CallOptions::idempotentUnit()).then(this, [this, generation](Result<ViolationStatsData> data) {
        if (generation != m_generation)
            return;
        if (!data) {
            m_message->setText(data.error().toString());
            return;
        }
        m_message->clear();
        show(data.value());
        m_data = std::move(data.value());
        emit refreshed();
    });
}

void ViolationChartsView::show(const ViolationStatsData& data)
{
    // Hours from the first to the last with events, gaps filled with zero, one bar set per kind.
    std::map<QString, std::map<QDateTime, qint64>> byKind;
    QDateTime first, last;
    for (const HourlyCount& count : data.perHour) {
        byKind[count.kind][count.hour] = count.count;
        if (!first.isValid() || count.hour < first)
            first = count.hour;
        if (!last.isValid() || count.hour > last)
            last = count.hour;
    }
    std::vector<QDateTime> hours;
    for (QDateTime hour = first; hour.isValid() && hour <= last && int(hours.size()) < MaxHourBars; hour = hour.addSecs(3600))
        hours.push_back(hour);
    auto* series = new QStackedBarSeries;
    auto* categories = new QBarCategoryAxis;
    for (const QDateTime& hour : hours)
        categories->append(hour.toUTC().toString(QStringLiteral("MM-dd HH:00")));  // UTC: unique per hour
    for (const auto& [kind, counts] : byKind) {
        auto* set = new QBarSet(kind);
        for (const QDateTime& hour : hours) {
            const auto found = counts.find(hour);
            *set << qreal(found == counts.end() ? 0 : found->second);
        }
        series->append(set);
    }
    replaceAll(m_hourly->chart(), series, categories, false);
    showRanked(m_targets->chart(), data.topTargets);
    showRanked(m_sources->chart(), data.topSources);
}

} // namespace ops::widgets
