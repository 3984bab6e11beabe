// haven-loadgen's receive-side counters; see stats.h.
#include "stats.h"

#include <algorithm>
#include <cmath>

namespace haven::loadgen {

LatencyHistogram::LatencyHistogram() : buckets_(kFineBuckets + kCoarseBuckets + 1, 0) {}

void LatencyHistogram::record_ns(std::int64_t latency_ns) noexcept {
  if (latency_ns < 0) {
    ++negative_;
    latency_ns = 0;
  }
  const auto us = static_cast<std::uint64_t>(latency_ns / 1000);
  std::size_t bucket;
  if (us < kFineBuckets) {
    bucket = static_cast<std::size_t>(us);
  } else {
    const std::uint64_t ms = us / 1000;  // >= 20
    bucket = ms - 20 < kCoarseBuckets ? kFineBuckets + static_cast<std::size_t>(ms - 20)
                                      : kFineBuckets + kCoarseBuckets;
  }
  ++buckets_[bucket];
  ++count_;
  max_ns_ = std::max(max_ns_, latency_ns);
  sum_ns_ += static_cast<long double>(latency_ns);
}

void LatencyHistogram::merge(const LatencyHistogram& other) noexcept {
  for (std::size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  count_ += other.count_;
  max_ns_ = std::max(max_ns_, other.max_ns_);
  sum_ns_ += other.sum_ns_;
  negative_ += other.negative_;
}

void LatencyHistogram::clear() noexcept {
  std::fill(buckets_.begin(), buckets_.end(), 0);
  count_ = 0;
  max_ns_ = 0;
  sum_ns_ = 0;
  negative_ = 0;
}

// The upper edge of a bucket: a percentile never claims less than it measured.
double LatencyHistogram::bucket_value_us(std::size_t bucket) noexcept {
  if (bucket < kFineBuckets) return static_cast<double>(bucket + 1);
  return static_cast<double>((bucket - kFineBuckets + 21) * 1000);
}

double LatencyHistogram::percentile_us(double fraction) const noexcept {
  if (count_ == 0) return 0;
  fraction = std::clamp(fraction, 0.0, 1.0);
  // Nearest rank: the smallest sample with at least `fraction` of them at or below it.
  auto rank = static_cast<std::uint64_t>(std::ceil(fraction * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  std::uint64_t seen = 0;
  for (std::size_t i = 0; i < buckets_.size(); ++i) {
    seen += buckets_[i];
    if (seen >= rank) {
      if (i == buckets_.size() - 1) return max_us();
      return std::min(bucket_value_us(i), max_us());
    }
  }
  return max_us();
}

double LatencyHistogram::mean_us() const noexcept {
  if (count_ == 0) return 0;
  return static_cast<double>(sum_ns_ / static_cast<long double>(count_)) / 1000.0;
}

void StreamCounter::on_packet(std::uint32_t seq, bool in_window) noexcept {
  ++total;
  if (!in_window) return;
  ++received;
  if (!seen) {
    seen = true;
    first_seq = seq;
    highest_seq = seq;
    return;
  }
  // Serial-number comparison (RFC 1982 style) so a late packet from before the first one
  // seen widens the range instead of looking 4 billion packets ahead.
  const auto ahead = static_cast<std::int32_t>(seq - highest_seq);
  if (ahead > 0) {
    highest_seq = seq;
  } else if (static_cast<std::int32_t>(seq - first_seq) < 0) {
    first_seq = seq;
  }
}

ReceiverSummary summarize(const std::vector<StreamCounter>& streams,
                          std::uint64_t unexpected) noexcept {
  ReceiverSummary s;
  s.unexpected = unexpected;
  for (const auto& c : streams) {
    if (!c.expected) continue;
    ++s.streams_expected;
    if (c.received > 0) ++s.streams_delivered;
    s.packets += c.received;
    s.expected += c.expected_in_window();
    s.lost += c.lost_in_window();
  }
  return s;
}

}  // namespace haven::loadgen
