// SPDX-License-Identifier: MIT
// The Prometheus text format as real exporters write it (postgres_exporter, Supabase), and the
// series selectors that pick metrics from it; also the monitor config that carries them.
#include "health/HttpProbe.h"
#include "health/MonitorConfig.h"
#include "health/PrometheusText.h"
#include "common/SecretStore.h"

#include <QJsonArray>
#include <QProcessEnvironment>

#include <gtest/gtest.h>

#include <cmath>

using namespace ops::services;

namespace {

const QByteArray exposition = R"(# HELP pg_stat_database_xact_commit Number of transactions in this database that have been committed
# TYPE pg_stat_database_xact_commit counter
pg_stat_database_xact_commit{datid="5",datname="postgres",server="db:5432"} 1234
pg_stat_database_xact_commit{datid="1",datname="template1",server="db:5432"} 7
pg_stat_database_xact_commit{datname="app"} 2.5e3 1700000000000
# a free comment
go_gc_duration_seconds{quantile="0.5"} NaN
http_request_size_max +Inf
temperature_delta -Inf
weird_label{path="C:\\dir",msg="say \"hi\"\nbye",} 1
up 1
   
this is not a sample
broken{label="unterminated} 3
missing_value{a="b"}
trailing 1 2 3
)";

} // namespace

TEST(PrometheusText, ParsesCommentsLabelsSpecialValuesAndTimestamps)
{
    const PromParseResult r = parsePrometheusText(exposition);
    ASSERT_EQ(r.samples.size(), 8u);
    EXPECT_EQ(r.samples[0].name, QStringLiteral("pg_stat_database_xact_commit"));
    EXPECT_EQ(r.samples[0].labels.value(QStringLiteral("datname")), QStringLiteral("postgres"));
    EXPECT_EQ(r.samples[0].labels.value(QStringLiteral("server")), QStringLiteral("db:5432"));
    EXPECT_DOUBLE_EQ(r.samples[0].value, 1234);
    EXPECT_FALSE(r.samples[0].timestampMs.has_value());
    EXPECT_DOUBLE_EQ(r.samples[2].value, 2500);
    ASSERT_TRUE(r.samples[2].timestampMs.has_value());
    EXPECT_EQ(*r.samples[2].timestampMs, 1700000000000);
    EXPECT_TRUE(std::isnan(r.samples[3].value));
    EXPECT_TRUE(std::isinf(r.samples[4].value) && r.samples[4].value > 0);
    EXPECT_TRUE(std::isinf(r.samples[5].value) && r.samples[5].value < 0);
    EXPECT_EQ(r.samples[6].labels.value(QStringLiteral("path")), QStringLiteral("C:\\dir"));
    EXPECT_EQ(r.samples[6].labels.value(QStringLiteral("msg")), QStringLiteral("say \"hi\"\nbye"));
    EXPECT_EQ(r.samples[7].name, QStringLiteral("up"));
}

TEST(PrometheusText, MalformedLinesAreCountedAndTheRestIsKept)
{
    const PromParseResult r = parsePrometheusText(exposition);
    EXPECT_EQ(r.malformedLines, 4);
    ASSERT_FALSE(r.problems.isEmpty());
    EXPECT_TRUE(r.problems.first().startsWith(QStringLiteral("line 13:"))) << r.problems.first().toStdString();
    const PromParseResult garbage = parsePrometheusText(QByteArray("\x01\x02{{{\n}}} 1\n=\nok 4\n"));
    EXPECT_EQ(garbage.malformedLines, 3);
    ASSERT_EQ(garbage.samples.size(), 1u);
    EXPECT_DOUBLE_EQ(garbage.samples[0].value, 4);
}

TEST(PrometheusText, SelectorsMatchNameAndListedLabelsAndSumSeveral)
{
    QString error;
    auto postgres = SeriesSelector::parse(QStringLiteral(R"(pg_stat_database_xact_commit{datname="postgres"})"), &error);
    ASSERT_TRUE(postgres) << error.toStdString();
    auto all = SeriesSelector::parse(QStringLiteral("pg_stat_database_xact_commit"));
    auto absent = SeriesSelector::parse(QStringLiteral(R"(pg_stat_database_xact_commit{datname="nope"})"));
    ASSERT_TRUE(all && absent);
    const PromParseResult r = parsePrometheusText(exposition);
    const SelectedSeries selected = selectSeries(r.samples, {*postgres, *all, *absent});
    EXPECT_DOUBLE_EQ(selected.values.value(postgres->text), 1234);
    EXPECT_DOUBLE_EQ(selected.values.value(all->text), 1234 + 7 + 2500);
    EXPECT_EQ(selected.missing, QStringList{absent->text});

    EXPECT_FALSE(SeriesSelector::parse(QStringLiteral("{datname=\"x\"}"), &error));
    EXPECT_FALSE(SeriesSelector::parse(QStringLiteral("name{datname=x}"), &error));
    EXPECT_FALSE(SeriesSelector::parse(QStringLiteral("name{a=\"b\"} extra"), &error));
    EXPECT_TRUE(error.contains(QStringLiteral("name{a=\"b\"} extra")));
}

TEST(PrometheusText, OnlyNamedMetricsAreParsedWhenAsked)
{
    const PromParseResult some = parsePrometheusText(exposition, {"up", "broken", "pg_stat_database_xact_commit"});
    ASSERT_EQ(some.samples.size(), 4u);
    EXPECT_EQ(some.samples.back().name, QStringLiteral("up"));
    EXPECT_EQ(some.malformedLines, 1);  // broken{label="unterminated} 3
    EXPECT_TRUE(parsePrometheusText(exposition, {"absent"}).samples.empty());
}

TEST(PrometheusText, ProbeBodyKeepsFiniteSeriesAndNotesTheRest)
{
    ProbeResult result;
    HttpProbe::parsePrometheusBody(exposition, {*SeriesSelector::parse(QStringLiteral("up")),
                                                *SeriesSelector::parse(QStringLiteral("go_gc_duration_seconds")),
                                                *SeriesSelector::parse(QStringLiteral("absent_metric"))}, result);
    EXPECT_DOUBLE_EQ(result.metrics.value(QStringLiteral("up")), 1);
    EXPECT_FALSE(result.metrics.contains(QStringLiteral("go_gc_duration_seconds")));
    // Malformed lines of metrics nobody selected are skipped unread.
    EXPECT_DOUBLE_EQ(result.metrics.value(QStringLiteral("scrape.malformed_lines")), 0);
    EXPECT_TRUE(result.note.contains(QStringLiteral("absent_metric"))) << result.note.toStdString();
    EXPECT_TRUE(result.note.contains(QStringLiteral("nan"))) << result.note.toStdString();
}

TEST(MonitorConfigTest, PrometheusNeedsSeriesAndCredentialsComeFromTheSecretStore)
{
    EXPECT_FALSE(MonitorConfig::parse(QStringLiteral("prometheus"), {}).ok());
    const QJsonObject json{{QStringLiteral("series"), QJsonArray{QStringLiteral("up")}},
                           {QStringLiteral("username"), QStringLiteral("metrics")},
                           {QStringLiteral("secret"), QStringLiteral("supabase-metrics")}};
    auto config = MonitorConfig::parse(QStringLiteral("prometheus"), json);
    ASSERT_TRUE(config.ok()) << config.error().toString().toStdString();
    ASSERT_EQ(config->thresholds.size(), 1u);  // the plan's p95 > 200 ms for 5 min
    EXPECT_EQ(config->thresholds[0].describe(), QStringLiteral("latency_p95 > 200 for 300 s"));

    SecretStore secrets(QStringLiteral("ops-console-tests"), /*useKeyring=*/false);
    auto missing = config->authorization(&secrets);
    ASSERT_FALSE(missing.ok());
    EXPECT_TRUE(missing.error().message.contains(QStringLiteral("OPS_SECRET_SUPABASE_METRICS")));
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("OPS_SECRET_SUPABASE_METRICS"), QStringLiteral("s3cr:t"));
    environment.insert(QStringLiteral("UNRELATED"), QStringLiteral("x"));
    EXPECT_EQ(secrets.fillFromEnvironment(environment), 1);
    auto header = config->authorization(&secrets);
    ASSERT_TRUE(header.ok());
    EXPECT_EQ(header.value(), "Basic " + QByteArray("metrics:s3cr:t").toBase64());

    EXPECT_FALSE(MonitorConfig::parse(QStringLiteral("http"), QJsonObject{{QStringLiteral("secret"), QStringLiteral("x")}}).ok());
    auto custom = MonitorConfig::parse(QStringLiteral("postgres"),
                                       QJsonObject{{QStringLiteral("thresholds"), QJsonArray{QJsonObject{
                                           {QStringLiteral("metric"), QStringLiteral("cache_hit_percent")},
                                           {QStringLiteral("below"), 95}, {QStringLiteral("for_s"), 60}}}}});
    ASSERT_TRUE(custom.ok());
    EXPECT_EQ(custom->thresholds.at(0).describe(), QStringLiteral("cache_hit_percent < 95 for 60 s"));
    EXPECT_TRUE(MonitorConfig::parse(QStringLiteral("postgres"), {})->thresholds.empty());
}
