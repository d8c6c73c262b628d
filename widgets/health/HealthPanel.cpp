// SPDX-License-Identifier: MIT
#include "health/HealthPanel.h"

#include "db/Listener.h"
#include "health/AlertHistoryView.h"
#include "health/MonitorListView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPen>
#include <QTimer>
#include <QVBoxLayout>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

using namespace ops::services;

namespace ops::widgets {

namespace {

QString percent(const HealthFigure& f)
{
    return f.value ? QString::number(*f.value, 'f', 2) + QLatin1Char('%') : QStringLiteral("no data");
}

// Green when within the threshold, red when not, grey without data.
QString colourFor(std::optional<bool> good)
{
    if (!good)
        return QStringLiteral("#777777");
    return *good ? QStringLiteral("#1b7f3a") : QStringLiteral("#b3261e");
}

} // namespace

HealthPanel::HealthPanel(Pool& pool, qint64 projectId, const ConnectionOptions& directOptions, bool listen, QWidget* parent)
    : QWidget(parent), m_reader(pool, projectId)
{
    auto* layout = new QVBoxLayout(this);
    auto* controls = new QHBoxLayout;
    m_range = new QComboBox(this);
    const std::pair<const char*, int> ranges[] = {{"15 min", 900}, {"1 hour", 3600}, {"6 hours", 6 * 3600},
                                                  {"24 hours", 24 * 3600}, {"7 days", 7 * 24 * 3600}, {"30 days", 30 * 24 * 3600}};
    for (const auto& [name, seconds] : ranges)
        m_range->addItem(tr(name), seconds);
    m_range->setCurrentIndex(1);
    m_pause = new QCheckBox(tr("Pause live updates"), this);
    m_message = new QLabel(this);
    m_message->setTextFormat(Qt::PlainText);  // error text comes from outside
    controls->addWidget(new QLabel(tr("Range:"), this));
    controls->addWidget(m_range);
    controls->addWidget(m_pause);
    controls->addWidget(m_message, 1);
    layout->addLayout(controls);

    auto* tiles = new QGridLayout;
    const std::pair<const char*, const char*> tileNames[] = {
        {"status", "Overall"}, {"p95", "p95 latency"}, {"success", "Success rate"}, {"error", "Error rate"},
        {"throughput", "Throughput"}, {"circuit", "Circuit"}, {"uptime", "Uptime 24 h / 7 d / 30 d"}};
    int index = 0;
    for (const auto& [key, title] : tileNames) {
        tiles->addWidget(makeTile(QString::fromLatin1(key), tr(title)), index / 4, index % 4);
        ++index;
    }
    layout->addLayout(tiles);

    m_chart = new QChart;
    m_chart->setTitle(tr("Latency (ms)"));
    m_chart->legend()->setVisible(false);
    m_axisX = new QDateTimeAxis(m_chart);
    m_axisX->setFormat(QStringLiteral("HH:mm"));
    m_axisY = new QValueAxis(m_chart);
    m_axisY->setLabelFormat(QStringLiteral("%.0f"));
    m_chart->addAxis(m_axisX, Qt::AlignBottom);
    m_chart->addAxis(m_axisY, Qt::AlignLeft);
    m_chartView = new QChartView(m_chart, this);
    m_chartView->setRenderHint(QPainter::Antialiasing, false);  // thousands of segments: speed first
    m_chartView->setMinimumHeight(240);
    layout->addWidget(m_chartView, 1);
    auto* monitors = new MonitorListView(pool, projectId, this);  // per-monitor state and uptime
    layout->addWidget(monitors);
    connect(this, &HealthPanel::loaded, monitors, &MonitorListView::reload);
    layout->addWidget(new AlertHistoryView(pool, projectId, listen ? directOptions : ConnectionOptions{}, this));

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(500);
    connect(m_debounce, &QTimer::timeout, this, &HealthPanel::refresh);
    connect(m_range, &QComboBox::currentIndexChanged, this, &HealthPanel::refresh);
    connect(m_pause, &QCheckBox::toggled, this, [this](bool paused) {
        if (!paused)
            refresh();
    });

    if (listen && !directOptions.database().isEmpty()) {
        m_listener = std::make_unique<Listener>(directOptions, QStringList{QStringLiteral("ops_health")});
        connect(m_listener.get(), &Listener::notification, this, [this] {
            if (!m_pause->isChecked() && !m_debounce->isActive())
                m_debounce->start();
        });
        connect(m_listener.get(), &Listener::connected, this, &HealthPanel::refresh);  // re-read what we missed
        m_listener->start();
    }
    refresh();
}

HealthPanel::~HealthPanel() = default;

void HealthPanel::stopLiveUpdates()
{
    if (m_listener)
        m_listener->stop();
    m_debounce->stop();
}

QLabel* HealthPanel::makeTile(const QString& key, const QString& title)
{
    auto* tile = new QLabel(this);
    tile->setTextFormat(Qt::PlainText);
    tile->setFrameShape(QFrame::StyledPanel);
    tile->setMinimumWidth(170);
    tile->setMargin(8);
    tile->setProperty("tileTitle", title);
    tile->setText(title + QStringLiteral("\n…"));
    tile->setObjectName(QStringLiteral("tile_") + key);
    m_tiles.insert(key, tile);
    return tile;
}

void HealthPanel::setRange(std::chrono::seconds range)
{
    int best = 0;
    for (int i = 0; i < m_range->count(); ++i)
        if (std::abs(m_range->itemData(i).toLongLong() - range.count()) < std::abs(m_range->itemData(best).toLongLong() - range.count()))
            best = i;
    if (best == m_range->currentIndex())
        refresh();
    else
        m_range->setCurrentIndex(best);  // refreshes
}

std::chrono::seconds HealthPanel::selectedRange() const
{
    return std::chrono::seconds(m_range->currentData().toInt());
}

void HealthPanel::refresh()
{
    if (m_loading) {  // one read at a time; the newest request wins after it
        m_debounce->start();
        return;
    }
    m_loading = true;
    const int columns = std::max(100, m_chartView->width());
    m_reader.load(selectedRange(), columns).then(this, [this](Result<HealthSnapshot> snapshot) {
        m_loading = false;
        if (!snapshot) {
            m_message->setText(tr("Could not read health data: %1").arg(snapshot.error().toString()));
            return;
        }
        m_message->clear();
        display(snapshot.value());
    });
}

void HealthPanel::display(const HealthSnapshot& s)
{
    auto setTile = [this](const QString& key, const QString& value, const QString& threshold, std::optional<bool> good) {
        QLabel* tile = m_tiles.value(key);
        tile->setText(tile->property("tileTitle").toString() + QLatin1Char('\n') + value
                      + (threshold.isEmpty() ? QString() : QLatin1Char('\n') + threshold));
        const QString style = QStringLiteral("QLabel { color: %1; font-weight: bold; }").arg(colourFor(good));
        if (tile->styleSheet() != style)  // re-styling is slow; colours rarely change
            tile->setStyleSheet(style);
    };
    auto within = [](const HealthFigure& f, auto test) -> std::optional<bool> {
        return f.value ? std::optional<bool>(test(*f.value)) : std::nullopt;
    };
    const QString status = s.status.text.isEmpty() ? QStringLiteral("no data") : s.status.text;
    setTile(QStringLiteral("status"), status, QString(),
            s.status.value ? std::optional<bool>(*s.status.value == 0) : std::nullopt);
    setTile(QStringLiteral("p95"), s.p95.value ? QString::number(*s.p95.value, 'f', 1) + QStringLiteral(" ms") : QStringLiteral("no data"),
            tr("threshold < %1 ms").arg(m_thresholds.p95Ms), within(s.p95, [&](double v) { return v < m_thresholds.p95Ms; }));
    setTile(QStringLiteral("success"), percent(s.successRate), tr("threshold > %1%").arg(m_thresholds.successPercent),
            within(s.successRate, [&](double v) { return v > m_thresholds.successPercent; }));
    setTile(QStringLiteral("error"), percent(s.errorRate), tr("threshold < %1%").arg(m_thresholds.errorPercent),
            within(s.errorRate, [&](double v) { return v < m_thresholds.errorPercent; }));
    setTile(QStringLiteral("throughput"), s.throughput.value ? QString::number(*s.throughput.value, 'f', 1) + QStringLiteral(" req/s") : QStringLiteral("no data"),
            QString(), s.throughput.value ? std::optional<bool>(true) : std::nullopt);
    setTile(QStringLiteral("circuit"), s.circuit.text.isEmpty() ? QStringLiteral("no data") : s.circuit.text, QString(),
            s.circuit.text.isEmpty() ? std::nullopt : std::optional<bool>(s.circuit.text == QLatin1String("CLOSED")));
    setTile(QStringLiteral("uptime"), percent(s.uptime24h) + QStringLiteral(" / ") + percent(s.uptime7d) + QStringLiteral(" / ") + percent(s.uptime30d),
            tr("threshold %1%").arg(m_thresholds.uptimePercent),
            within(s.uptime24h, [&](double v) { return v >= m_thresholds.uptimePercent; }));

    // The chart: one line per segment (a gap is a break), plus the p95 threshold line. Series are
    // reused: creating chart items is what costs, replacing their points is cheap.
    double maxY = m_thresholds.p95Ms * 1.2;
    m_points = 0;
    const auto& segments = s.latency.segments;
    while (m_lines.size() < qsizetype(segments.size())) {
        auto* series = new QLineSeries;
        series->setPen(QPen(QColor(QStringLiteral("#1f5fa8")), 1.5));
        m_chart->addSeries(series);
        series->attachAxis(m_axisX);
        series->attachAxis(m_axisY);
        m_lines.append(series);
    }
    while (m_lines.size() > qsizetype(segments.size())) {
        QLineSeries* series = m_lines.takeLast();
        m_chart->removeSeries(series);
        delete series;
    }
    for (std::size_t i = 0; i < segments.size(); ++i) {
        QList<QPointF> points(segments[i].begin(), segments[i].end());
        for (const QPointF& p : points)
            maxY = std::max(maxY, p.y() * 1.1);
        m_points += int(points.size());
        m_lines[qsizetype(i)]->replace(points);
    }
    m_segments = int(segments.size());
    if (!m_threshold) {
        m_threshold = new QLineSeries;
        m_threshold->setPen(QPen(QColor(QStringLiteral("#b3261e")), 1, Qt::DashLine));
        m_chart->addSeries(m_threshold);
        m_threshold->attachAxis(m_axisX);
        m_threshold->attachAxis(m_axisY);
    }
    m_threshold->replace(QList<QPointF>{{double(s.from.toMSecsSinceEpoch()), m_thresholds.p95Ms},
                                        {double(s.to.toMSecsSinceEpoch()), m_thresholds.p95Ms}});
    m_axisX->setRange(s.from.toLocalTime(), s.to.toLocalTime());
    m_axisX->setFormat(s.from.secsTo(s.to) > 24 * 3600 ? QStringLiteral("dd.MM HH:mm") : QStringLiteral("HH:mm"));
    m_axisY->setRange(0, maxY);
    m_chart->setTitle(s.fromRollups ? tr("Latency p95 per minute (ms)") : tr("Latency (ms)"));
    m_loaded = true;
    emit loaded();
}

QString HealthPanel::tileText(const QString& tile) const
{
    const QLabel* label = m_tiles.value(tile);
    return label ? label->text() : QString();
}

int HealthPanel::chartPointCount() const
{
    return m_points;
}

QWidget* HealthPanel::chartWidget() const
{
    return m_chartView;
}

int HealthPanel::chartSegmentCount() const
{
    return m_segments;
}

} // namespace ops::widgets
