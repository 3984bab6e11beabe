// Small clock conversions shared by producers and consumers.
#pragma once

#include <cstdint>

namespace haven::sfu::routing {

// A duration in RTP clock units (wrapping like an RTP timestamp); negative durations give
// negative units. Split so ns x clock_rate cannot overflow.
constexpr std::uint32_t rtp_units(std::int64_t ns, std::uint32_t clock_rate) noexcept {
  constexpr std::int64_t kNs = 1'000'000'000;
  const std::int64_t seconds = ns / kNs;
  const std::int64_t rem = ns % kNs;
  return static_cast<std::uint32_t>(seconds * clock_rate + rem * clock_rate / kNs);
}

// abs-send-time (webrtc.org/experiments/rtp-hdrext/abs-send-time): 6.18 fixed-point
// seconds, 24 bits, on any monotonic clock (only differences matter to the receiver).
constexpr std::uint32_t abs_send_time(std::int64_t now_ns) noexcept {
  constexpr std::int64_t kNs = 1'000'000'000;
  const std::int64_t seconds = now_ns / kNs;
  const std::int64_t frac = ((now_ns % kNs) << 18) / kNs;
  return static_cast<std::uint32_t>((seconds << 18) + frac) & 0xFFFFFF;
}

}  // namespace haven::sfu::routing
