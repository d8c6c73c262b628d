// SPDX-License-Identifier: MIT
// Criterion expressions at, just below and just above each threshold, and without data.
#include "plan/CriterionExpression.h"
#include "plan/PoolMetricSource.h"
#include "plan/Report.h"

#include <QMap>

#include <gtest/gtest.h>

using namespace ops::services;
using namespace ops::services::plan;

namespace {

// Readings set by the test, for metrics the pool does not measure.
class FixedSource final : public MetricSource {
public:
    QMap<QString, MetricReading> readings;
    QString lastMetric;
    std::chrono::seconds lastWindow{0};
    MetricReading measure(const QString& metric, std::chrono::seconds window) override
    {
        lastMetric = metric;
        lastWindow = window;
        return readings.value(metric, MetricReading::noData(QStringLiteral("nothing recorded")));
    }
};

CriterionState stateOf(const QString& expression, MetricReading reading)
{
    auto parsed = CriterionExpression::parse(expression);
    EXPECT_TRUE(parsed.ok()) << expression.toStdString();
    if (!parsed)
        return CriterionState::NotApplicable;
    return parsed->judge(reading).state;
}

} // namespace

TEST(CriterionExpressionTest, ParsesTheFiveFormsAndRefusesOthers)
{
    for (const char* text : {"success_rate(1h) > 95%", "p95_latency(15m) < 200ms", "circuit_state == CLOSED",
                             "health_status == healthy", "uptime(24h) >= 99.9%", "mean_latency(15m) <= 0.2s"}) {
        auto parsed = CriterionExpression::parse(QString::fromUtf8(text));
        ASSERT_TRUE(parsed.ok()) << text;
    }
    auto window = CriterionExpression::parse(QStringLiteral("uptime(24h) >= 99.9%"));
    EXPECT_EQ(window->window(), std::chrono::hours(24));
    EXPECT_EQ(window->toString(), QStringLiteral("uptime(24h) >= 99.9%"));
    EXPECT_EQ(CriterionExpression::parse(QStringLiteral("mean_latency(15m) <= 0.2s"))->toString(), QStringLiteral("mean_latency(15m) <= 200ms"));
    for (const char* bad : {"", "success rate > 95%", "success_rate(1h) >", "circuit_state > CLOSED", "x(1y) > 1", "a == 'b'; DROP"}) {
        auto parsed = CriterionExpression::parse(QString::fromUtf8(bad));
        EXPECT_FALSE(parsed.ok()) << bad;
        if (!parsed.ok()) {
            EXPECT_EQ(parsed.error().kind, ErrorKind::InvalidInput);
        }
    }
}

TEST(CriterionExpressionTest, SuccessRateAtBelowAndAboveThreshold)
{
    EXPECT_EQ(stateOf(QStringLiteral("success_rate(1h) > 95%"), MetricReading::value(95.0)), CriterionState::NotMet);
    EXPECT_EQ(stateOf(QStringLiteral("success_rate(1h) > 95%"), MetricReading::value(94.99)), CriterionState::NotMet);
    EXPECT_EQ(stateOf(QStringLiteral("success_rate(1h) > 95%"), MetricReading::value(95.01)), CriterionState::Met);
}

TEST(CriterionExpressionTest, LatencyAtBelowAndAboveThreshold)
{
    EXPECT_EQ(stateOf(QStringLiteral("p95_latency(15m) < 200ms"), MetricReading::value(200.0)), CriterionState::NotMet);
    EXPECT_EQ(stateOf(QStringLiteral("p95_latency(15m) < 200ms"), MetricReading::value(199.9)), CriterionState::Met);
    EXPECT_EQ(stateOf(QStringLiteral("p95_latency(15m) < 200ms"), MetricReading::value(200.1)), CriterionState::NotMet);
}

TEST(CriterionExpressionTest, UptimeAtBelowAndAboveThreshold)
{
    EXPECT_EQ(stateOf(QStringLiteral("uptime(24h) >= 99.9%"), MetricReading::value(99.9)), CriterionState::Met);
    EXPECT_EQ(stateOf(QStringLiteral("uptime(24h) >= 99.9%"), MetricReading::value(99.89)), CriterionState::NotMet);
    EXPECT_EQ(stateOf(QStringLiteral("uptime(24h) >= 99.9%"), MetricReading::value(99.91)), CriterionState::Met);
}

TEST(CriterionExpressionTest, WordsCompareCaseInsensitively)
{
    EXPECT_EQ(stateOf(QStringLiteral("circuit_state == CLOSED"), MetricReading::word(QStringLiteral("CLOSED"))), CriterionState::Met);
    EXPECT_EQ(stateOf(QStringLiteral("circuit_state == CLOSED"), MetricReading::word(QStringLiteral("HALF_OPEN"))), CriterionState::NotMet);
    EXPECT_EQ(stateOf(QStringLiteral("health_status == healthy"), MetricReading::word(QStringLiteral("Healthy"))), CriterionState::Met);
    EXPECT_EQ(stateOf(QStringLiteral("health_status == healthy"), MetricReading::word(QStringLiteral("degraded"))), CriterionState::NotMet);
    EXPECT_EQ(stateOf(QStringLiteral("health_status != healthy"), MetricReading::word(QStringLiteral("degraded"))), CriterionState::Met);
}

TEST(CriterionExpressionTest, NoDataIsNeverMetAndUnsupportedIsNotApplicable)
{
    for (const char* text : {"success_rate(1h) > 95%", "p95_latency(15m) < 200ms", "circuit_state == CLOSED",
                             "health_status == healthy", "uptime(24h) >= 99.9%", "success_rate(1h) != 50%",
                             "health_status != down"}) {
        EXPECT_EQ(stateOf(QString::fromUtf8(text), MetricReading::noData(QString())), CriterionState::NotMeasured) << text;
        EXPECT_EQ(stateOf(QString::fromUtf8(text), MetricReading{}), CriterionState::NotMeasured) << text;
        EXPECT_EQ(stateOf(QString::fromUtf8(text), MetricReading::unsupported(QString())), CriterionState::NotApplicable) << text;
    }
    FixedSource source;
    auto expression = CriterionExpression::parse(QStringLiteral("uptime(24h) >= 99.9%"));
    EXPECT_EQ(expression->evaluate(source).state, CriterionState::NotMeasured);
    EXPECT_EQ(source.lastWindow, std::chrono::hours(24));
    source.readings.insert(QStringLiteral("uptime"), MetricReading::value(99.95));
    const CriterionEvaluation evaluation = expression->evaluate(source);
    EXPECT_EQ(evaluation.state, CriterionState::Met);
    EXPECT_EQ(evaluation.measured, QStringLiteral("99.95%"));
}

TEST(CriterionExpressionTest, PoolMetricSourceMeasuresSuccessLatencyAndCircuit)
{
    PoolMetrics metrics;
    PoolMetricSource source([&metrics] { return metrics; });
    auto success = CriterionExpression::parse(QStringLiteral("success_rate(1h) > 95%"));
    auto latency = CriterionExpression::parse(QStringLiteral("p95_latency(15m) < 200ms"));
    auto circuit = CriterionExpression::parse(QStringLiteral("circuit_state == CLOSED"));
    auto uptime = CriterionExpression::parse(QStringLiteral("uptime(24h) >= 99.9%"));
    // A fresh pool: no calls, no latency: not measured, never met.
    EXPECT_EQ(success->evaluate(source).state, CriterionState::NotMeasured);
    EXPECT_EQ(latency->evaluate(source).state, CriterionState::NotMeasured);
    EXPECT_EQ(circuit->evaluate(source).state, CriterionState::Met);
    EXPECT_EQ(uptime->evaluate(source).state, CriterionState::NotApplicable);

    metrics.calls = 100;
    metrics.failures = 5;  // exactly 95%: "> 95%" is not met
    EXPECT_EQ(success->evaluate(source).state, CriterionState::NotMet);
    metrics.calls = 1000;
    metrics.failures = 49;  // 95.1%
    EXPECT_EQ(success->evaluate(source).state, CriterionState::Met);
    metrics.queryLatency.count = 10;
    metrics.queryLatency.p95Ms = 250.0;
    EXPECT_EQ(latency->evaluate(source).state, CriterionState::NotMet);
    metrics.queryLatency.p95Ms = 12.0;
    EXPECT_EQ(latency->evaluate(source).state, CriterionState::Met);
    metrics.circuit.state = CircuitState::Open;
    const CriterionEvaluation open = circuit->evaluate(source);
    EXPECT_EQ(open.state, CriterionState::NotMet);
    EXPECT_EQ(open.measured, QStringLiteral("OPEN"));
}

TEST(ReportTest, MarkdownKeepsPlanTextInsideItsTableCellsAndLinksTheChart)
{
    Report report;
    report.title = QStringLiteral("Checkpoint report: Day | 4");
    ReportSection section;
    section.heading = QStringLiteral("Criteria");
    section.tableHeader = {QStringLiteral("Criterion"), QStringLiteral("Value")};
    section.tableRows << QStringList{QStringLiteral("a | b\nc"), QStringLiteral("97%")};
    section.paragraphs << QStringLiteral("Not all criteria are met.");
    section.bullets << QStringLiteral("GO by rana");
    report.sections << section;
    report.chartTitle = QStringLiteral("success_rate, last 24 hours");
    EXPECT_EQ(report.toMarkdown(QStringLiteral("r.chart.png")),
              QStringLiteral("# Checkpoint report: Day \\| 4\n\n## Criteria\n\n| Criterion | Value |\n|---|---|\n| a \\| b c | 97% |\n\n"
                             "Not all criteria are met.\n\n- GO by rana\n\n![success_rate, last 24 hours](r.chart.png)\n"));
    EXPECT_FALSE(report.toMarkdown().contains(QStringLiteral("![")));
}
