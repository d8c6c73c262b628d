// SPDX-License-Identifier: MIT
#pragma once

// LatencyHistogram: latency percentiles (p50, p95, p99), max and mean over a sliding window of the
// last `window` seconds, cheap enough to record every query.
//
// Values go into a log-linear histogram (HdrHistogram layout, nanosecond units, 64 sub-buckets per
// power of two): every bucket above 64 ns is at most 1/32 of its lower bound wide, and a percentile
// is reported as its bucket's midpoint, so from 1 us to 60 s a reported percentile is within about
// 1.6% of the exact nearest-rank value. Longer values count in the top bucket (60 s); max and mean
// use the exact values. One histogram per second in a ring of `window` slots, plus a running total
// of the window, so snapshot() copies one histogram instead of merging `window` of them. Memory is
// about 4 KiB per second of window (~250 KiB for 60 s).
//
// Thread-safety: record() and snapshot() may be called from any thread concurrently; both take a
// short mutex (record: a few increments; once a second one of them also retires the oldest second).
// Errors: none; negative durations count as 0, an empty window reports all zeros.

#include "db/Clock.h"

#include <QtGlobal>

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

namespace ops::services {

struct LatencySnapshot {
    quint64 count = 0;
    double p50Ms = 0.0;
    double p95Ms = 0.0;
    double p99Ms = 0.0;
    double maxMs = 0.0;
    double meanMs = 0.0;
};

class LatencyHistogram final {
public:
    explicit LatencyHistogram(std::chrono::seconds window = std::chrono::seconds(60),
                              const Clock& clock = SteadyClock::instance());
    LatencyHistogram(const LatencyHistogram&) = delete;
    LatencyHistogram& operator=(const LatencyHistogram&) = delete;

    void record(std::chrono::nanoseconds duration);
    LatencySnapshot snapshot() const;

    // The layout, public for tests and for anyone plotting the distribution.
    static constexpr int kSubBucketBits = 6;
    static constexpr std::int64_t kHighestTrackableNanos = 60'000'000'000LL;  // 60 s
    static int bucketIndex(std::int64_t nanos);        // clamps to [0, kHighestTrackableNanos]
    static std::int64_t bucketLowerBound(int index);   // smallest value in the bucket
    static std::int64_t bucketWidth(int index);        // number of nanosecond values in the bucket
    static const int kBucketCount;

private:
    struct Second {
        std::vector<quint32> counts;  // kBucketCount
        quint64 count = 0;
        quint64 sumNanos = 0;
        std::int64_t maxNanos = 0;
    };
    void advance(long long second) const;
    long long currentSecond() const;

    const int m_windowSeconds = 60;
    const Clock& m_clock;

    mutable std::mutex m_mutex;  // guards everything below
    mutable std::vector<Second> m_seconds;  // ring indexed by second % window
    mutable std::vector<quint64> m_total;   // sum of m_seconds[*].counts
    mutable quint64 m_count = 0;            // sum of m_seconds[*].count
    mutable quint64 m_sumNanos = 0;
    mutable long long m_lastSecond = 0;
};

} // namespace ops::services
