// SPDX-License-Identifier: MIT
#pragma once

// HealthCollector: the single writer of a project's health samples. Every console runs one; only
// the one holding the project's lease row (ops.collector_lease) probes and writes.
//
// - Every leaseInterval/2 each collector calls ops.acquire_collector_lease with a ttl of
//   1.5 x leaseInterval: the holder renews, the others get it only once it has expired. So a
//   leader that dies is replaced within two lease intervals (ttl + one poll), and a leader that
//   exits cleanly (stop()) releases the row so another takes over at its next poll.
// - It works through a transaction pooler: one statement per call, no session state, no advisory
//   locks.
// - Writes are fenced in the database: ops.record_health_sample refuses a collector that no
//   longer holds an unexpired lease; a refused write makes this collector step down at once.
// - While leader it loads the project's enabled monitors of every kind (http, prometheus,
//   postgres, pool; see makeHealthCheck) and its maintenance windows, checks each monitor on its
//   own interval (one check per monitor in flight), runs its MonitorStateMachine and writes every
//   result. Inside a maintenance window no check runs: a 'maintenance' sample is written instead.
// - Alerts (MonitorAlerts) are written after their sample through ops.raise_health_alert, fenced
//   by the lease like samples; the database drops repeats, so a take-over never doubles an alert.
//   alertRaised() is emitted for each one stored.
//   It also keeps tomorrow's partition ready, applies retention once an hour and re-reads the
//   monitors every 30 s (probes restart only when a definition changed).
// Lives on the GUI (or test) thread; every database call is asynchronous on the pool's workers.

#include "db/Pool.h"
#include "health/HttpProbe.h"
#include "health/HealthCheck.h"
#include "health/MaintenanceSchedule.h"
#include "health/MonitorStateMachine.h"

#include <QDateTime>
#include <QJsonObject>
#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <chrono>
#include <memory>

namespace ops::services {

class SecretStore;
struct MonitorConfig;
struct AlertCandidate;

struct CollectorConfig {
    qint64 projectId = 0;
    QString holder;  // unique per console; default: host:pid:random
    std::chrono::milliseconds leaseInterval{5000};
    std::chrono::milliseconds retentionInterval{60 * 60 * 1000};
    std::chrono::milliseconds monitorReloadInterval{30000};  // picks up added or changed monitors and windows
    // Credentials of prometheus monitors ("health/<name>"); the app's store, which outlives the
    // collector. The collector loads the names its monitors use from the keyring before probing.
    SecretStore* secrets = nullptr;
};

struct MonitorDefinition {
    qint64 id = 0;
    QString name;
    QString kind = QStringLiteral("http");
    QJsonObject config;  // ops.monitors.config
    ProbeConfig probe;
    std::chrono::milliseconds interval{60000};
    int retries = 3;
};

class HealthCollector final : public QObject {
    Q_OBJECT
public:
    HealthCollector(Pool& pool, CollectorConfig config, QObject* parent = nullptr);
    ~HealthCollector() override;  // releases the lease if held, without waiting for it

    void start();
    // Clean exit: stops probing and releases the lease so another console takes over at once.
    void stop();
    // Stops everything without releasing the lease: what a crash looks like to the others.
    void halt();

    // Rebuilds every check from the stored definitions (e.g. a secret was just entered); the
    // monitors' states start afresh, as after a take-over (the database keeps alerts from repeating).
    void reloadChecks();

    bool isLeader() const { return m_leader; }
    const QString& holder() const { return m_config.holder; }
    static QString defaultHolder();

signals:
    void leadershipChanged(bool leader);
    void sampleWritten(qint64 monitorId, const QString& state);
    void monitorTransition(qint64 monitorId, const QString& name, ops::services::MonitorTransition transition);
    void alertRaised(qint64 alertId, qint64 monitorId, const QString& kind, const QString& message);
    void problem(const QString& message);

private:
    struct Runner;
    void leaseTick();
    void becomeLeader();
    void stepDown(const QString& why);
    void loadMonitors();
    void startRunners(const std::vector<MonitorDefinition>& monitors);
    void loadSecretFromKeyring(const MonitorConfig& config);
    void fire(Runner* runner);
    void onProbeFinished(Runner* runner, const QDateTime& sampledAt, const ProbeResult& result);
    void writeSample(Runner* runner, const QDateTime& sampledAt, MonitorState state, const ProbeResult& result,
                     std::vector<AlertCandidate> alerts);
    void raiseAlerts(qint64 monitor, const std::vector<AlertCandidate>& alerts);
    void housekeeping();

    Pool& m_pool;
    CollectorConfig m_config;
    QNetworkAccessManager m_network;
    QTimer m_leaseTimer;
    QTimer m_housekeepingTimer;
    QTimer m_reloadTimer;
    QString m_monitorsKey;  // what the running probes were built from: unchanged monitors keep their state
    bool m_leaseCallPending = false;
    bool m_leader = false;
    bool m_running = false;
    std::vector<std::unique_ptr<Runner>> m_runners;
    MaintenanceSchedule m_maintenance;
    QSet<QString> m_secretsRequested;  // asked of the keyring once per run each
};

} // namespace ops::services
