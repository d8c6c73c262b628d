// SPDX-License-Identifier: MIT
#pragma once

// CriterionExpression: a metric-bound checkpoint criterion, `metric(window) op value`:
//   success_rate(1h) > 95%      p95_latency(15m) < 200ms     mean_latency(15m) <= 0.2s
//   circuit_state == CLOSED     health_status == healthy     uptime(24h) >= 99.9%
// Numbers compare numerically (percent as 0..100, durations in milliseconds); words compare
// case-insensitively with == / !=. Evaluation against a MetricSource gives one of four states;
// no data is "not measured yet", never "met".

#include "common/Result.h"

#include <QString>

#include <chrono>
#include <optional>

namespace ops::services::plan {

enum class CriterionState { Met, NotMet, NotApplicable, NotMeasured };
QString criterionStateName(CriterionState state);  // met, not_met, not_applicable, not_measured

// What a metric source returns for one metric over one window.
struct MetricReading {
    enum class Status { Value, NoData, Unsupported };
    Status status = Status::NoData;
    std::optional<double> number;  // percent 0..100, milliseconds, ...
    QString text;                  // CLOSED, healthy, ...
    QString reason;                // why NoData / Unsupported, for people

    static MetricReading value(double number) { MetricReading r; r.status = Status::Value; r.number = number; return r; }
    static MetricReading word(QString text) { MetricReading r; r.status = Status::Value; r.text = std::move(text); return r; }
    static MetricReading noData(QString reason) { MetricReading r; r.status = Status::NoData; r.reason = std::move(reason); return r; }
    static MetricReading unsupported(QString reason) { MetricReading r; r.status = Status::Unsupported; r.reason = std::move(reason); return r; }
};

// Where measured values come from. Implementations: PoolMetricSource (the console's own pool);
// the Health feature's ops.health_metric(project, metric, window) later.
class MetricSource {
public:
    virtual ~MetricSource() = default;
    // `metric` as written in expressions (success_rate, p95_latency, ...); `window` may be zero
    // when the expression has none.
    virtual MetricReading measure(const QString& metric, std::chrono::seconds window) = 0;
};

struct CriterionEvaluation {
    CriterionState state = CriterionState::NotMeasured;
    QString measured;   // "97.2%", "180ms", "CLOSED"; empty without data
    QString reason;     // for not applicable / not measured
};

class CriterionExpression final {
public:
    enum class Op { Greater, GreaterEqual, Less, LessEqual, Equal, NotEqual };
    enum class Unit { None, Percent, Milliseconds };

    static Result<CriterionExpression> parse(const QString& text);

    CriterionEvaluation evaluate(MetricSource& source) const;
    // Compares a reading with the threshold; exposed so a stored reading can be re-judged.
    CriterionEvaluation judge(const MetricReading& reading) const;

    const QString& metric() const { return m_metric; }
    std::chrono::seconds window() const { return m_window; }
    QString toString() const;

private:
    QString m_metric;
    std::chrono::seconds m_window{0};
    QString m_windowText;
    Op m_op = Op::Equal;
    std::optional<double> m_number;  // in the unit's base (percent, milliseconds)
    QString m_word;
    Unit m_unit = Unit::None;
};

} // namespace ops::services::plan
