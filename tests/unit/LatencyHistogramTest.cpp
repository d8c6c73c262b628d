// SPDX-License-Identifier: MIT
// Sliding-window latency percentiles: the error bound against exact percentiles, the window's
// edges, and empty windows. ManualClock only.

#include "db/LatencyHistogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <latch>
#include <numeric>
#include <random>
#include <thread>
#include <vector>

namespace {

using namespace ops::services;
using namespace std::chrono_literals;

// The documented bound: half a bucket, and a bucket is at most 1/32 of its lower bound wide.
constexpr double kRelativeErrorBound = 1.0 / 64.0;

// Nearest rank, the definition the histogram approximates.
double exactPercentileMs(std::vector<std::int64_t> sorted, double p)
{
    const auto rank = std::max<std::size_t>(1, std::size_t(std::ceil(p * double(sorted.size()) - 1e-9)));
    return double(sorted[rank - 1]) / 1e6;
}

void expectZeros(const LatencySnapshot& snapshot)
{
    EXPECT_EQ(snapshot.count, 0u);
    EXPECT_EQ(snapshot.p50Ms, 0.0);
    EXPECT_EQ(snapshot.p95Ms, 0.0);
    EXPECT_EQ(snapshot.p99Ms, 0.0);
    EXPECT_EQ(snapshot.maxMs, 0.0);
    EXPECT_EQ(snapshot.meanMs, 0.0);
}

void expectWithinBound(double reported, double exact, const char* what)
{
    EXPECT_LE(std::abs(reported - exact) / exact, kRelativeErrorBound)
        << what << ": reported " << reported << " ms, exact " << exact << " ms";
}

// Records `values` (spread over `seconds` seconds) and checks every statistic against the exact ones.
void checkAgainstExact(std::vector<std::int64_t> values, int seconds)
{
    ManualClock clock;
    LatencyHistogram histogram(60s, clock);
    const std::size_t perSecond = (values.size() + std::size_t(seconds) - 1) / std::size_t(seconds);
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (i > 0 && i % perSecond == 0)
            clock.advance(1s);
        histogram.record(std::chrono::nanoseconds(values[i]));
    }
    const auto snapshot = histogram.snapshot();
    std::sort(values.begin(), values.end());
    ASSERT_EQ(snapshot.count, values.size());
    expectWithinBound(snapshot.p50Ms, exactPercentileMs(values, 0.50), "p50");
    expectWithinBound(snapshot.p95Ms, exactPercentileMs(values, 0.95), "p95");
    expectWithinBound(snapshot.p99Ms, exactPercentileMs(values, 0.99), "p99");
    EXPECT_DOUBLE_EQ(snapshot.maxMs, double(values.back()) / 1e6);
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size()) / 1e6;
    EXPECT_NEAR(snapshot.meanMs, mean, mean * 1e-9);
}

TEST(LatencyHistogramTest, BucketsTileTheRangeWithBoundedWidth)
{
    EXPECT_EQ(LatencyHistogram::bucketIndex(-5), 0);
    EXPECT_EQ(LatencyHistogram::bucketIndex(LatencyHistogram::kHighestTrackableNanos), LatencyHistogram::kBucketCount - 1);
    EXPECT_EQ(LatencyHistogram::bucketIndex(3'600'000'000'000LL), LatencyHistogram::kBucketCount - 1) << "clamped";
    std::int64_t expectedLower = 0;
    for (int i = 0; i < LatencyHistogram::kBucketCount; ++i) {
        const std::int64_t lower = LatencyHistogram::bucketLowerBound(i);
        const std::int64_t width = LatencyHistogram::bucketWidth(i);
        ASSERT_EQ(lower, expectedLower) << "bucket " << i << " leaves a gap or overlaps";
        ASSERT_EQ(LatencyHistogram::bucketIndex(lower), i);
        ASSERT_EQ(LatencyHistogram::bucketIndex(lower + width - 1), i);
        if (lower >= 1000) {  // from 1 us up
            ASSERT_LE(double(width) / double(lower), 1.0 / 32.0) << "bucket " << i;
        }
        expectedLower = lower + width;
    }
    EXPECT_GT(expectedLower, LatencyHistogram::kHighestTrackableNanos) << "the buckets reach 60 s";
}

TEST(LatencyHistogramTest, AnEmptyHistogramReportsZeros)
{
    ManualClock clock;
    LatencyHistogram histogram(60s, clock);
    expectZeros(histogram.snapshot());
}

TEST(LatencyHistogramTest, PercentilesOfLogUniformDataAreWithinTheBound)
{
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> exponent(std::log(1e3), std::log(10e9));  // 1 us .. 10 s
    std::vector<std::int64_t> values(100000);
    for (auto& value : values)
        value = std::int64_t(std::exp(exponent(random)));
    checkAgainstExact(values, 1);
}

TEST(LatencyHistogramTest, PercentilesOfATypicalQueryMixSpreadOverSecondsAreWithinTheBound)
{
    // Mostly 0.2-3 ms queries, 2% slow ones between 200 ms and 5 s: p99 lands in the slow tail.
    std::mt19937_64 random(7);
    std::lognormal_distribution<double> fast(std::log(800e3), 0.6);
    std::uniform_real_distribution<double> slow(200e6, 5e9);
    std::bernoulli_distribution isSlow(0.02);
    std::vector<std::int64_t> values(50000);
    for (auto& value : values)
        value = std::int64_t(isSlow(random) ? slow(random) : fast(random));
    checkAgainstExact(values, 30);
}

TEST(LatencyHistogramTest, SmallSamplesUseNearestRank)
{
    std::vector<std::int64_t> values;
    for (int ms = 1; ms <= 100; ++ms)
        values.push_back(std::int64_t(ms) * 1'000'000);
    checkAgainstExact(values, 1);

    ManualClock clock;
    LatencyHistogram histogram(60s, clock);
    histogram.record(1234567ns);
    const auto one = histogram.snapshot();
    EXPECT_EQ(one.count, 1u);
    EXPECT_DOUBLE_EQ(one.maxMs, 1.234567);
    EXPECT_DOUBLE_EQ(one.meanMs, 1.234567);
    for (double p : {one.p50Ms, one.p95Ms, one.p99Ms}) {
        EXPECT_LE(p, one.maxMs) << "a percentile never exceeds the maximum";
        expectWithinBound(p, 1.234567, "single value");
    }
}

TEST(LatencyHistogramTest, SecondsOlderThanTheWindowDropOut)
{
    ManualClock clock;
    LatencyHistogram histogram(60s, clock);
    for (int i = 0; i < 100; ++i)
        histogram.record(1ms);
    clock.advance(30s);
    for (int i = 0; i < 100; ++i)
        histogram.record(10ms);

    auto both = histogram.snapshot();
    EXPECT_EQ(both.count, 200u);
    EXPECT_NEAR(both.meanMs, 5.5, 1e-9);
    EXPECT_NEAR(both.p50Ms, 1.0, 1.0 * kRelativeErrorBound);

    clock.advance(29s);  // the first batch is 59 s old: still in
    EXPECT_EQ(histogram.snapshot().count, 200u);
    clock.advance(1s);   // 60 s old: out
    auto recent = histogram.snapshot();
    EXPECT_EQ(recent.count, 100u);
    EXPECT_NEAR(recent.p50Ms, 10.0, 10.0 * kRelativeErrorBound);
    EXPECT_DOUBLE_EQ(recent.maxMs, 10.0);
    EXPECT_DOUBLE_EQ(recent.meanMs, 10.0);

    clock.advance(30s);
    expectZeros(histogram.snapshot());

    // Recording again after a long quiet spell starts from a clean window.
    clock.advance(1h);
    histogram.record(2ms);
    auto fresh = histogram.snapshot();
    EXPECT_EQ(fresh.count, 1u);
    EXPECT_DOUBLE_EQ(fresh.maxMs, 2.0);
}

TEST(LatencyHistogramTest, TheMaximumComesFromTheWindowOnly)
{
    ManualClock clock;
    LatencyHistogram histogram(5s, clock);
    histogram.record(900ms);
    clock.advance(1s);
    histogram.record(3ms);
    EXPECT_DOUBLE_EQ(histogram.snapshot().maxMs, 900.0);
    clock.advance(4s);
    const auto later = histogram.snapshot();
    EXPECT_EQ(later.count, 1u);
    EXPECT_DOUBLE_EQ(later.maxMs, 3.0);
    EXPECT_LE(later.p99Ms, 3.0);
}

TEST(LatencyHistogramTest, ValuesAboveTheRangeClampInTheHistogramButNotInMaxOrMean)
{
    ManualClock clock;
    LatencyHistogram histogram(60s, clock);
    histogram.record(120s);
    histogram.record(-5ms);  // a clock quirk: counts as 0
    const auto snapshot = histogram.snapshot();
    EXPECT_EQ(snapshot.count, 2u);
    EXPECT_DOUBLE_EQ(snapshot.maxMs, 120000.0);
    EXPECT_DOUBLE_EQ(snapshot.meanMs, 60000.0);
    EXPECT_EQ(snapshot.p50Ms, 0.0);
    EXPECT_NEAR(snapshot.p99Ms, 60000.0, 60000.0 * kRelativeErrorBound) << "the top bucket is 60 s";
}

TEST(LatencyHistogramTest, RecordingFromManyThreadsLosesNothing)
{
    ManualClock clock;
    LatencyHistogram histogram(60s, clock);
    constexpr int kThreads = 4;
    constexpr int kEach = 20000;
    std::latch start(kThreads + 1);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
        threads.emplace_back([&, t] {
            start.arrive_and_wait();
            for (int i = 0; i < kEach; ++i) {
                histogram.record(std::chrono::microseconds(100 + (i % 1000) + t));
                if (t == 0 && i % 5000 == 0)
                    clock.advance(1s);  // seconds roll over while others record
            }
        });
    }
    threads.emplace_back([&] {
        start.arrive_and_wait();
        for (int i = 0; i < 50; ++i)
            (void)histogram.snapshot();
    });
    for (auto& thread : threads)
        thread.join();
    const auto snapshot = histogram.snapshot();
    EXPECT_EQ(snapshot.count, quint64(kThreads) * kEach);
    EXPECT_DOUBLE_EQ(snapshot.maxMs, (100 + 999 + 3) / 1000.0);
}

} // namespace
