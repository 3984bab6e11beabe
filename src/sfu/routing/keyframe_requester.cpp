#include "sfu/routing/keyframe_requester.h"

namespace haven::sfu::routing {

void KeyframeRequester::request() noexcept {
  if (wanted_) return;  // coalesced with the one outstanding
  wanted_ = true;
  fresh_ = true;
  attempts_ = 0;
}

bool KeyframeRequester::poll(std::int64_t now_ns) noexcept {
  if (!wanted_) return false;
  const std::int64_t interval = answered_        ? kAnsweredIntervalNs
                                : attempts_ == 1 ? kFirstRetryNs
                                                 : kIntervalNs;
  if (ever_sent_ && now_ns - last_sent_ns_ < interval) return false;
  if (attempts_ >= kMaxAttempts) {
    wanted_ = false;  // give up until the next request()
    return false;
  }
  ++attempts_;
  ++sent_;
  ever_sent_ = true;
  answered_ = false;
  last_sent_ns_ = now_ns;
  last_was_new_ = fresh_;
  fresh_ = false;
  if (!retry_) wanted_ = false;
  return true;
}

}  // namespace haven::sfu::routing
