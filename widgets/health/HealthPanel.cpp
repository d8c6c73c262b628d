// SPDX-License-Identifier: MIT
#include "health/HealthPanel.h"

#include "common/RoleGate.h"
#include "db/ProjectMembership.h"
#include "db/Listener.h"
#include "health/LoadTestPanel.h"
#include "health/MetricChart.h"
#include "health/AlertHistoryView.h"
#include "health/MonitorListView.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

using namespace ops::services;

namespace ops::widgets {

namespace {

QString percent(const HealthFigure& f)
{
    return f.value ? QString::number(*f.value, 'f', 2) + QLatin1Char('%')
                   : QCoreApplication::translate("ops::widgets::HealthPanel", "no data");  // outside the class: its context by name
}

// Green when within the threshold, red when not, grey without data.
QString colourFor(std::optional<bool> good)
{
    if (!good)
        return QStringLiteral("#777777");
    return *good ? QStringLiteral("#1b7f3a") : QStringLiteral("#b3261e");
}

// Stored threshold names (ops.health_thresholds.metric).
const QString p95Key = QStringLiteral("p95_latency");
const QString successKey = QStringLiteral("success_rate");
const QString errorKey = QStringLiteral("error_rate");
const QString uptimeKey = QStringLiteral("uptime");

} // namespace

HealthThresholds HealthThresholds::fromStored(const QMap<QString, double>& stored)
{
    HealthThresholds t;
    t.p95Ms = stored.value(p95Key, t.p95Ms);
    t.successPercent = stored.value(successKey, t.successPercent);
    t.errorPercent = stored.value(errorKey, t.errorPercent);
    t.uptimePercent = stored.value(uptimeKey, t.uptimePercent);
    return t;
}

QMap<QString, double> HealthThresholds::toStored() const
{
    return {{p95Key, p95Ms}, {successKey, successPercent}, {errorKey, errorPercent}, {uptimeKey, uptimePercent}};
}

HealthPanel::HealthPanel(Pool& pool, qint64 projectId, const ConnectionOptions& directOptions, bool listen, QWidget* parent)
    : QWidget(parent), m_reader(pool, projectId), m_series(pool, projectId), m_pool(pool), m_project(projectId)
{
    m_layout = new QVBoxLayout(this);
    m_layout->addWidget(buildControls());
    m_layout->addLayout(buildTiles());
    m_views = buildViews(pool, projectId);
    m_layout->addWidget(m_views, 1);
    auto* monitors = new MonitorListView(pool, projectId, this);  // per-monitor state and uptime
    m_views->addTab(monitors, tr("Monitors"));
    connect(this, &HealthPanel::loaded, monitors, &MonitorListView::reload);
    m_views->addTab(new AlertHistoryView(pool, projectId, listen ? directOptions : ConnectionOptions{}, this), tr("Alerts"));

    m_debounce = new QTimer(this);
    m_debounce->setSingleShot(true);
    m_debounce->setInterval(300);
    connect(m_debounce, &QTimer::timeout, this, &HealthPanel::onNotification);
    if (listen && !directOptions.database().isEmpty())
        startLiveUpdates(directOptions);
    loadThresholds();
    loadMonitors();
    refresh();
}

HealthPanel::~HealthPanel() = default;

QWidget* HealthPanel::buildControls()
{
    auto* controls = new QWidget(this);
    auto* row = new QHBoxLayout(controls);
    row->setContentsMargins(0, 0, 0, 0);
    m_range = new QComboBox(controls);
    // QT_TR_NOOP: lupdate finds the names here; tr() below translates them.
    const std::pair<const char*, int> ranges[] = {{QT_TR_NOOP("15 min"), 900}, {QT_TR_NOOP("1 hour"), 3600},
                                                  {QT_TR_NOOP("6 hours"), 6 * 3600}, {QT_TR_NOOP("24 hours"), 24 * 3600},
                                                  {QT_TR_NOOP("7 days"), 7 * 24 * 3600}, {QT_TR_NOOP("30 days"), 30 * 24 * 3600}};
    for (const auto& [name, seconds] : ranges)
        m_range->addItem(tr(name), seconds);
    m_range->setCurrentIndex(1);
    m_monitor = new QComboBox(controls);
    m_monitor->addItem(tr("All monitors"), QVariant());
    m_pause = new QCheckBox(tr("Pause live updates"), controls);
    m_message = new QLabel(controls);
    m_message->setTextFormat(Qt::PlainText);  // error text comes from outside
    m_range->setAccessibleName(tr("Range"));
    m_monitor->setAccessibleName(tr("Monitor"));
    row->addWidget(new QLabel(tr("Range:"), controls));
    row->addWidget(m_range);
    row->addWidget(new QLabel(tr("Monitor:"), controls));
    row->addWidget(m_monitor);
    row->addWidget(m_pause);
    row->addWidget(m_message, 1);
    connect(m_range, &QComboBox::currentIndexChanged, this, &HealthPanel::refresh);
    connect(m_monitor, &QComboBox::currentIndexChanged, this, &HealthPanel::refresh);
    connect(m_pause, &QCheckBox::toggled, this, [this](bool paused) {
        if (!paused)
            refresh();  // catch up on what arrived while paused
    });
    return controls;
}

QLayout* HealthPanel::buildTiles()
{
    auto* tiles = new QGridLayout;
    const std::pair<const char*, const char*> tileNames[] = {
        {"status", QT_TR_NOOP("Overall")},       {"p95", QT_TR_NOOP("p95 latency")},  {"success", QT_TR_NOOP("Success rate")},
        {"error", QT_TR_NOOP("Error rate")},     {"throughput", QT_TR_NOOP("Throughput")}, {"circuit", QT_TR_NOOP("Circuit")},
        {"uptime", QT_TR_NOOP("Uptime 24 h / 7 d / 30 d")}};
    int index = 0;
    for (const auto& [key, title] : tileNames) {
        tiles->addWidget(makeTile(QString::fromLatin1(key), tr(title)), index / 4, index % 4);
        ++index;
    }
    return tiles;
}

void HealthPanel::addChart(const QString& key, const QString& tab, MetricChart* chart)
{
    m_charts.insert(key, chart);
    m_views->addTab(chart, tab);
    m_views->widget(m_views->count() - 1)->setProperty("viewKey", key);
}

QTabWidget* HealthPanel::buildViews(Pool& pool, qint64 projectId)
{
    m_views = new QTabWidget(this);
    const QColor blue(QStringLiteral("#1f5fa8")), green(QStringLiteral("#1b7f3a")), purple(QStringLiteral("#6a3d9a")),
        orange(QStringLiteral("#d9822b")), red(QStringLiteral("#b3261e"));
    addChart(QStringLiteral("latency"), tr("Latency"),
             new MetricChart(tr("Latency (ms)"), QStringLiteral("ms"),
                             {{QStringLiteral("latency_p50"), tr("p50"), green}, {QStringLiteral("latency_p95"), tr("p95"), blue},
                              {QStringLiteral("latency_p99"), tr("p99"), purple}}, false, m_views));
    addChart(QStringLiteral("throughput"), tr("Throughput"),
             new MetricChart(tr("Throughput (req/s)"), QStringLiteral("req/s"), {{QStringLiteral("throughput"), tr("throughput"), blue}}, false, m_views));
    auto* rates = new MetricChart(tr("Success and error rate (%)"), QStringLiteral("%"),
                                  {{QStringLiteral("success_rate"), tr("success"), green}, {QStringLiteral("error_rate"), tr("errors"), red}}, false, m_views);
    rates->setValueCeiling(100);
    addChart(QStringLiteral("rates"), tr("Success / errors"), rates);
    addChart(QStringLiteral("pool"), tr("Pool"),
             new MetricChart(tr("Pool usage (connections)"), QString(),
                             {{QStringLiteral("pool.in_use"), tr("in use"), blue}, {QStringLiteral("pool.idle"), tr("idle"), green},
                              {QStringLiteral("pool.waiting"), tr("waiting"), orange}}, false, m_views));
    addChart(QStringLiteral("tps"), tr("Database TPS"),
             new MetricChart(tr("Database transactions per second"), QStringLiteral("tps"), {{QStringLiteral("tps"), tr("TPS"), blue}}, false, m_views));
    addChart(QStringLiteral("sessions"), tr("Sessions"),
             new MetricChart(tr("Database sessions"), QString(),
                             {{QStringLiteral("sessions.active"), tr("active"), blue}, {QStringLiteral("sessions.idle"), tr("idle"), green},
                              {QStringLiteral("sessions.blocked"), tr("blocked"), red}}, false, m_views));
    addChart(QStringLiteral("cache"), tr("Cache hit"),
             new MetricChart(tr("Database cache hit ratio"), QString(), {{QStringLiteral("cache_hit_ratio"), tr("cache hit"), green}}, false, m_views));
    auto* circuit = new MetricChart(tr("Circuit state (0 closed, 1 half open, 2 open)"), QString(),
                                    {{QStringLiteral("circuit"), tr("circuit"), orange}}, true, m_views);
    circuit->setValueCeiling(2);
    addChart(QStringLiteral("circuit"), tr("Circuit"), circuit);
    m_loadTest = new LoadTestPanel(pool, projectId, m_views);
    m_views->addTab(m_loadTest, tr("Load test"));
    m_loadTest->setProperty("viewKey", QStringLiteral("loadtest"));
    QWidget* editor = buildThresholdEditor();
    m_views->addTab(editor, tr("Thresholds"));
    editor->setProperty("viewKey", QStringLiteral("thresholds"));
    // Only the visible chart is read: switching views loads the one that appears.
    connect(m_views, &QTabWidget::currentChanged, this, [this] {
        if (visibleChart())
            refresh();
    });
    return m_views;
}

QWidget* HealthPanel::buildThresholdEditor()
{
    auto* editor = new QWidget(this);
    auto* form = new QFormLayout(editor);
    auto add = [&](const QString& key, const QString& label, double max, const QString& suffix, int decimals) {
        auto* box = new QDoubleSpinBox(editor);
        box->setRange(0, max);
        box->setDecimals(decimals);
        box->setSuffix(suffix);
        box->setObjectName(QStringLiteral("threshold_") + key);
        form->addRow(label, box);
        m_thresholdEdits.insert(key, box);
    };
    add(p95Key, tr("p95 latency below:"), 600000, QStringLiteral(" ms"), 1);
    add(successKey, tr("Success rate above:"), 100, QStringLiteral(" %"), 3);
    add(errorKey, tr("Error rate below:"), 100, QStringLiteral(" %"), 3);
    add(uptimeKey, tr("Uptime at least:"), 100, QStringLiteral(" %"), 3);
    auto* save = new QPushButton(tr("Save thresholds for this project"), editor);
    save->setObjectName(QStringLiteral("saveThresholds"));
    form->addRow(save);
    connect(save, &QPushButton::clicked, this, [this] {
        HealthThresholds t;
        t.p95Ms = m_thresholdEdits.value(p95Key)->value();
        t.successPercent = m_thresholdEdits.value(successKey)->value();
        t.errorPercent = m_thresholdEdits.value(errorKey)->value();
        t.uptimePercent = m_thresholdEdits.value(uptimeKey)->value();
        saveThresholds(t);
    });
    return editor;
}

void HealthPanel::startLiveUpdates(const ConnectionOptions& directOptions)
{
    m_listener = std::make_unique<Listener>(directOptions, QStringList{QStringLiteral("ops_health")});
    connect(m_listener.get(), &Listener::notification, this, [this] {
        if (!m_pause->isChecked() && !m_debounce->isActive())
            m_debounce->start();
    });
    connect(m_listener.get(), &Listener::connected, this, &HealthPanel::refresh);  // re-read what we missed
    m_listener->start();
}

void HealthPanel::stopLiveUpdates()
{
    if (m_listener)
        m_listener->stop();
    m_debounce->stop();
}

void HealthPanel::onNotification()
{
    if (m_pause->isChecked())
        return;
    MetricChart* chart = visibleChart();
    // Appending suits raw ranges; rollup ranges and charts that have grown by a screen's worth of
    // points are reloaded (decimated again), rollup ranges at most once a minute.
    const bool rollups = selectedRange() > HealthReader::rawLimit;
    if (!chart || chart->lastMs() <= 0 || chart->pointsAppendedSinceLoad() > chartColumns()) {
        refresh();
    } else if (rollups) {
        if (m_sinceFullLoad.isValid() && m_sinceFullLoad.elapsed() > 60000)
            refresh();
    } else {
        appendLatest();
        if (!m_loading && m_sinceFullLoad.elapsed() > 2000) {  // tiles: at most every two seconds
            const std::chrono::seconds range = selectedRange();
            m_reader.load(range, 0).then(this, [this, range](Result<HealthSnapshot> snapshot) {
                if (!snapshot)
                    return;
                displayTiles(snapshot.value());
                m_tilesWindow = HealthReader::tileWindow(range);
                m_tilesAge.start();
            });
        }
    }
}

void HealthPanel::appendLatest()
{
    MetricChart* chart = visibleChart();
    if (!chart || m_appending || m_loading)
        return;
    m_appending = true;
    m_series.loadSince(chart->metrics(), selectedMonitor(), chart->lastMs(), selectedRange())
        .then(this, [this, chart](Result<HealthSeriesSet> set) {
            m_appending = false;
            if (!set) {
                m_message->setText(tr("Could not read health data: %1").arg(set.error().toString()));
                return;
            }
            chart->appendSeries(set.value());
            emit liveUpdated();
        });
}

void HealthPanel::loadThresholds()
{
    const qint64 project = m_project;
    using Stored = std::pair<QMap<QString, double>, QString>;  // the thresholds, and who may change them
    m_pool.withClientAsync(QStringLiteral("health.thresholds"), [project](Connection& c) -> Result<Stored> {
        auto thresholds = loadHealthThresholds(c, project);
        if (!thresholds)
            return thresholds.error();
        auto identity = loginIdentity(c);
        if (!identity)
            return identity.error();
        return Stored{thresholds.value(), identity->level};
    }, CallOptions::idempotentUnit()).then(this, [this](Result<Stored> stored) {
        if (!stored) {
            m_message->setText(tr("Could not read thresholds: %1").arg(stored.error().toString()));
            return;
        }
        m_thresholds = HealthThresholds::fromStored(stored->first);
        applyThresholds();
        for (QWidget* control : findChildren<QWidget*>(QStringLiteral("saveThresholds")))
            RoleGate::apply(control, stored->second, RoleLevel::Operator);
        for (QDoubleSpinBox* box : std::as_const(m_thresholdEdits))
            RoleGate::apply(box, stored->second, RoleLevel::Operator);
        m_loadTest->setRoleLevel(stored->second);
        emit thresholdsLoaded();
    });
}

void HealthPanel::saveThresholds(const HealthThresholds& thresholds)
{
    const qint64 project = m_project;
    const QMap<QString, double> values = thresholds.toStored();
    m_pool.withClientAsync(QStringLiteral("health.thresholds.save"), [project, values](Connection& c) -> Result<void> {
        for (auto it = values.cbegin(); it != values.cend(); ++it)
            if (auto saved = saveHealthThreshold(c, project, it.key(), it.value()); !saved)
                return saved;
        return {};
    }).then(this, [this](Result<void> saved) {
        if (!saved) {
            m_message->setText(tr("Thresholds not saved: %1").arg(saved.error().toString()));
            return;
        }
        m_message->clear();
        connect(this, &HealthPanel::thresholdsLoaded, this, &HealthPanel::thresholdsSaved, Qt::SingleShotConnection);
        loadThresholds();  // what is stored is what is shown
    });
}

void HealthPanel::applyThresholds()
{
    m_thresholdEdits.value(p95Key)->setValue(m_thresholds.p95Ms);
    m_thresholdEdits.value(successKey)->setValue(m_thresholds.successPercent);
    m_thresholdEdits.value(errorKey)->setValue(m_thresholds.errorPercent);
    m_thresholdEdits.value(uptimeKey)->setValue(m_thresholds.uptimePercent);
    m_charts.value(QStringLiteral("latency"))->setThresholds({{tr("p95 threshold"), m_thresholds.p95Ms}});
    m_charts.value(QStringLiteral("rates"))->setThresholds({{tr("success threshold"), m_thresholds.successPercent},
                                                            {tr("error threshold"), m_thresholds.errorPercent}});
    if (m_snapshot)
        displayTiles(*m_snapshot);
}

void HealthPanel::loadMonitors()
{
    const qint64 project = m_project;
    m_pool.withClientAsync(QStringLiteral("health.monitors"), [project](Connection& c) {
        return listMonitors(c, project);
    }, CallOptions::idempotentUnit()).then(this, [this](Result<std::vector<std::pair<qint64, QString>>> monitors) {
        if (!monitors)
            return;  // the selection keeps "All monitors"; the status line reports database trouble
        const QSignalBlocker blocker(m_monitor);  // filling the list is not a selection
        for (const auto& [id, name] : monitors.value())
            m_monitor->addItem(name, id);
        emit monitorsLoaded();
    });
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

void HealthPanel::showView(const QString& key)
{
    for (int i = 0; i < m_views->count(); ++i)
        if (m_views->widget(i)->property("viewKey").toString() == key)
            m_views->setCurrentIndex(i);
}

void HealthPanel::selectMonitor(std::optional<qint64> monitorId)
{
    const int index = monitorId ? m_monitor->findData(*monitorId) : 0;
    if (index < 0)
        return;
    if (index == m_monitor->currentIndex())
        refresh();
    else
        m_monitor->setCurrentIndex(index);  // refreshes
}

std::chrono::seconds HealthPanel::selectedRange() const
{
    return std::chrono::seconds(m_range->currentData().toInt());
}

std::optional<qint64> HealthPanel::selectedMonitor() const
{
    const QVariant id = m_monitor->currentData();
    return id.isValid() ? std::optional<qint64>(id.toLongLong()) : std::nullopt;
}

MetricChart* HealthPanel::visibleChart() const
{
    return qobject_cast<MetricChart*>(m_views->currentWidget());
}

int HealthPanel::chartColumns() const
{
    // Before the tab is first shown its size is not known yet: assume a typical chart width.
    MetricChart* chart = visibleChart();
    return chart && chart->isVisible() ? std::max(100, chart->width()) : 1200;
}

void HealthPanel::refresh()
{
    if (m_loading) {  // one refresh at a time; another one follows it with the newest choices
        m_refreshAgain = true;
        return;
    }
    m_loading = true;
    const std::chrono::seconds range = selectedRange();
    // The tiles cover at most the last hour whatever the range: switching between longer ranges
    // (or views) does not read them again while they are fresh. Live updates keep them current.
    const bool tilesFresh = m_snapshot && m_tilesWindow == HealthReader::tileWindow(range)
                            && m_tilesAge.isValid() && m_tilesAge.elapsed() < 5000;
    MetricChart* chart = visibleChart();
    // Counted before anything starts: a continuation may run at once when its read is done.
    m_partsPending = (tilesFresh ? 0 : 1) + (chart ? 1 : 0);
    if (m_partsPending == 0) {  // nothing to read: fresh tiles and no chart visible
        m_partsPending = 1;
        partLoaded();
        return;
    }
    if (!tilesFresh) {
        m_reader.load(range, 0).then(this, [this, range](Result<HealthSnapshot> snapshot) {
            if (snapshot) {
                displayTiles(snapshot.value());
                m_tilesWindow = HealthReader::tileWindow(range);
                m_tilesAge.start();
            } else {
                m_message->setText(tr("Could not read health data: %1").arg(snapshot.error().toString()));
            }
            partLoaded();
        });
    }
    if (chart) {  // read at the same time as the tiles, on another pool connection
        m_series.load(chart->metrics(), selectedMonitor(), range, chartColumns())
            .then(this, [this, chart](Result<HealthSeriesSet> set) {
                if (set) {
                    chart->showSeries(set.value());
                    emit chartLoaded();
                } else {
                    m_message->setText(tr("Could not read health data: %1").arg(set.error().toString()));
                }
                partLoaded();
            });
    }
}

void HealthPanel::partLoaded()
{
    if (--m_partsPending > 0)
        return;
    m_loading = false;
    if (m_refreshAgain) {  // the range, monitor or view changed meanwhile: what is shown is stale
        m_refreshAgain = false;
        refresh();
        return;
    }
    m_loaded = true;
    m_sinceFullLoad.start();
    emit loaded();
}

void HealthPanel::displayTiles(const HealthSnapshot& s)
{
    m_snapshot = s;
    m_message->clear();
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
    const QString status = s.status.text.isEmpty() ? tr("no data") : s.status.text;
    setTile(QStringLiteral("status"), status, QString(),
            s.status.value ? std::optional<bool>(*s.status.value == 0) : std::nullopt);
    setTile(QStringLiteral("p95"), s.p95.value ? QString::number(*s.p95.value, 'f', 1) + QStringLiteral(" ms") : tr("no data"),
            tr("threshold < %1 ms").arg(m_thresholds.p95Ms), within(s.p95, [&](double v) { return v < m_thresholds.p95Ms; }));
    setTile(QStringLiteral("success"), percent(s.successRate), tr("threshold > %1%").arg(m_thresholds.successPercent),
            within(s.successRate, [&](double v) { return v > m_thresholds.successPercent; }));
    setTile(QStringLiteral("error"), percent(s.errorRate), tr("threshold < %1%").arg(m_thresholds.errorPercent),
            within(s.errorRate, [&](double v) { return v < m_thresholds.errorPercent; }));
    setTile(QStringLiteral("throughput"), s.throughput.value ? QString::number(*s.throughput.value, 'f', 1) + QStringLiteral(" req/s") : tr("no data"),
            QString(), s.throughput.value ? std::optional<bool>(true) : std::nullopt);
    setTile(QStringLiteral("circuit"), s.circuit.text.isEmpty() ? tr("no data") : s.circuit.text, QString(),
            s.circuit.text.isEmpty() ? std::nullopt : std::optional<bool>(s.circuit.text == QLatin1String("CLOSED")));
    setTile(QStringLiteral("uptime"), percent(s.uptime24h) + QStringLiteral(" / ") + percent(s.uptime7d) + QStringLiteral(" / ") + percent(s.uptime30d),
            tr("threshold %1%").arg(m_thresholds.uptimePercent),
            within(s.uptime24h, [&](double v) { return v >= m_thresholds.uptimePercent; }));
    emit statusShown(s.status.text, s.circuit.text);
}

QString HealthPanel::tileText(const QString& tile) const
{
    const QLabel* label = m_tiles.value(tile);
    return label ? label->text() : QString();
}

MetricChart* HealthPanel::chart(const QString& key) const
{
    return m_charts.value(key);
}

int HealthPanel::chartPointCount() const
{
    return m_charts.value(QStringLiteral("latency"))->pointCount(QStringLiteral("latency_p95"));
}

int HealthPanel::chartSegmentCount() const
{
    return m_charts.value(QStringLiteral("latency"))->segmentCount(QStringLiteral("latency_p95"));
}

QWidget* HealthPanel::chartWidget() const
{
    return m_charts.value(QStringLiteral("latency"));
}

} // namespace ops::widgets
