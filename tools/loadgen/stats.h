// What haven-loadgen counts on the receiving side: a latency histogram (fixed buckets,
// allocated once, so measuring does not grow the process while memory is being measured)
// and per-stream counters from the probes' own sequence numbers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace haven::loadgen {

// Latencies in µs: 1 µs buckets below 20 ms, 1 ms buckets up to 10 s, then one overflow
// bucket. Not thread-safe: one per client thread, merged afterwards.
class LatencyHistogram {
 public:
  LatencyHistogram();

  void record_ns(std::int64_t latency_ns) noexcept;
  void merge(const LatencyHistogram& other) noexcept;
  void clear() noexcept;

  std::uint64_t count() const noexcept { return count_; }
  // The latency (µs) at or below which `fraction` (0..1] of the samples lie; 0 if empty.
  double percentile_us(double fraction) const noexcept;
  double max_us() const noexcept { return static_cast<double>(max_ns_) / 1000.0; }
  double mean_us() const noexcept;

 private:
  static constexpr std::size_t kFineBuckets = 20'000;   // 0..19'999 µs
  static constexpr std::size_t kCoarseBuckets = 9'980;  // 20 ms..9'999 ms
  static double bucket_value_us(std::size_t bucket) noexcept;

  std::vector<std::uint64_t> buckets_;
  std::uint64_t count_ = 0;
  std::int64_t max_ns_ = 0;
  long double sum_ns_ = 0;
  std::uint64_t negative_ = 0;  // clock went backwards: counted as 0
};

// One stream (publisher × kind) as one receiver sees it.
struct StreamCounter {
  bool expected = false;
  std::uint64_t total = 0;  // since the client started
  bool decodable = false;   // video: a key frame has arrived
  std::int64_t pli_ns = 0;  // video: when the receiver asked for a key frame (0: never)
  // Measurement window.
  bool seen = false;
  std::uint64_t received = 0;
  std::uint32_t first_seq = 0;
  std::uint32_t highest_seq = 0;

  void on_packet(std::uint32_t seq, bool in_window) noexcept;
  void begin_window() noexcept {
    seen = false;
    received = 0;
  }
  // Packets numbered from the first to the highest seen in the window that never came
  // (reordered and duplicate packets do not count as lost).
  std::uint64_t expected_in_window() const noexcept {
    return seen ? std::uint64_t{highest_seq - first_seq} + 1 : 0;
  }
  std::uint64_t lost_in_window() const noexcept {
    const std::uint64_t want = expected_in_window();
    return received >= want ? 0 : want - received;
  }
};

// The window summary of one receiving client.
struct ReceiverSummary {
  std::uint64_t packets = 0;
  std::uint64_t expected = 0;  // per-stream sequence ranges
  std::uint64_t lost = 0;
  std::size_t streams_expected = 0;
  std::size_t streams_delivered = 0;  // expected streams with packets in the window
  std::uint64_t unexpected = 0;       // packets without a probe or from a stream not expected
};

ReceiverSummary summarize(const std::vector<StreamCounter>& streams,
                          std::uint64_t unexpected) noexcept;

}  // namespace haven::loadgen
