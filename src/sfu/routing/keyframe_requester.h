// When to ask a publisher for a key frame (PLI, RFC 4585 §6.3.1, or FIR, RFC 5104 §4.3.1)
// for one of its streams.
//
// Black video after a join or layer switch is nearly always a key frame that never came
// (interop notes §6: livekit#436, janus#3068). So a request stays outstanding until a key
// frame actually arrives: it goes out at most once per second however many subscribers ask
// (Janus videoroom throttles to 1/s), and is re-sent each second while none arrives
// (mediasoup KeyFrameRequestManager). After kMaxAttempts unanswered requests it gives up
// until someone asks again, so a publisher that stopped sending is not polled forever.
// Two shorter intervals follow Chrome's encoder, which ignores a key-frame request that
// comes within 300 ms of the last one it honoured (libwebrtc EncoderRtcpFeedback,
// kMinKeyframeSendIntervalMs):
//   - once a key frame has answered the last request, a new request goes out
//     kAnsweredIntervalNs (300 ms) after it, not a second later. A person admitted to a
//     call gets the key frame their subscription asked for before their SFrame keys
//     arrive, cannot decrypt it, and asks again a moment later; holding that for the full
//     second made one join in three take 1.3 s instead of 0.3 s (docs/PERFORMANCE.md
//     "Join time"). Sooner would be wasted: the encoder drops it;
//   - the first retry of an unanswered request comes after kFirstRetryNs (350 ms): a
//     request the encoder dropped inside its window (another layer's request just before)
//     is sent again as soon as it can be honoured. Later retries keep the 1 s pace.
// So a receiver that asks after every key frame gets at most about three a second.
#pragma once

#include <cstdint>

namespace haven::sfu::routing {

class KeyframeRequester {
 public:
  static constexpr std::int64_t kIntervalNs = 1'000'000'000;
  static constexpr std::int64_t kAnsweredIntervalNs = 300'000'000;
  static constexpr std::int64_t kFirstRetryNs = 350'000'000;
  static constexpr int kMaxAttempts = 10;

  // `retry`: false for codecs whose key frames routing cannot detect; each request then
  // goes out once (still rate-limited) and is considered answered.
  explicit KeyframeRequester(bool retry = true) noexcept : retry_(retry) {}

  // Someone (a subscriber's PLI/FIR, a join, a resume, a layer switch) needs a key frame.
  void request() noexcept;
  // A key frame arrived: outstanding requests are answered.
  void on_keyframe() noexcept {
    wanted_ = false;
    answered_ = true;
  }

  // True when a request should be sent now; the caller sends it. At most one per
  // kIntervalNs; kAnsweredIntervalNs after an answered one, kFirstRetryNs before the first
  // retry.
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
  bool answered_ = false;  // a key frame arrived after the last request was sent
  int attempts_ = 0;
  std::int64_t last_sent_ns_ = 0;
  std::uint64_t sent_ = 0;
};

}  // namespace haven::sfu::routing
