// SPDX-License-Identifier: MIT
#include "health/MonitorConfig.h"

#include "common/SecretStore.h"

#include <QJsonArray>

namespace ops::services {

namespace {

Error invalid(const QString& message)
{
    return Error::make(ErrorKind::InvalidInput, QStringLiteral("monitor config: ") + message);
}

} // namespace

Result<MonitorConfig> MonitorConfig::parse(const QString& kind, const QJsonObject& config)
{
    MonitorConfig parsed;
    for (const QJsonValue& value : config.value(QLatin1String("series")).toArray()) {
        QString error;
        auto selector = SeriesSelector::parse(value.toString(), &error);
        if (!selector)
            return invalid(error);
        parsed.series.push_back(*selector);
    }
    if (kind == QLatin1String("prometheus") && parsed.series.empty())
        return invalid(QStringLiteral("a prometheus monitor needs \"series\" (a list of series selectors)"));
    parsed.username = config.value(QLatin1String("username")).toString();
    parsed.secretName = config.value(QLatin1String("secret")).toString();
    if (parsed.username.isEmpty() != parsed.secretName.isEmpty())
        return invalid(QStringLiteral("\"username\" and \"secret\" go together"));

    if (!config.contains(QLatin1String("thresholds"))) {
        if (kind == QLatin1String("http") || kind == QLatin1String("prometheus"))
            parsed.thresholds.push_back(ThresholdRule{QStringLiteral("latency_p95"), true, 200, std::chrono::seconds(300)});
        return parsed;
    }
    for (const QJsonValue& value : config.value(QLatin1String("thresholds")).toArray()) {
        const QJsonObject o = value.toObject();
        ThresholdRule rule;
        rule.metric = o.value(QLatin1String("metric")).toString();
        rule.above = o.contains(QLatin1String("above"));
        const QJsonValue limit = o.value(rule.above ? QLatin1String("above") : QLatin1String("below"));
        rule.limit = limit.toDouble();
        rule.sustain = std::chrono::seconds(o.value(QLatin1String("for_s")).toInt(300));
        if (rule.metric.isEmpty() || !limit.isDouble() || rule.sustain.count() < 0)
            return invalid(QStringLiteral("a threshold needs \"metric\", \"above\" or \"below\" (a number) and \"for_s\" >= 0"));
        parsed.thresholds.push_back(rule);
    }
    return parsed;
}

QString MonitorConfig::secretStoreName() const
{
    return QStringLiteral("health/") + secretName;
}

Result<QByteArray> MonitorConfig::authorization(const SecretStore* secrets) const
{
    if (secretName.isEmpty())
        return QByteArray();
    // Synchronous: the collector loads the named secrets from the keyring before it builds the checks.
    const std::optional<QByteArray> password = secrets ? secrets->cached(secretStoreName()) : std::nullopt;
    if (!password)
        return Error::make(ErrorKind::NotFound,
                           QStringLiteral("secret \"%1\" is not in the keyring or the console's memory (Health > Enter a "
                                          "monitor secret, or set OPS_SECRET_%2)")
                               .arg(secretName, SecretStore::normalisedName(secretStoreName()).section(QLatin1Char('/'), 1).toUpper()));
    return "Basic " + (username.toUtf8() + ':' + *password).toBase64();
}

} // namespace ops::services
