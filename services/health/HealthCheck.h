// SPDX-License-Identifier: MIT
#pragma once

// HealthCheck: one source of health samples as the collector sees it: start a check, get one
// ProbeResult back by finished(). HttpProbe (HTTP and Prometheus monitors), PgStatsProbe
// (PostgreSQL statistics) and PoolProbe (the console's own pool) are the kinds. At most one check
// per source is in flight; start() refuses (returns false) while one is.

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QString>
#include <QStringList>

namespace ops::services {

struct ProbeResult {
    bool success = false;
    QString failureKind;   // empty on success: timeout, network, tls, redirects, status, keyword, body_too_large,
                           // credentials, database, threshold, circuit
    QString error;         // one line for people; empty on success
    QString note;          // something worth showing that is not a failure (e.g. "body is not JSON")
    int httpStatus = 0;    // 0 when no response arrived
    double latencyMs = 0;  // start to end (or to the abort)
    bool hasLatency = true;  // false for sources without a request of their own (the pool)
    qint64 bodyBytes = 0;  // bytes kept (at most maxBodyBytes)
    bool bodyTruncated = false;
    bool json = false;     // the body was a JSON object
    QString platformStatus;  // "healthy" / "degraded" / "unhealthy" (as sent or derived), empty if absent
    QString circuitState;    // "CLOSED" / "OPEN" / "HALF_OPEN", empty if absent
    QMap<QString, double> metrics;
    QJsonObject details;     // non-numeric extras (top statements), stored as the sample's details
    QStringList tlsErrors;
};

class HealthCheck : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;
    ~HealthCheck() override = default;

    virtual bool start() = 0;
    virtual bool inFlight() const = 0;

signals:
    void finished(const ops::services::ProbeResult& result);
};

} // namespace ops::services

Q_DECLARE_METATYPE(ops::services::ProbeResult)
