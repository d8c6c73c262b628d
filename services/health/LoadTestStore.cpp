// SPDX-License-Identifier: MIT
#include "health/LoadTestStore.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace ops::services {

QByteArray loadTestErrorsJson(const LoadTestResult& result)
{
    QJsonObject errors;
    for (auto it = result.errors.cbegin(); it != result.errors.cend(); ++it)
        errors.insert(it.key(), it.value());
    return QJsonDocument(errors).toJson(QJsonDocument::Compact);
}

Result<qint64> recordLoadTest(Connection& connection, qint64 projectId, const LoadTestResult& r)
{
    // Percentiles are NULL when no request got a response (nothing was measured).
    const bool measured = r.completed > 0 && r.p50Ms > 0;
    auto optionalMs = [measured](double ms) { return measured ? std::optional<double>(ms) : std::nullopt; };
    auto inserted = connection.exec(
        QStringLiteral("SELECT ops.record_load_test($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15::jsonb)"),
        {projectId, r.url, r.requests, r.concurrency, r.timeoutMs, r.startedAt, r.elapsedSeconds * 1000.0,
         r.completed, r.succeeded, r.cancelled, r.throughput(), optionalMs(r.p50Ms), optionalMs(r.p95Ms),
         optionalMs(r.p99Ms), loadTestErrorsJson(r)});
    if (!inserted)
        return inserted.error();
    return inserted->toInt64(0, 0);
}

Result<std::vector<StoredLoadTest>> listLoadTests(Connection& connection, qint64 projectId, int limit)
{
    auto rows = connection.exec(
        QStringLiteral("SELECT id, url, requests, concurrency, timeout_ms, started_at, duration_ms, completed, succeeded, "
                       "cancelled, latency_p50, latency_p95, latency_p99, errors::text, run_by "
                       "FROM ops.load_tests WHERE project_id = $1 ORDER BY started_at DESC, id DESC LIMIT $2"),
        {projectId, limit});
    if (!rows)
        return rows.error();
    std::vector<StoredLoadTest> list;
    for (int row = 0; row < rows->rowCount(); ++row) {
        StoredLoadTest s;
        s.id = rows->toInt64(row, 0);
        LoadTestResult& r = s.result;
        r.url = rows->text(row, 1);
        r.requests = int(rows->toInt64(row, 2));
        r.concurrency = int(rows->toInt64(row, 3));
        r.timeoutMs = int(rows->toInt64(row, 4));
        r.startedAt = rows->toDateTime(row, 5);
        r.elapsedSeconds = rows->toDouble(row, 6) / 1000.0;
        r.completed = rows->toInt64(row, 7);
        r.succeeded = rows->toInt64(row, 8);
        r.cancelled = rows->toBool(row, 9);
        r.p50Ms = rows->toDouble(row, 10);
        r.p95Ms = rows->toDouble(row, 11);
        r.p99Ms = rows->toDouble(row, 12);
        const QJsonObject errors = QJsonDocument::fromJson(rows->bytes(row, 13)).object();
        for (auto it = errors.constBegin(); it != errors.constEnd(); ++it)
            r.errors.insert(it.key(), it.value().toInteger());
        s.runBy = rows->text(row, 14);
        list.push_back(std::move(s));
    }
    return list;
}

} // namespace ops::services
