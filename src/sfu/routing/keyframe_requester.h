// When to ask a publisher for a key frame (PLI, RFC 4585 §6.3.1, or FIR, RFC 5104 §4.3.1)
// for one of its streams.
//
// Black video after a join or layer switch is nearly always a key frame that never came
// (interop notes §6: livekit#436, janus#3068). So a request stays outstanding until a key
// frame actually arrives: it goes out at most once per second however many subscribers ask
// (Janus videoroom throttles to 1/s), and is re-sent each second while none arrives
// (mediasoup KeyFrameRequestManager). After kMaxAttempts unanswered requests it gives up
// until someone asks again, so a publisher that stopped sending is not polled forever.
#pragma once

#include <cstdint>

namespace haven::sfu::routing {

class KeyframeRequester {
 public:
  static constexpr std::int64_t kIntervalNs = 1'000'000'000;
  static constexpr int kMaxAttempts = 10;

  // `retry`: false for codecs whose key frames routing cannot detect; each request then
  // goes out once (still rate-limited) and is considered answered.
  explicit KeyframeRequester(bool retry = true) noexcept : retry_(retry) {}

  // Someone (a subscriber's PLI/FIR, a join, a resume, a layer switch) needs a key frame.
  void request() noexcept;
  // A key frame arrived: outstanding requests are answered.
  void on_keyframe() noexcept { wanted_ = false; }

  // True when a request should be sent now; the caller sends it. At most one per
  // kIntervalNs.
  bool poll(std::int64_t now_ns) noexcept;

  bool pending() const noexcept { return wanted_; }
  // True when the request poll() just released is a new one rather than a retry: a FIR's
  // sequence number advances only for new requests (RFC 5104 §4.3.1.2).
  bool last_was_new() const noexcept { return last_was_new_; }
  std::uint64_t sent() const noexcept { return sent_; }

 private:
  bool retry_;
  bool wanted_ = false;
  bool fresh_ = false;  // the outstanding request has not been sent yet
  bool last_was_new_ = false;
  bool ever_sent_ = false;
  int attempts_ = 0;
  std::int64_t last_sent_ns_ = 0;
  std::uint64_t sent_ = 0;
};

}  // namespace haven::sfu::routing
