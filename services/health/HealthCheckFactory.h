// SPDX-License-Identifier: MIT
#pragma once

// makeHealthCheck: the HealthCheck for a monitor's kind: 'http' and 'prometheus' -> HttpProbe
// (prometheus: the text format, the configured series, HTTP Basic from the secret store),
// 'postgres' -> PgStatsProbe and 'pool' -> PoolProbe, both through `pool`. An error when the
// monitor's config is invalid or names a secret the store does not have.

#include "common/Result.h"
#include "health/HealthCheck.h"

#include <memory>

class QNetworkAccessManager;

namespace ops::services {

class Pool;
class SecretStore;
struct MonitorDefinition;

Result<std::unique_ptr<HealthCheck>> makeHealthCheck(const MonitorDefinition& monitor, QNetworkAccessManager* network,
                                                     Pool& pool, const SecretStore* secrets);

} // namespace ops::services
