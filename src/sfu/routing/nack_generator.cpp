#include "sfu/routing/nack_generator.h"

#include <algorithm>

namespace haven::sfu::routing {

bool NackGenerator::on_packet(std::int64_t seq, std::int64_t now_ns) noexcept {
  (void)now_ns;
  if (!started_) {
    started_ = true;
    max_seq_ = seq;
    return false;
  }
  if (seq <= max_seq_) {
    // Late or retransmitted: no longer missing.
    const auto it = std::lower_bound(pending_.begin(), pending_.end(), seq,
                                     [](const Entry& e, std::int64_t s) { return e.seq < s; });
    if (it != pending_.end() && it->seq == seq) {
      pending_.erase(it);
      ++recovered_;
    }
    return false;
  }
  const std::int64_t missing = seq - max_seq_ - 1;
  max_seq_ = seq;
  if (missing == 0) return false;
  if (missing > static_cast<std::int64_t>(kMaxPending)) {
    pending_.clear();  // unrecoverable by retransmission: a key frame is cheaper
    return true;
  }
  const auto room = kMaxPending - pending_.size();
  if (static_cast<std::size_t>(missing) > room) {
    // Oldest entries go first: they are the least likely to still be useful.
    pending_.erase(pending_.begin(),
                   pending_.begin() + static_cast<std::ptrdiff_t>(missing - room));
  }
  for (std::int64_t s = seq - missing; s < seq; ++s) pending_.push_back({s, 0, 0});
  return false;
}

void NackGenerator::poll(std::int64_t now_ns, std::int64_t rtt_ns,
                         std::vector<std::uint16_t>& out) {
  const std::int64_t retry_after = std::max(rtt_ns, kMinRetryNs);
  auto keep = pending_.begin();
  for (auto& e : pending_) {
    if (e.retries >= kMaxRetries) continue;  // given up: dropped from the list
    if (e.retries == 0 || now_ns - e.sent_ns >= retry_after) {
      ++e.retries;
      e.sent_ns = now_ns;
      out.push_back(static_cast<std::uint16_t>(e.seq));
    }
    *keep++ = e;
  }
  pending_.erase(keep, pending_.end());
}

}  // namespace haven::sfu::routing
