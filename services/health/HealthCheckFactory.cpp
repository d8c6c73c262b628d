// SPDX-License-Identifier: MIT
#include "health/HealthCheckFactory.h"

#include "health/DatabaseProbes.h"
#include "health/HealthCollector.h"
#include "health/HttpProbe.h"
#include "health/MonitorConfig.h"

namespace ops::services {

Result<std::unique_ptr<HealthCheck>> makeHealthCheck(const MonitorDefinition& monitor, QNetworkAccessManager* network,
                                                     Pool& pool, const SecretStore* secrets)
{
    if (monitor.kind == QLatin1String("postgres"))
        return std::unique_ptr<HealthCheck>(std::make_unique<PgStatsProbe>(pool));
    if (monitor.kind == QLatin1String("pool"))
        return std::unique_ptr<HealthCheck>(std::make_unique<PoolProbe>(pool));
    if (monitor.kind != QLatin1String("http") && monitor.kind != QLatin1String("prometheus"))
        return Error::make(ErrorKind::InvalidInput, QStringLiteral("unknown monitor kind \"%1\"").arg(monitor.kind));

    auto config = MonitorConfig::parse(monitor.kind, monitor.config);
    if (!config)
        return config.error();
    ProbeConfig probe = monitor.probe;
    if (monitor.kind == QLatin1String("prometheus")) {
        probe.format = ProbeConfig::BodyFormat::PrometheusText;
        probe.maxBodyBytes = 16 * 1024 * 1024;  // exporters with many tables serve several MiB
        probe.series = config->series;
        auto authorization = config->authorization(secrets);
        if (!authorization)
            return authorization.error();
        probe.authorization = authorization.value();
    }
    return std::unique_ptr<HealthCheck>(std::make_unique<HttpProbe>(network, probe));
}

} // namespace ops::services
