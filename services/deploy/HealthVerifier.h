// SPDX-License-Identifier: MIT
#pragma once

// HealthVerifier: after the provider reports a rollout done, the platform must answer
// /api/health with status "healthy" and every smoke endpoint with 2xx within a window. Polls
// (new instances take a moment to take traffic) and returns the evidence either way, so a
// needs-attention rollout says what was seen. Blocking: worker threads only.

#include "common/Result.h"

#include <QJsonObject>
#include <QStringList>

#include <chrono>

namespace ops::services {

struct VerificationConfig {
    QString baseUrl;                 // http://127.0.0.1:port, https://app.example.com
    QString healthPath = QStringLiteral("/api/health");
    QStringList smokePaths;          // e.g. /api/contacts; each must answer 2xx
    std::chrono::milliseconds window{30000};
    std::chrono::milliseconds interval{250};
    std::chrono::milliseconds requestTimeout{3000};
};

struct Verification {
    bool healthy = false;
    QString summary;       // one line: "healthy v3 in 12 ms" / "unhealthy: errorRate 0.37 ..."
    QJsonObject evidence;  // last health answer, smoke results, attempts
};

class HealthVerifier final {
public:
    static Verification verify(const VerificationConfig& config);
    // One /api/health read: "healthy" | "degraded" | "unhealthy" | an error.
    static Result<QJsonObject> readHealth(const QString& baseUrl, const QString& healthPath,
                                          std::chrono::milliseconds timeout);
};

} // namespace ops::services
