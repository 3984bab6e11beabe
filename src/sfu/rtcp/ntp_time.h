// NTP timestamps as RTCP uses them (RFC 3550 §4): 64-bit fixed point seconds since
// 1900-01-01, and the "compact" middle 32 bits (16.16 seconds) of LSR/DLSR in report
// blocks (§6.4.1), from which the sender of an SR computes the round-trip time.
#pragma once

#include <cstdint>

namespace haven::sfu::rtcp {

inline constexpr std::uint64_t kNtpUnixEpochOffset = 2'208'988'800;  // 1970 - 1900, seconds

// 64-bit NTP timestamp (32.32) for a Unix time in nanoseconds (SR "NTP timestamp").
std::uint64_t ntp_from_unix_ns(std::int64_t unix_ns) noexcept;
// Inverse of ntp_from_unix_ns (to the nanosecond, rounding down).
std::int64_t unix_ns_from_ntp(std::uint64_t ntp) noexcept;

// Middle 32 bits: what a receiver echoes as LSR.
constexpr std::uint32_t compact_ntp(std::uint64_t ntp) noexcept {
  return static_cast<std::uint32_t>(ntp >> 16);
}

// A duration in 1/65536 s units (DLSR); negative durations give 0, overlong saturate.
std::uint32_t compact_from_ns(std::int64_t duration_ns) noexcept;
// A compact duration in nanoseconds.
std::int64_t ns_from_compact(std::uint32_t compact) noexcept;

// Round-trip time seen by the SR sender when a report block comes back (RFC 3550 §6.4.1,
// Figure 2): A - LSR - DLSR, in compact units taken at arrival `now_compact`. Returns -1
// when the block carries no SR reference (LSR 0) or the result is negative (clock skew).
std::int64_t rtt_ns(std::uint32_t now_compact, std::uint32_t lsr, std::uint32_t dlsr) noexcept;

}  // namespace haven::sfu::rtcp
