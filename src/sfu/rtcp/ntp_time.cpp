#include "sfu/rtcp/ntp_time.h"

namespace haven::sfu::rtcp {
namespace {
constexpr std::int64_t kNsPerSecond = 1'000'000'000;
}

std::uint64_t ntp_from_unix_ns(std::int64_t unix_ns) noexcept {
  // Floor division so times before 1970 still map monotonically.
  std::int64_t seconds = unix_ns / kNsPerSecond;
  std::int64_t rem = unix_ns % kNsPerSecond;
  if (rem < 0) {
    rem += kNsPerSecond;
    --seconds;
  }
  const std::uint64_t ntp_seconds =
      static_cast<std::uint64_t>(seconds + static_cast<std::int64_t>(kNtpUnixEpochOffset));
  // rem < 1e9 < 2^30, so rem << 32 fits in 62 bits.
  const std::uint64_t fraction = (static_cast<std::uint64_t>(rem) << 32) / kNsPerSecond;
  return (ntp_seconds << 32) | fraction;
}

std::int64_t unix_ns_from_ntp(std::uint64_t ntp) noexcept {
  const std::int64_t seconds =
      static_cast<std::int64_t>(ntp >> 32) - static_cast<std::int64_t>(kNtpUnixEpochOffset);
  const std::uint64_t fraction = ntp & 0xFFFFFFFFu;
  // Round up so ntp_from_unix_ns(unix_ns_from_ntp(x)) reproduces x's fraction when x came
  // from a nanosecond time.
  const std::int64_t ns = static_cast<std::int64_t>((fraction * kNsPerSecond + 0xFFFFFFFFu) >> 32);
  return seconds * kNsPerSecond + ns;
}

std::uint32_t compact_from_ns(std::int64_t duration_ns) noexcept {
  if (duration_ns <= 0) return 0;
  const std::int64_t seconds = duration_ns / kNsPerSecond;
  if (seconds >= 0x10000) return 0xFFFFFFFFu;
  const std::int64_t rem = duration_ns % kNsPerSecond;
  return static_cast<std::uint32_t>((seconds << 16) + (rem << 16) / kNsPerSecond);
}

std::int64_t ns_from_compact(std::uint32_t compact) noexcept {
  return (static_cast<std::int64_t>(compact) * kNsPerSecond) >> 16;
}

std::int64_t rtt_ns(std::uint32_t now_compact, std::uint32_t lsr, std::uint32_t dlsr) noexcept {
  if (lsr == 0) return -1;
  const std::uint32_t rtt = now_compact - lsr - dlsr;  // modular, like the 16.16 clock
  if (rtt & 0x80000000u) return -1;
  return ns_from_compact(rtt);
}

}  // namespace haven::sfu::rtcp
