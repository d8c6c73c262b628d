// SPDX-License-Identifier: MIT
#include "health/PgStats.h"

#include "db/Connection.h"

#include <QJsonObject>

namespace ops::services {

Result<PgStatsReading> readPgStats(Connection& c)
{
    PgStatsReading r;
    auto database = c.exec(QStringLiteral(
        "SELECT clock_timestamp(), current_database(), d.xact_commit, d.xact_rollback, d.blks_hit, d.blks_read, "
        "       d.deadlocks, pg_database_size(d.datid) "
        "  FROM pg_stat_database d WHERE d.datname = current_database()"));
    if (!database)
        return database.error();
    if (database->rowCount() != 1)
        return Error::make(ErrorKind::Internal, QStringLiteral("pg_stat_database has no row for this database"));
    r.takenAt = database->toDateTime(0, 0);
    r.database = database->text(0, 1);
    r.xactCommit = database->toInt64(0, 2);
    r.xactRollback = database->toInt64(0, 3);
    r.blocksHit = database->toInt64(0, 4);
    r.blocksRead = database->toInt64(0, 5);
    r.deadlocks = database->toInt64(0, 6);
    r.databaseBytes = database->toInt64(0, 7);

    // Client sessions of this database other than our own.
    auto sessions = c.exec(QStringLiteral(
        "SELECT coalesce(state, 'unknown'), count(*), "
        "       count(*) FILTER (WHERE cardinality(pg_blocking_pids(pid)) > 0), "
        "       extract(epoch FROM max(clock_timestamp() - query_start) FILTER (WHERE state = 'active')), "
        "       extract(epoch FROM max(clock_timestamp() - xact_start)) "
        "  FROM pg_stat_activity "
        " WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid() "
        " GROUP BY 1"));
    if (!sessions)
        return sessions.error();
    for (int row = 0; row < sessions->rowCount(); ++row) {
        r.sessionsByState.insert(sessions->text(row, 0), int(sessions->toInt64(row, 1)));
        r.blockedSessions += int(sessions->toInt64(row, 2));
        auto keepMax = [&](std::optional<double>& target, int column) {
            if (!sessions->isNull(row, column))
                target = std::max(target.value_or(0.0), sessions->toDouble(row, column));
        };
        keepMax(r.oldestQuerySeconds, 3);
        keepMax(r.oldestTransactionSeconds, 4);
    }

    auto replication = c.exec(QStringLiteral(
        "SELECT count(*), extract(epoch FROM max(coalesce(replay_lag, write_lag, flush_lag))) FROM pg_stat_replication"));
    if (!replication)
        return replication.error();
    r.replicas = int(replication->toInt64(0, 0));
    if (r.replicas > 0)
        r.replicationLagSeconds = replication->isNull(0, 1) ? 0.0 : replication->toDouble(0, 1);

    auto extension = c.exec(QStringLiteral("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
                                           "WHERE e.extname = 'pg_stat_statements'"));
    if (!extension)
        return extension.error();
    if (extension->rowCount() == 1) {
        // The schema comes from the catalog, quoted by the server: no text from outside.
        auto schema = c.exec(QStringLiteral("SELECT quote_ident($1)"), {extension->text(0, 0)});
        if (!schema)
            return schema.error();
        auto top = c.exec(QStringLiteral("SELECT left(query, 500), calls, total_exec_time, mean_exec_time FROM %1.pg_stat_statements "
                                         "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) "
                                         "ORDER BY total_exec_time DESC LIMIT 5").arg(schema->scalar()));
        // Installed but not preloaded: the view raises; that is "unavailable", not a failure.
        if (top) {
            r.statementsAvailable = true;
            for (int row = 0; row < top->rowCount(); ++row) {
                r.topStatements.append(QJsonObject{{QStringLiteral("query"), top->text(row, 0)},
                                                   {QStringLiteral("calls"), double(top->toInt64(row, 1))},
                                                   {QStringLiteral("total_ms"), top->toDouble(row, 2)},
                                                   {QStringLiteral("mean_ms"), top->toDouble(row, 3)}});
            }
        }
    }
    return r;
}

ProbeResult evaluatePgStats(const std::optional<PgStatsReading>& previous, const PgStatsReading& current,
                            const PgThresholds& thresholds)
{
    ProbeResult result;
    result.success = true;
    auto& m = result.metrics;
    m.insert(QStringLiteral("blocked_sessions"), current.blockedSessions);
    for (auto it = current.sessionsByState.begin(); it != current.sessionsByState.end(); ++it) {
        QString state = it.key();
        m.insert(QStringLiteral("sessions.") + state.replace(QLatin1Char(' '), QLatin1Char('_')), it.value());
    }
    m.insert(QStringLiteral("deadlocks"), double(current.deadlocks));
    m.insert(QStringLiteral("database_bytes"), double(current.databaseBytes));
    m.insert(QStringLiteral("oldest_query_s"), current.oldestQuerySeconds.value_or(0));
    m.insert(QStringLiteral("oldest_transaction_s"), current.oldestTransactionSeconds.value_or(0));
    if (current.replicationLagSeconds) {
        m.insert(QStringLiteral("replicas"), current.replicas);
        m.insert(QStringLiteral("replication_lag_s"), *current.replicationLagSeconds);
    }
    m.insert(QStringLiteral("statements.available"), current.statementsAvailable ? 1 : 0);
    if (current.statementsAvailable)
        result.details.insert(QStringLiteral("top_statements"), current.topStatements);
    else
        result.details.insert(QStringLiteral("top_statements"), QStringLiteral("unavailable: pg_stat_statements is not installed"));

    const qint64 blocks = current.blocksHit + current.blocksRead;
    std::optional<double> cacheHit;
    if (blocks > 0)
        cacheHit = 100.0 * double(current.blocksHit) / double(blocks);
    if (cacheHit)
        m.insert(QStringLiteral("cache_hit_percent"), *cacheHit);

    std::optional<double> rollbackPercent;
    if (previous && previous->takenAt.isValid() && current.takenAt > previous->takenAt) {
        const double seconds = double(previous->takenAt.msecsTo(current.takenAt)) / 1000.0;
        const qint64 commits = current.xactCommit - previous->xactCommit;
        const qint64 rollbacks = current.xactRollback - previous->xactRollback;
        if (commits >= 0 && rollbacks >= 0) {  // negative: the statistics were reset in between
            m.insert(QStringLiteral("tps"), double(commits + rollbacks) / seconds);
            if (commits + rollbacks > 0)
                rollbackPercent = 100.0 * double(rollbacks) / double(commits + rollbacks);
            m.insert(QStringLiteral("rollback_percent"), rollbackPercent.value_or(0));
        }
    }

    QStringList errors, warnings;
    if (current.blockedSessions >= thresholds.blockedError)
        errors << QStringLiteral("%1 blocked sessions (error at %2)").arg(current.blockedSessions).arg(thresholds.blockedError);
    else if (current.blockedSessions >= thresholds.blockedWarn)
        warnings << QStringLiteral("%1 blocked sessions (warning at %2)").arg(current.blockedSessions).arg(thresholds.blockedWarn);
    if (rollbackPercent && *rollbackPercent >= thresholds.rollbackErrorPercent)
        errors << QStringLiteral("rollback ratio %1% (error at %2%)").arg(*rollbackPercent, 0, 'f', 2).arg(thresholds.rollbackErrorPercent);
    else if (rollbackPercent && *rollbackPercent >= thresholds.rollbackWarnPercent)
        warnings << QStringLiteral("rollback ratio %1% (warning at %2%)").arg(*rollbackPercent, 0, 'f', 2).arg(thresholds.rollbackWarnPercent);
    if (cacheHit && *cacheHit < thresholds.cacheHitMinPercent)
        warnings << QStringLiteral("cache hit %1% (below %2%)").arg(*cacheHit, 0, 'f', 1).arg(thresholds.cacheHitMinPercent);

    if (!errors.isEmpty()) {
        result.success = false;
        result.failureKind = QStringLiteral("threshold");
        result.platformStatus = QStringLiteral("unhealthy");
        result.error = (errors + warnings).join(QStringLiteral("; "));
    } else if (!warnings.isEmpty()) {
        result.platformStatus = QStringLiteral("degraded");
        result.note = warnings.join(QStringLiteral("; "));
    } else {
        result.platformStatus = QStringLiteral("healthy");
    }
    return result;
}

} // namespace ops::services
