// SPDX-License-Identifier: MIT
#pragma once

// ThresholdWatch: "a threshold breached for a sustained time", e.g. p95 latency above 200 ms for
// 5 minutes. Fed one value per check with its time; breached once the value has been beyond the
// limit at every check for at least `sustain` (the clock starts at the first bad check), cleared at
// the first good check after that. Each edge is reported once. A value type with the time passed
// in, so tests need no clock.

#include <QDateTime>
#include <QString>

#include <chrono>
#include <optional>

namespace ops::services {

struct ThresholdRule {
    QString metric;        // "latency_p95" (over the last minute of checks) or a metrics key
    bool above = true;     // breached when value > limit (false: value < limit)
    double limit = 0;
    std::chrono::seconds sustain{300};

    QString describe() const;  // "latency_p95 > 200 for 300 s": the alert's subject
};

class ThresholdWatch {
public:
    enum class Edge { None, Breached, Cleared };

    explicit ThresholdWatch(ThresholdRule rule) : m_rule(std::move(rule)) {}
    Edge feed(const QDateTime& at, double value);
    const ThresholdRule& rule() const { return m_rule; }
    bool breached() const { return m_breached; }

private:
    ThresholdRule m_rule;
    std::optional<QDateTime> m_badSince;
    bool m_breached = false;
};

} // namespace ops::services
