// Upstream NACK generation (RFC 4585 §6.2.1) for one received stream: the SFU asks the
// publisher for what it lost instead of forwarding subscribers' NACKs (interop notes §5,
// Kurento bugtracker#246: forwarded NACKs duplicate packets and trip SRTP replay checks).
//
// Shape of mediasoup's NackGenerator: a gap in the unwrapped sequence numbers adds the
// missing ones; each is NACKed on the next poll, then again every max(RTT, 40 ms) until it
// arrives (as RTX or late) or kMaxRetries have gone out. A gap too large to recover is
// abandoned and reported so the caller asks for a key frame instead.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace haven::sfu::routing {

class NackGenerator {
 public:
  static constexpr std::size_t kMaxPending = 256;
  static constexpr int kMaxRetries = 10;
  static constexpr std::int64_t kMinRetryNs = 40'000'000;

  NackGenerator() { pending_.reserve(kMaxPending); }

  // One packet (media or recovered from RTX) with its unwrapped sequence number. Returns
  // true when a gap could not be tracked (more than kMaxPending lost at once, or a jump):
  // the caller should request a key frame. Never allocates.
  bool on_packet(std::int64_t seq, std::int64_t now_ns) noexcept;

  // Appends the 16-bit sequence numbers to NACK now to `out`.
  void poll(std::int64_t now_ns, std::int64_t rtt_ns, std::vector<std::uint16_t>& out);

  // Forgets everything (a new sequence space); keeps the reserved capacity.
  void reset() noexcept {
    pending_.clear();
    started_ = false;
  }

  std::size_t pending() const noexcept { return pending_.size(); }
  std::uint64_t recovered() const noexcept { return recovered_; }

 private:
  struct Entry {
    std::int64_t seq = 0;
    std::int64_t sent_ns = 0;
    int retries = 0;
  };

  std::vector<Entry> pending_;  // ascending seq; capacity reserved up front
  bool started_ = false;
  std::int64_t max_seq_ = 0;
  std::uint64_t recovered_ = 0;
};

}  // namespace haven::sfu::routing
