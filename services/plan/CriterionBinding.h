// SPDX-License-Identifier: MIT
#pragma once

// Binds the phrasings plans use for measurable criteria to metric expressions, so they are
// evaluated from live metrics instead of ticked by hand:
//   "Success rate > 95%?"              -> success_rate(1h) > 95%
//   "Response time < 200ms?"           -> p95_latency(15m) < 200ms
//   "Average response time < 200ms"    -> mean_latency(15m) < 200ms
//   "Circuit breaker state = CLOSED"   -> circuit_state == CLOSED
//   "Uptime >= 99.9%"                  -> uptime(24h) >= 99.9%
//   "Health status healthy"            -> health_status == healthy
// Anything else stays manual (empty string). The binding is stored and editable.

#include <QString>

namespace ops::services::plan {

QString bindCriterionPhrase(const QString& text);

} // namespace ops::services::plan
