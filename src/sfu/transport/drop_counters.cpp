#include "sfu/transport/drop_counters.h"

#include <numeric>

namespace haven::sfu {

const char* to_string(DropReason reason) noexcept {
  switch (reason) {
    case DropReason::unknown_tuple:
      return "unknown_tuple";
    case DropReason::unknown_ufrag:
      return "unknown_ufrag";
    case DropReason::malformed:
      return "malformed";
    case DropReason::stun_rejected:
      return "stun_rejected";
    case DropReason::unauthenticated:
      return "unauthenticated";
    case DropReason::rate_limited:
      return "rate_limited";
    case DropReason::not_connected:
      return "not_connected";
    case DropReason::srtp_auth:
      return "srtp_auth";
    case DropReason::srtp_replay:
      return "srtp_replay";
    case DropReason::srtp_error:
      return "srtp_error";
    case DropReason::send_failed:
      return "send_failed";
    case DropReason::closed:
      return "closed";
  }
  return "unknown";
}

std::uint64_t DropSnapshot::total() const noexcept {
  return std::accumulate(by_reason.begin(), by_reason.end(), std::uint64_t{0});
}

DropSnapshot DropCounters::snapshot() const noexcept {
  DropSnapshot s;
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    s.by_reason[i] = counts_[i].load(std::memory_order_relaxed);
  }
  return s;
}

DropReason srtp_drop_reason(SrtpStatus status) noexcept {
  switch (status) {
    case SrtpStatus::auth_fail:
      return DropReason::srtp_auth;
    case SrtpStatus::replay_fail:
    case SrtpStatus::replay_old:
      return DropReason::srtp_replay;
    default:
      return DropReason::srtp_error;
  }
}

}  // namespace haven::sfu
