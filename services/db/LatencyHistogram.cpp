// SPDX-License-Identifier: MIT
#include "db/LatencyHistogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace ops::services {

namespace {

constexpr int kSubBuckets = 1 << LatencyHistogram::kSubBucketBits;  // 64
constexpr int kHalf = kSubBuckets / 2;                              // 32

constexpr int indexOf(std::uint64_t v)
{
    // Values below 64 ns each get their own bucket; above, each power of two [2^e, 2^(e+1)) is cut
    // into 32 equal buckets, so a bucket is at most 1/32 of its lower bound wide.
    if (v < std::uint64_t(kSubBuckets))
        return int(v);
    const int exponent = int(std::bit_width(v)) - 1;         // >= kSubBucketBits
    const int shift = exponent - (LatencyHistogram::kSubBucketBits - 1);
    const int sub = int(v >> shift);                      // in [32, 64)
    return kSubBuckets + (exponent - LatencyHistogram::kSubBucketBits) * kHalf + (sub - kHalf);
}

double toMs(double nanos)
{
    return nanos / 1e6;
}

} // namespace

const int LatencyHistogram::kBucketCount = indexOf(std::uint64_t(LatencyHistogram::kHighestTrackableNanos)) + 1;

int LatencyHistogram::bucketIndex(std::int64_t nanos)
{
    return indexOf(std::uint64_t(std::clamp<std::int64_t>(nanos, 0, kHighestTrackableNanos)));
}

std::int64_t LatencyHistogram::bucketLowerBound(int index)
{
    if (index < kSubBuckets)
        return index;
    const int k = index - kSubBuckets;
    const int exponent = k / kHalf + kSubBucketBits;
    const int shift = exponent - (kSubBucketBits - 1);
    return std::int64_t(kHalf + k % kHalf) << shift;
}

std::int64_t LatencyHistogram::bucketWidth(int index)
{
    if (index < kSubBuckets)
        return 1;
    const int exponent = (index - kSubBuckets) / kHalf + kSubBucketBits;
    return std::int64_t(1) << (exponent - (kSubBucketBits - 1));
}

LatencyHistogram::LatencyHistogram(std::chrono::seconds window, const Clock& clock)
    : m_windowSeconds(int(std::clamp<long long>(window.count(), 1, 24 * 3600))),
      m_clock(clock),
      m_seconds(std::size_t(m_windowSeconds)),
      m_total(std::size_t(kBucketCount), 0)
{
    // Allocated once here so record() never allocates.
    for (Second& second : m_seconds)
        second.counts.assign(std::size_t(kBucketCount), 0);
    m_lastSecond = currentSecond();
}

long long LatencyHistogram::currentSecond() const
{
    return std::chrono::duration_cast<std::chrono::seconds>(m_clock.now().time_since_epoch()).count();
}

void LatencyHistogram::advance(long long second) const
{
    // A thread that read the clock just before another advanced the window records into the newest
    // second rather than into a slot that may already hold a different second.
    if (second <= m_lastSecond)
        return;
    const long long steps = std::min<long long>(second - m_lastSecond, m_windowSeconds);
    for (long long s = second - steps + 1; s <= second; ++s) {
        // The slot of second s last held second s - window, which has just left the window.
        Second& slot = m_seconds[std::size_t(s % m_windowSeconds)];
        if (slot.count == 0)
            continue;  // quiet seconds cost nothing to retire
        for (int i = 0; i < kBucketCount; ++i)
            m_total[std::size_t(i)] -= slot.counts[std::size_t(i)];
        std::fill(slot.counts.begin(), slot.counts.end(), 0);
        m_count -= slot.count;
        m_sumNanos -= slot.sumNanos;
        slot.count = 0;
        slot.sumNanos = 0;
        slot.maxNanos = 0;
    }
    m_lastSecond = second;
}

void LatencyHistogram::record(std::chrono::nanoseconds duration)
{
    const std::int64_t nanos = std::max<std::int64_t>(0, duration.count());
    const auto index = std::size_t(bucketIndex(nanos));
    // The clock and the bucket index are worked out before the mutex to keep it short.
    const long long second = currentSecond();
    std::lock_guard lock(m_mutex);
    advance(second);
    Second& slot = m_seconds[std::size_t(m_lastSecond % m_windowSeconds)];
    ++slot.counts[index];
    ++slot.count;
    slot.sumNanos += quint64(nanos);
    slot.maxNanos = std::max(slot.maxNanos, nanos);
    ++m_total[index];
    ++m_count;
    m_sumNanos += quint64(nanos);
}

LatencySnapshot LatencyHistogram::snapshot() const
{
    std::vector<quint64> counts;
    quint64 count = 0;
    quint64 sumNanos = 0;
    std::int64_t maxNanos = 0;
    {
        const long long second = currentSecond();
        std::lock_guard lock(m_mutex);
        advance(second);
        if (m_count == 0)
            return {};
        counts = m_total;
        count = m_count;
        sumNanos = m_sumNanos;
        for (const Second& slot : m_seconds)
            maxNanos = std::max(maxNanos, slot.maxNanos);
    }

    // Nearest-rank percentiles: the smallest value with at least p * count values at or below it.
    // The three ranks are found in one pass over the buckets.
    const double ps[3] = {0.50, 0.95, 0.99};
    double values[3] = {0, 0, 0};
    int next = 0;
    quint64 cumulative = 0;
    for (int i = 0; i < kBucketCount && next < 3; ++i) {
        cumulative += counts[std::size_t(i)];
        while (next < 3) {
            const auto rank = std::max<quint64>(1, quint64(std::ceil(ps[next] * double(count) - 1e-9)));
            if (cumulative < rank)
                break;
            // The bucket's midpoint halves the worst-case error of reporting either edge; never
            // above the exact maximum, which a sparse top bucket could otherwise overshoot.
            const double midpoint = double(bucketLowerBound(i)) + double(bucketWidth(i) - 1) / 2.0;
            values[next] = std::min(midpoint, double(maxNanos));
            ++next;
        }
    }

    LatencySnapshot snapshot;
    snapshot.count = count;
    snapshot.p50Ms = toMs(values[0]);
    snapshot.p95Ms = toMs(values[1]);
    snapshot.p99Ms = toMs(values[2]);
    snapshot.maxMs = toMs(double(maxNanos));
    snapshot.meanMs = toMs(double(sumNanos) / double(count));
    return snapshot;
}

} // namespace ops::services
