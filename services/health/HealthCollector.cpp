// SPDX-License-Identifier: MIT
#include "health/HealthCollector.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QUuid>

#include "common/SecretStore.h"
#include "health/HealthCheckFactory.h"
#include "health/MonitorAlerts.h"
#include "health/MonitorConfig.h"

Q_LOGGING_CATEGORY(lcCollector, "ops.health.collector")

namespace ops::services {

struct HealthCollector::Runner {
    MonitorDefinition definition;
    std::unique_ptr<HealthCheck> check;  // null when the definition is unusable: see configError
    QString configError;
    MonitorStateMachine machine;
    std::unique_ptr<MonitorAlerts> alerts;
    QTimer timer;
    QDateTime startedAt;
};

namespace {

MaintenanceWindow windowFromRow(const QueryResult& r, int row)
{
    MaintenanceWindow w;
    w.id = r.toInt64(row, 0);
    if (!r.isNull(row, 1))
        w.monitorId = r.toInt64(row, 1);
    w.kind = r.text(row, 2) == QLatin1String("weekly") ? MaintenanceWindow::Kind::Weekly : MaintenanceWindow::Kind::Once;
    w.startsAt = r.isNull(row, 3) ? QDateTime() : r.toDateTime(row, 3);
    w.endsAt = r.isNull(row, 4) ? QDateTime() : r.toDateTime(row, 4);
    w.weekday = int(r.toInt64(row, 5));
    w.startTime = QTime::fromString(r.text(row, 6), Qt::ISODate);
    w.durationMinutes = int(r.toInt64(row, 7));
    w.zone = QTimeZone(r.text(row, 8).toUtf8());
    return w;
}

} // namespace

HealthCollector::HealthCollector(Pool& pool, CollectorConfig config, QObject* parent)
    : QObject(parent), m_pool(pool), m_config(std::move(config))
{
    if (m_config.holder.isEmpty())
        m_config.holder = defaultHolder();
    m_leaseTimer.setTimerType(Qt::PreciseTimer);
    connect(&m_leaseTimer, &QTimer::timeout, this, &HealthCollector::leaseTick);
    connect(&m_housekeepingTimer, &QTimer::timeout, this, &HealthCollector::housekeeping);
    connect(&m_reloadTimer, &QTimer::timeout, this, &HealthCollector::loadMonitors);
}

HealthCollector::~HealthCollector()
{
    // Deleted while the console runs (a project switch deletes the panel that owns it): the lease
    // is released on a pool worker, so the GUI thread does not wait for the database. At exit,
    // stop() has already released it synchronously and there is nothing left to do here.
    const bool wasLeader = m_leader;
    halt();
    if (wasLeader) {
        const qint64 project = m_config.projectId;
        const QString holder = m_config.holder;
        (void)m_pool.withClientAsync(QStringLiteral("health.lease.release"), [project, holder](Connection& c) -> Result<QueryResult> {
            return c.exec(QStringLiteral("SELECT ops.release_collector_lease($1, $2)"), {project, holder});
        });
    }
}

QString HealthCollector::defaultHolder()
{
    return QStringLiteral("%1:%2:%3").arg(QHostInfo::localHostName()).arg(QCoreApplication::applicationPid())
        .arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
}

void HealthCollector::start()
{
    if (m_running)
        return;
    m_running = true;
    m_leaseTimer.start(m_config.leaseInterval / 2);
    leaseTick();
}

void HealthCollector::halt()
{
    m_running = false;
    m_leaseTimer.stop();
    m_housekeepingTimer.stop();
    m_reloadTimer.stop();
    m_runners.clear();
    m_monitorsKey.clear();
    if (m_leader) {
        m_leader = false;
        emit leadershipChanged(false);
    }
}

void HealthCollector::stop()
{
    const bool wasLeader = m_leader;
    halt();
    if (wasLeader) {
        // Synchronous on purpose: at exit there is no event loop left to finish an async call.
        const qint64 project = m_config.projectId;
        const QString holder = m_config.holder;
        auto released = m_pool.withClient(QStringLiteral("health.lease.release"), [&](Connection& c) -> Result<QueryResult> {
            return c.exec(QStringLiteral("SELECT ops.release_collector_lease($1, $2)"), {project, holder});
        });
        if (!released)
            qCWarning(lcCollector) << "could not release the collector lease:" << released.error().toString();
    }
}

void HealthCollector::leaseTick()
{
    if (!m_running || m_leaseCallPending)
        return;
    m_leaseCallPending = true;
    const qint64 project = m_config.projectId;
    const QString holder = m_config.holder;
    const int ttlMs = int(m_config.leaseInterval.count() * 3 / 2);
    m_pool.withClientAsync(QStringLiteral("health.lease"), [project, holder, ttlMs](Connection& c) -> Result<bool> {
        auto r = c.exec(QStringLiteral("SELECT ops.acquire_collector_lease($1, $2, $3)"), {project, holder, ttlMs});
        if (!r)
            return r.error();
        return r->toBool(0, 0);
    }).then(this, [this](Result<bool> held) {
        m_leaseCallPending = false;
        if (!m_running)
            return;
        if (!held) {
            // Unknown outcome: the database fences our writes if the lease is really gone.
            emit problem(QStringLiteral("collector lease: ") + held.error().toString());
            return;
        }
        if (held.value() && !m_leader)
            becomeLeader();
        else if (!held.value() && m_leader)
            stepDown(QStringLiteral("the lease went to another console"));
    });
}

void HealthCollector::becomeLeader()
{
    m_leader = true;
    qCInfo(lcCollector) << m_config.holder << "is the health collector of project" << m_config.projectId;
    emit leadershipChanged(true);
    loadMonitors();
    housekeeping();
    m_housekeepingTimer.start(m_config.retentionInterval);
    m_reloadTimer.start(m_config.monitorReloadInterval);
}

void HealthCollector::stepDown(const QString& why)
{
    if (!m_leader)
        return;
    qCInfo(lcCollector) << m_config.holder << "stops collecting:" << why;
    m_leader = false;
    m_runners.clear();
    m_monitorsKey.clear();
    m_housekeepingTimer.stop();
    m_reloadTimer.stop();
    emit leadershipChanged(false);
}

void HealthCollector::reloadChecks()
{
    m_monitorsKey.clear();
    if (m_leader)
        loadMonitors();
}

void HealthCollector::loadMonitors()
{
    struct Loaded {
        std::vector<MonitorDefinition> monitors;
        std::vector<MaintenanceWindow> windows;
    };
    const qint64 project = m_config.projectId;
    m_pool.withClientAsync(QStringLiteral("health.monitors"), [project](Connection& c) -> Result<Loaded> {
        auto r = c.exec(QStringLiteral("SELECT id, name, url, interval_ms, timeout_ms, retries, status_min, status_max, "
                                       "coalesce(keyword, ''), kind, config::text FROM ops.monitors "
                                       "WHERE project_id = $1 AND enabled ORDER BY id"), {project});
        if (!r)
            return r.error();
        Loaded loaded;
        for (int row = 0; row < r->rowCount(); ++row) {
            MonitorDefinition m;
            m.id = r->toInt64(row, 0);
            m.name = r->text(row, 1);
            m.probe.url = QUrl(r->text(row, 2));
            m.interval = std::chrono::milliseconds(r->toInt64(row, 3));
            m.probe.timeout = std::chrono::milliseconds(r->toInt64(row, 4));
            m.retries = int(r->toInt64(row, 5));
            m.probe.statusMin = int(r->toInt64(row, 6));
            m.probe.statusMax = int(r->toInt64(row, 7));
            m.probe.keyword = r->text(row, 8);
            m.kind = r->text(row, 9);
            m.config = QJsonDocument::fromJson(r->bytes(row, 10)).object();
            loaded.monitors.push_back(std::move(m));
        }
        auto w = c.exec(QStringLiteral("SELECT id, monitor_id, kind, starts_at, ends_at, weekday, start_time, "
                                       "duration_minutes, time_zone FROM ops.maintenance_windows WHERE project_id = $1"),
                        {project});
        if (!w)
            return w.error();
        for (int row = 0; row < w->rowCount(); ++row)
            loaded.windows.push_back(windowFromRow(w.value(), row));
        return loaded;
    }, CallOptions::idempotentUnit()).then(this, [this](Result<Loaded> loaded) {
        if (!m_leader)
            return;
        if (!loaded) {
            emit problem(QStringLiteral("loading monitors: ") + loaded.error().toString());
            return;
        }
        m_maintenance.setWindows(std::move(loaded->windows));
        QStringList key;
        for (const MonitorDefinition& m : loaded->monitors)
            key << QStringLiteral("%1|%2|%3|%4|%5|%6|%7|%8|%9|%10").arg(m.id).arg(m.probe.url.toString()).arg(m.interval.count())
                       .arg(m.probe.timeout.count()).arg(m.retries).arg(m.probe.statusMin).arg(m.probe.statusMax).arg(m.probe.keyword)
                       .arg(m.kind, QString::fromUtf8(QJsonDocument(m.config).toJson(QJsonDocument::Compact)));
        const QString joined = key.join(QLatin1Char('\n'));
        if (joined == m_monitorsKey && !m_runners.empty())
            return;  // nothing changed: keep the checks and their states
        m_monitorsKey = joined;
        startRunners(loaded->monitors);
    });
}

void HealthCollector::startRunners(const std::vector<MonitorDefinition>& monitors)
{
    m_runners.clear();
    for (const MonitorDefinition& definition : monitors) {
        auto runner = std::make_unique<Runner>();
        Runner* raw = runner.get();
        raw->definition = definition;
        raw->machine.setRetries(definition.retries);
        auto config = MonitorConfig::parse(definition.kind, definition.config);
        if (config)
            loadSecretFromKeyring(config.value());
        raw->alerts = std::make_unique<MonitorAlerts>(definition.name, config ? config->thresholds : std::vector<ThresholdRule>{});
        auto check = makeHealthCheck(definition, &m_network, m_pool, m_config.secrets);
        if (check) {
            raw->check = std::move(check.value());
            connect(raw->check.get(), &HealthCheck::finished, this, [this, raw](const ProbeResult& result) {
                onProbeFinished(raw, raw->startedAt, result);
            });
        } else {
            raw->configError = check.error().message;
        }
        raw->timer.setTimerType(Qt::PreciseTimer);
        connect(&raw->timer, &QTimer::timeout, this, [this, raw] { fire(raw); });
        raw->timer.start(definition.interval);
        m_runners.push_back(std::move(runner));
        fire(raw);
    }
}

void HealthCollector::loadSecretFromKeyring(const MonitorConfig& config)
{
    // The check is built now and fails for want of its secret; a keyring that has it makes the
    // checks reload with it. Asked once per run: a missing entry waits for the Health menu.
    if (!m_config.secrets || config.secretName.isEmpty() || m_config.secrets->cached(config.secretStoreName()))
        return;
    const QString name = SecretStore::normalisedName(config.secretStoreName());
    if (m_secretsRequested.contains(name))
        return;
    m_secretsRequested.insert(name);
    m_config.secrets->load(name, this, [this](std::optional<QByteArray> value) {
        if (value)
            reloadChecks();
    });
}

void HealthCollector::fire(Runner* runner)
{
    // One check per monitor in flight: a check still running skips this tick.
    if (runner->check && runner->check->inFlight())
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const bool inWindow = m_maintenance.activeFor(runner->definition.id, now);
    if (runner->machine.setMaintenance(inWindow).changed())
        runner->alerts->reset();
    if (inWindow) {
        // Muted and out of uptime: no check, no alert, a maintenance sample keeps the timeline.
        ProbeResult none;
        none.hasLatency = false;
        writeSample(runner, now, MonitorState::Maintenance, none, {});
        return;
    }
    runner->startedAt = now;
    if (runner->check) {
        runner->check->start();
        return;
    }
    ProbeResult misconfigured;
    misconfigured.failureKind = QStringLiteral("config");
    misconfigured.error = runner->configError;
    misconfigured.hasLatency = false;
    onProbeFinished(runner, now, misconfigured);
}

void HealthCollector::onProbeFinished(Runner* runner, const QDateTime& sampledAt, const ProbeResult& result)
{
    if (!m_leader)
        return;
    const MonitorTransition transition = runner->machine.record(result.success);
    if (transition.changed())
        emit monitorTransition(runner->definition.id, runner->definition.name, transition);
    // A check that was already running when a window began is recorded as maintenance, muted.
    std::vector<AlertCandidate> alerts;
    if (transition.to != MonitorState::Maintenance)
        alerts = runner->alerts->evaluate(sampledAt, transition, result);
    writeSample(runner, sampledAt, transition.to, result, std::move(alerts));
}

void HealthCollector::writeSample(Runner* runner, const QDateTime& sampledAt, MonitorState state, const ProbeResult& result,
                                  std::vector<AlertCandidate> alerts)
{
    QJsonObject metrics;
    for (auto it = result.metrics.begin(); it != result.metrics.end(); ++it)
        metrics.insert(it.key(), it.value());
    QString error = result.error;
    if (error.isEmpty())
        error = result.note;
    const qint64 monitor = runner->definition.id;
    const QString holder = m_config.holder;
    const QString stateName = monitorStateName(state);
    const bool answered = result.httpStatus > 0 || result.success;
    const SqlParams params = {monitor, holder, sampledAt, stateName,
                              result.hasLatency && answered ? SqlValue(result.latencyMs) : SqlValue(),
                              result.httpStatus > 0 ? SqlValue(result.httpStatus) : SqlValue(),
                              result.platformStatus.isEmpty() ? SqlValue() : SqlValue(result.platformStatus),
                              result.circuitState.isEmpty() ? SqlValue() : SqlValue(result.circuitState),
                              QJsonDocument(metrics).toJson(QJsonDocument::Compact),
                              error.isEmpty() ? SqlValue() : SqlValue(error.left(2000)),
                              result.details.isEmpty() ? SqlValue() : SqlValue(QJsonDocument(result.details).toJson(QJsonDocument::Compact))};
    m_pool.withClientAsync(QStringLiteral("health.sample"), [params](Connection& c) -> Result<bool> {
        auto r = c.exec(QStringLiteral("SELECT ops.record_health_sample($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11::jsonb)"), params);
        if (!r)
            return r.error();
        return r->toBool(0, 0);
    }).then(this, [this, monitor, stateName, alerts = std::move(alerts)](Result<bool> written) {
        if (!written) {
            emit problem(QStringLiteral("writing a health sample: ") + written.error().toString());
            return;
        }
        if (!written.value()) {
            stepDown(QStringLiteral("the database refused the sample: the lease is held by another console"));
            return;
        }
        emit sampleWritten(monitor, stateName);
        raiseAlerts(monitor, alerts);
    });
}

void HealthCollector::raiseAlerts(qint64 monitor, const std::vector<AlertCandidate>& alerts)
{
    for (const AlertCandidate& alert : alerts) {
        const SqlParams params = {monitor, m_config.holder, alert.kind, alert.subject, alert.message,
                                  QJsonDocument(alert.details).toJson(QJsonDocument::Compact)};
        m_pool.withClientAsync(QStringLiteral("health.alert"), [params](Connection& c) -> Result<qint64> {
            auto r = c.exec(QStringLiteral("SELECT ops.raise_health_alert($1, $2, $3, $4, $5, $6::jsonb)"), params);
            if (!r)
                return r.error();
            return r->isNull(0, 0) ? qint64(0) : r->toInt64(0, 0);
        }).then(this, [this, monitor, alert](Result<qint64> id) {
            if (!id)
                emit problem(QStringLiteral("raising an alert: ") + id.error().toString());
            else if (id.value() > 0)  // 0: a repeat (or no longer the leader), dropped by the database
                emit alertRaised(id.value(), monitor, alert.kind, alert.message);
        });
    }
}

void HealthCollector::housekeeping()
{
    m_pool.withClientAsync(QStringLiteral("health.housekeeping"), [](Connection& c) -> Result<int> {
        auto partition = c.exec(QStringLiteral("SELECT ops.ensure_health_partition(now() + interval '1 day')"));
        if (!partition)
            return partition.error();
        auto dropped = c.exec(QStringLiteral("SELECT ops.apply_health_retention(now())"));
        if (!dropped)
            return dropped.error();
        return int(dropped->toInt64(0, 0));
    }).then(this, [this](Result<int> dropped) {
        if (!dropped)
            emit problem(QStringLiteral("health retention: ") + dropped.error().toString());
        else if (dropped.value() > 0)
            qCInfo(lcCollector) << "retention dropped" << dropped.value() << "day partitions of health samples";
    });
}

} // namespace ops::services
