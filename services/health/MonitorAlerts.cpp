// SPDX-License-Identifier: MIT
#include "health/MonitorAlerts.h"

#include <algorithm>
#include <cmath>

namespace ops::services {

MonitorAlerts::MonitorAlerts(QString monitorName, const std::vector<ThresholdRule>& rules) : m_name(std::move(monitorName))
{
    for (const ThresholdRule& rule : rules)
        m_watches.emplace_back(rule);
}

void MonitorAlerts::reset()
{
    for (ThresholdWatch& watch : m_watches)
        watch = ThresholdWatch(watch.rule());
    m_latencies.clear();
    m_circuit.clear();
}

std::optional<double> MonitorAlerts::valueOf(const QString& metric, const ProbeResult& result) const
{
    if (metric == QLatin1String("latency_p95")) {
        if (m_latencies.empty())
            return std::nullopt;
        std::vector<double> values;
        for (const auto& [at, latency] : m_latencies)
            values.push_back(latency);
        std::sort(values.begin(), values.end());
        // Nearest rank: the smallest value with at least 95 % of the values at or below it.
        const auto rank = std::size_t(std::ceil(0.95 * double(values.size())));
        return values[std::max<std::size_t>(rank, 1) - 1];
    }
    const auto it = result.metrics.constFind(metric);
    if (it == result.metrics.constEnd())
        return std::nullopt;
    return *it;
}

std::vector<AlertCandidate> MonitorAlerts::evaluate(const QDateTime& at, const MonitorTransition& transition,
                                                    const ProbeResult& result)
{
    std::vector<AlertCandidate> alerts;
    if (transition.wentDown) {
        alerts.push_back({QStringLiteral("monitor_down"), {}, QStringLiteral("%1 is down: %2").arg(m_name, result.error),
                          QJsonObject{{QStringLiteral("failure"), result.failureKind}}});
    } else if (transition.to == MonitorState::Up && transition.from != MonitorState::Up) {
        alerts.push_back({QStringLiteral("monitor_up"), {}, QStringLiteral("%1 is up again").arg(m_name), {}});
    }

    if (!result.circuitState.isEmpty() && result.circuitState != m_circuit) {
        if (result.circuitState == QLatin1String("OPEN"))
            alerts.push_back({QStringLiteral("circuit_opened"), {}, QStringLiteral("%1: circuit opened").arg(m_name),
                              QJsonObject{{QStringLiteral("from"), m_circuit}}});
        else if (result.circuitState == QLatin1String("CLOSED"))
            alerts.push_back({QStringLiteral("circuit_closed"), {}, QStringLiteral("%1: circuit closed").arg(m_name),
                              QJsonObject{{QStringLiteral("from"), m_circuit}}});
        m_circuit = result.circuitState;
    }

    if (result.hasLatency && result.latencyMs > 0)
        m_latencies.emplace_back(at, result.latencyMs);
    while (!m_latencies.empty() && m_latencies.front().first.msecsTo(at) > 60000)
        m_latencies.pop_front();
    for (ThresholdWatch& watch : m_watches) {
        const std::optional<double> value = valueOf(watch.rule().metric, result);
        if (!value)
            continue;
        const ThresholdWatch::Edge edge = watch.feed(at, *value);
        const QString subject = watch.rule().describe();
        const QJsonObject details{{QStringLiteral("value"), *value}, {QStringLiteral("limit"), watch.rule().limit}};
        if (edge == ThresholdWatch::Edge::Breached)
            alerts.push_back({QStringLiteral("threshold_breached"), subject,
                              QStringLiteral("%1: %2 (now %3)").arg(m_name, subject).arg(*value, 0, 'g', 4), details});
        else if (edge == ThresholdWatch::Edge::Cleared)
            alerts.push_back({QStringLiteral("threshold_cleared"), subject,
                              QStringLiteral("%1: back within %2 (now %3)").arg(m_name, subject).arg(*value, 0, 'g', 4), details});
    }
    return alerts;
}

} // namespace ops::services
