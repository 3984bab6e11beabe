// RTP sequence-number arithmetic: 16-bit comparison across wraparound, unwrapping to a
// monotonic 64-bit counter, and the RFC 3550 Appendix A.1 source-validity / extended
// sequence tracker that receiver statistics (RR loss, A.3) are built on.
#pragma once

#include <cstdint>

#include "sfu/rtp/seen_bits.h"

namespace haven::sfu::rtp {

// True when `a` is newer than `b` in 16-bit serial arithmetic. Exactly half the space apart
// is ambiguous; like libwebrtc, the numerically larger one then counts as newer so the
// relation stays antisymmetric.
constexpr bool seq_newer(std::uint16_t a, std::uint16_t b) noexcept {
  const std::uint16_t diff = static_cast<std::uint16_t>(a - b);
  if (diff == 0x8000) return a > b;
  return diff != 0 && diff < 0x8000;
}

// Signed distance from b to a (a - b) in [-32768, 32767].
constexpr std::int32_t seq_distance(std::uint16_t a, std::uint16_t b) noexcept {
  const std::uint16_t diff = static_cast<std::uint16_t>(a - b);
  return diff < 0x8000 ? std::int32_t{diff} : std::int32_t{diff} - 0x10000;
}

// Maps 16-bit sequence numbers onto a 64-bit counter that never wraps, relative to the
// newest value seen (so reordered and retransmitted packets land on the right cycle).
class SeqUnwrapper {
 public:
  std::int64_t unwrap(std::uint16_t seq) noexcept;
  // Like unwrap() but does not move the reference (for looking up an old packet).
  std::int64_t peek(std::uint16_t seq) const noexcept;

 private:
  bool started_ = false;
  std::int64_t last_ = 0;
};

// Which of a stream's last kSize (unwrapped) sequence numbers have arrived, so that a
// packet that comes twice is forwarded once: a late original and its RTX copy, or a
// duplicate from the network. Forwarded twice, it would leave the SFU under one outgoing
// sequence number twice, which GCM's sender refuses (gcm_rtp_protector.h) after the
// consumer has already stamped it. Older than the window: not judged (first_time is true),
// as before; SRTP's replay window is the limit there.
class ArrivalWindow {
 public:
  static constexpr std::int64_t kSize = 1024;
  // True the first time `seq` is seen within the window (and marks it); false for a repeat.
  bool first_time(std::int64_t seq) noexcept;

 private:
  bool started_ = false;
  std::int64_t highest_ = 0;
  // Slots by the cast to unsigned, which keeps negative values consistent (2^64 is a
  // multiple of kSize).
  SeenBits seen_{kSize};
};

// RFC 3550 Appendix A.1 update_seq(): validates a source (probation of `min_sequential`
// in-order packets), tracks cycles for the extended highest sequence number, and resyncs
// after a restart (two consecutive packets after a jump of more than kMaxDropout).
class SequenceTracker {
 public:
  static constexpr std::uint16_t kMaxDropout = 3000;
  static constexpr std::uint16_t kMaxMisorder = 100;
  static constexpr int kMinSequential = 2;

  // min_sequential 0 or 1 accepts a source from its first packet (what an SFU that has
  // already authenticated the transport wants); 2 is the RFC's default.
  explicit SequenceTracker(int min_sequential = kMinSequential) noexcept
      : min_sequential_(min_sequential < 1 ? 1 : min_sequential) {}

  // Returns true when the packet counts as valid (A.1 return value 1).
  bool update(std::uint16_t seq) noexcept;

  bool valid() const noexcept { return started_ && probation_ == 0; }
  std::uint16_t max_seq() const noexcept { return max_seq_; }
  std::uint32_t cycles() const noexcept { return cycles_; }  // multiple of 65536
  std::uint32_t extended_max() const noexcept { return cycles_ + max_seq_; }
  std::uint32_t base_seq() const noexcept { return base_seq_; }
  std::uint32_t received() const noexcept { return received_; }
  // A.3: expected = extended_max - base_seq + 1 (0 before validation).
  std::int64_t expected() const noexcept;

 private:
  void init(std::uint16_t seq) noexcept;

  int min_sequential_;
  bool started_ = false;
  int probation_ = 0;
  std::uint16_t max_seq_ = 0;
  std::uint32_t cycles_ = 0;
  std::uint32_t base_seq_ = 0;
  std::uint32_t bad_seq_ = 0x10001;  // RTP_SEQ_MOD + 1: never equal to a 16-bit seq
  std::uint32_t received_ = 0;
};

}  // namespace haven::sfu::rtp
