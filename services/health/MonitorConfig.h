// SPDX-License-Identifier: MIT
#pragma once

// MonitorConfig: what ops.monitors.config (JSON) says for a monitor, checked.
//   {"series": ["pg_stat_database_xact_commit{datname=\"postgres\"}"],   prometheus: kept series
//    "username": "metrics", "secret": "supabase-metrics",                 prometheus: HTTP Basic
//    "thresholds": [{"metric": "latency_p95", "above": 200, "for_s": 300}]}
// Without "thresholds" an HTTP or Prometheus monitor alerts on the team plan's p95 > 200 ms for
// 5 minutes; the other kinds have none (their state already follows pgwatch's thresholds).
// The password is never here: "secret" names an entry of the console's SecretStore, "health/<name>".

#include "common/Result.h"
#include "health/PrometheusText.h"
#include "health/ThresholdWatch.h"

#include <QJsonObject>

#include <vector>

namespace ops::services {

class SecretStore;

struct MonitorConfig {
    std::vector<SeriesSelector> series;
    QString username;
    QString secretName;
    std::vector<ThresholdRule> thresholds;

    static Result<MonitorConfig> parse(const QString& kind, const QJsonObject& config);
    // The Authorization header value ("Basic base64(user:password)"), empty without credentials;
    // an error when the named secret is not in `secrets`' memory (see secretStoreName()).
    Result<QByteArray> authorization(const SecretStore* secrets) const;
    // "health/<secret>": where the SecretStore keeps it (keyring, OPS_SECRET_<NAME>, a prompt).
    QString secretStoreName() const;
};

} // namespace ops::services
