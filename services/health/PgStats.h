// SPDX-License-Identifier: MIT
#pragma once

// PgStats: PostgreSQL statistics of the database a connection is on, and the health figures
// derived from two consecutive readings.
//
// readPgStats() takes one reading (a few catalog queries, no writes): pg_stat_database counters,
// sessions by state and blocked sessions from pg_stat_activity / pg_blocking_pids, the oldest
// running query and open transaction, database size, replication lag when pg_stat_replication has
// rows, and the top statements by total time when pg_stat_statements is installed (otherwise
// statementsAvailable is false: "unavailable", not an error). Each reading carries the server's
// clock_timestamp() at which it was taken.
//
// evaluatePgStats() is pure: transactions per second are the xact_commit + xact_rollback
// difference divided by the seconds between the two readings' own timestamps (never per refresh),
// the rollback ratio is over the same difference, the cache hit ratio over the whole statistics
// period (as pgwatch does). The state follows pgwatch's health-check defaults: blocked sessions
// warn 1 / error 5, rollback ratio warn 0.5 % / error 1 %, cache hit >= 90 % (below: warn). An
// error fails the check (the monitor goes pending, then down), a warning makes it "degraded".

#include "common/Result.h"
#include "health/HealthCheck.h"

#include <QDateTime>
#include <QJsonArray>
#include <QMap>

#include <optional>

namespace ops::services {

class Connection;

struct PgStatsReading {
    QDateTime takenAt;  // server clock_timestamp()
    QString database;
    qint64 xactCommit = 0;
    qint64 xactRollback = 0;
    qint64 blocksHit = 0;
    qint64 blocksRead = 0;
    qint64 deadlocks = 0;
    qint64 databaseBytes = 0;
    int blockedSessions = 0;
    QMap<QString, int> sessionsByState;  // active, idle, idle in transaction, ...
    std::optional<double> oldestQuerySeconds;        // running queries of other sessions
    std::optional<double> oldestTransactionSeconds;  // open transactions of other sessions
    int replicas = 0;
    std::optional<double> replicationLagSeconds;     // the largest replay lag, when there are replicas
    bool statementsAvailable = false;
    QJsonArray topStatements;  // [{query, calls, total_ms, mean_ms}], at most 5
};

struct PgThresholds {
    int blockedWarn = 1;
    int blockedError = 5;
    double rollbackWarnPercent = 0.5;
    double rollbackErrorPercent = 1.0;
    double cacheHitMinPercent = 90.0;
};

Result<PgStatsReading> readPgStats(Connection& connection);

// `previous` empty (the first reading): no rates yet, only the levels.
ProbeResult evaluatePgStats(const std::optional<PgStatsReading>& previous, const PgStatsReading& current,
                            const PgThresholds& thresholds = {});

} // namespace ops::services
