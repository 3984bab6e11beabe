// How long received datagrams stay in the SFU: from the kernel's receive timestamp
// (SO_TIMESTAMPNS) to the return of the sendmmsg(2) that sent the datagram's whole fan-out.
// That is the latency the server itself adds (socket queue, SRTP, routing, the send call),
// without the clients' share that the load generator's end-to-end figure also holds
// (docs/PERFORMANCE.md "Latency inside the server"). Measuring is opt-in
// (WebRtcServerOptions::measure_dwell): kernel timestamps cost a little on every packet.
//
// One writer (the media thread) and any number of readers: buckets are relaxed atomics
// written with plain load + store, so recording costs no locked instruction.
#pragma once

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace haven::sfu {

class DwellHistogram {
 public:
  static constexpr std::int64_t kBucketNs = 10'000;  // 10 µs
  static constexpr std::size_t kBuckets = 1000;      // up to 10 ms; the last holds the rest

  using Counts = std::array<std::uint64_t, kBuckets + 1>;

  // Media thread only.
  void record(std::int64_t dwell_ns) noexcept {
    const auto i = dwell_ns <= 0
                       ? std::size_t{0}
                       : std::min(static_cast<std::size_t>(dwell_ns / kBucketNs), kBuckets);
    counts_[i].store(counts_[i].load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  // Any thread: the counts so far (take one before and one after a window, and subtract).
  Counts snapshot() const noexcept {
    Counts out{};
    for (std::size_t i = 0; i <= kBuckets; ++i) out[i] = counts_[i].load(std::memory_order_relaxed);
    return out;
  }

  // The q-quantile (0 < q ≤ 1) of what was recorded between two snapshots, as the upper
  // edge of its bucket in ns (kBuckets * kBucketNs and beyond read as that); -1 if nothing.
  static std::int64_t quantile_ns(const Counts& before, const Counts& after, double q) noexcept {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i <= kBuckets; ++i) total += after[i] - before[i];
    if (total == 0) return -1;
    const auto rank = static_cast<std::uint64_t>(q * static_cast<double>(total - 1)) + 1;
    std::uint64_t seen = 0;
    for (std::size_t i = 0; i <= kBuckets; ++i) {
      seen += after[i] - before[i];
      if (seen >= rank) return static_cast<std::int64_t>(i + 1) * kBucketNs;
    }
    return static_cast<std::int64_t>(kBuckets + 1) * kBucketNs;
  }

 private:
  std::array<std::atomic<std::uint64_t>, kBuckets + 1> counts_{};
};

}  // namespace haven::sfu
