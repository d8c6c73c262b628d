// SPDX-License-Identifier: MIT
#include "health/Decimation.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

using namespace ops::services;

namespace {

std::vector<QPointF> noise(int count, unsigned seed)
{
    std::mt19937 random(seed);
    std::uniform_real_distribution<double> value(10, 50);
    std::vector<QPointF> points;
    points.reserve(std::size_t(count));
    for (int i = 0; i < count; ++i)
        points.emplace_back(double(i), value(random));
    return points;
}

} // namespace

TEST(DecimationTest, ThirtyDaysOfSecondsFitTwoPointsPerColumn)
{
    const int count = 30 * 24 * 3600;
    const std::vector<QPointF> points = noise(count, 1);
    const DecimatedSeries d = decimateMinMax(points, 0, count - 1, 1200);
    ASSERT_EQ(d.segments.size(), 1u);
    EXPECT_LE(d.pointCount(), 2u * 1200u + 1u);
    EXPECT_GE(d.pointCount(), 1200u);
    EXPECT_TRUE(std::is_sorted(d.segments[0].begin(), d.segments[0].end(),
                               [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
}

TEST(DecimationTest, ASingleSpikeAndADipSurvive)
{
    std::vector<QPointF> points = noise(100000, 2);
    points[54321].setY(5000);   // one spike
    points[77777].setY(-300);   // one dip
    const DecimatedSeries d = decimateMinMax(points, 0, 99999, 300);
    const auto& s = d.segments.at(0);
    EXPECT_TRUE(std::any_of(s.begin(), s.end(), [](const QPointF& p) { return p.x() == 54321 && p.y() == 5000; }));
    EXPECT_TRUE(std::any_of(s.begin(), s.end(), [](const QPointF& p) { return p.x() == 77777 && p.y() == -300; }));
}

TEST(DecimationTest, EveryColumnsExtremesAreKept)
{
    const std::vector<QPointF> points = noise(50000, 3);
    const int columns = 137;
    const DecimatedSeries d = decimateMinMax(points, 0, 49999, columns);
    const double width = 49999.0 / columns;
    for (int c = 0; c < columns; ++c) {
        double lo = 1e9, hi = -1e9;
        for (const QPointF& p : points) {
            if (std::min<long>(long(p.x() / width), columns - 1) != c)
                continue;
            lo = std::min(lo, p.y());
            hi = std::max(hi, p.y());
        }
        const auto& s = d.segments[0];
        EXPECT_TRUE(std::any_of(s.begin(), s.end(), [&](const QPointF& p) { return p.y() == lo; })) << "column " << c;
        EXPECT_TRUE(std::any_of(s.begin(), s.end(), [&](const QPointF& p) { return p.y() == hi; })) << "column " << c;
    }
}

TEST(DecimationTest, FewPointsAreKeptAsTheyAreAndRangeIsRespected)
{
    const std::vector<QPointF> points = {{0, 1}, {10, 2}, {20, 3}, {30, 4}, {40, 5}};
    const DecimatedSeries d = decimateMinMax(points, 10, 30, 1000);
    ASSERT_EQ(d.segments.size(), 1u);
    EXPECT_EQ(d.segments[0], (std::vector<QPointF>{{10, 2}, {20, 3}, {30, 4}}));
}

TEST(DecimationTest, AGapLongerThanTheThresholdBreaksTheLine)
{
    std::vector<QPointF> points;
    for (int i = 0; i < 100; ++i)
        points.emplace_back(i, 1);
    for (int i = 200; i < 300; ++i)  // 100 s missing
        points.emplace_back(i, 2);
    const DecimatedSeries broken = decimateMinMax(points, 0, 299, 50, 10);
    EXPECT_EQ(broken.segments.size(), 2u);
    EXPECT_EQ(broken.segments[0].back().x(), 99);
    EXPECT_EQ(broken.segments[1].front().x(), 200);
    EXPECT_EQ(decimateMinMax(points, 0, 299, 50, 0).segments.size(), 1u);
}

TEST(DecimationTest, EmptyAndDegenerateInputs)
{
    EXPECT_EQ(decimateMinMax({}, 0, 10, 10).pointCount(), 0u);
    const std::vector<QPointF> points = {{1, 1}};
    EXPECT_EQ(decimateMinMax(points, 5, 5, 10).pointCount(), 0u);
    EXPECT_EQ(decimateMinMax(points, 0, 10, 0).pointCount(), 0u);
    EXPECT_EQ(decimateMinMax(points, 0, 10, 10).pointCount(), 1u);
}
