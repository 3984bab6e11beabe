// Per-peer packet-rate limit: a token bucket refilled at `rate` packets per second that
// holds at most one second of packets, so a peer may burst (a key frame arrives as a
// train of packets) but cannot sustain more than `rate`. The excess is dropped and
// counted by the caller (DropReason::rate_limited).
//
// Integer arithmetic in nano-tokens (one packet = 1e9), no allocation, no clock reads: the
// caller passes the time it already has for the datagram.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>

namespace haven::sfu {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  // rate 0: unlimited. The bucket starts full.
  explicit RateLimiter(std::uint32_t packets_per_second = 0) noexcept {
    set_rate(packets_per_second);
  }

  void set_rate(std::uint32_t packets_per_second) noexcept {
    rate_ = packets_per_second;
    capacity_ = static_cast<std::int64_t>(rate_) * kScale;
    tokens_ = capacity_;
    last_.reset();
  }
  std::uint32_t rate() const noexcept { return rate_; }

  // True if one more packet at `now` is within the limit (and takes its token).
  bool allow(Clock::time_point now) noexcept {
    if (rate_ == 0) return true;
    if (last_ && now > *last_) {
      // Cap the interval first so rate × elapsed cannot overflow (≤ 1e6 × 1e9).
      const auto ns = std::min<std::int64_t>(
          std::chrono::duration_cast<std::chrono::nanoseconds>(now - *last_).count(), kScale);
      tokens_ = std::min(capacity_, tokens_ + ns * static_cast<std::int64_t>(rate_));
    }
    if (!last_ || now > *last_) last_ = now;
    if (tokens_ < kScale) return false;
    tokens_ -= kScale;
    return true;
  }

 private:
  static constexpr std::int64_t kScale = 1'000'000'000;  // nano-tokens per packet

  std::uint32_t rate_ = 0;
  std::int64_t capacity_ = 0;
  std::int64_t tokens_ = 0;
  std::optional<Clock::time_point> last_;
};

}  // namespace haven::sfu
