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
// - While leader it loads the project's enabled HTTP monitors, probes each on its own interval
//   (one request per monitor in flight), runs its MonitorStateMachine and writes every result.
//   It also keeps tomorrow's partition ready, applies retention once an hour and re-reads the
//   monitors every 30 s (probes restart only when a definition changed).
// Lives on the GUI (or test) thread; every database call is asynchronous on the pool's workers.

#include "db/Pool.h"
#include "health/HttpProbe.h"
#include "health/MonitorStateMachine.h"

#include <QDateTime>
#include <QHash>
#include <QNetworkAccessManager>
#include <QObject>
#include <QTimer>

#include <chrono>
#include <memory>

namespace ops::services {

struct CollectorConfig {
    qint64 projectId = 0;
    QString holder;  // unique per console; default: host:pid:random
    std::chrono::milliseconds leaseInterval{5000};
    std::chrono::milliseconds retentionInterval{60 * 60 * 1000};
    std::chrono::milliseconds monitorReloadInterval{30000};  // picks up added or changed monitors
};

struct MonitorDefinition {
    qint64 id = 0;
    QString name;
    ProbeConfig probe;
    std::chrono::milliseconds interval{60000};
    int retries = 3;
};

class HealthCollector final : public QObject {
    Q_OBJECT
public:
    HealthCollector(Pool& pool, CollectorConfig config, QObject* parent = nullptr);
    ~HealthCollector() override;  // stop(): releases the lease if held

    void start();
    // Clean exit: stops probing and releases the lease so another console takes over at once.
    void stop();
    // Stops everything without releasing the lease: what a crash looks like to the others.
    void halt();

    bool isLeader() const { return m_leader; }
    const QString& holder() const { return m_config.holder; }
    static QString defaultHolder();

signals:
    void leadershipChanged(bool leader);
    void sampleWritten(qint64 monitorId, const QString& state);
    void monitorTransition(qint64 monitorId, const QString& name, ops::services::MonitorTransition transition);
    void problem(const QString& message);

private:
    struct Runner;
    void leaseTick();
    void becomeLeader();
    void stepDown(const QString& why);
    void loadMonitors();
    void startRunners(const std::vector<MonitorDefinition>& monitors);
    void onProbeFinished(Runner* runner, const QDateTime& sampledAt, const ProbeResult& result);
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
};

} // namespace ops::services
