// Continuity of one consumer's outgoing stream while what feeds it changes: the first
// packet ever, a resume after pause, a simulcast layer switch. Each change starts a
// "segment": the output continues from the last sequence number sent (+1), so the
// subscriber sees no gap to NACK and no jump that would desynchronise SRTP's rollover
// counter (interop notes §6: cisco/libsrtp#567, ms#1437); within a segment the mapping is a
// fixed offset, so reordered and retransmitted packets land on the right output number.
// VP8 PictureID/TL0PICIDX continue the same way across layer switches (RFC 7741 §4.2;
// MS Codecs/VP8.cpp, JG janus_vp8_simulcast_descriptor_update).
#pragma once

#include <cstdint>
#include <optional>
#include <span>

#include "sfu/rtp/vp8_descriptor.h"

namespace haven::sfu::routing {

class SeqTsRewriter {
 public:
  // A jump larger than this inside a segment (a publisher restart) is folded into a new
  // segment rather than forwarded (RFC 3550 A.1 MAX_DROPOUT).
  static constexpr std::int64_t kMaxJump = 3000;

  // The first output packet gets `first_seq` and `first_ts` (random, chosen by the caller:
  // 1000..32767 for the seq, interop notes §5, ms#1437).
  SeqTsRewriter(std::uint16_t first_seq, std::uint32_t first_ts) noexcept
      : first_seq_(first_seq), first_ts_(first_ts) {}

  // Starts a segment whose first packet is (in_seq, in_ts); in_seq is unwrapped. `out_ts`
  // is the output timestamp for it; nullopt keeps the current timestamp offset (the same
  // source stream resuming: its timestamps already advanced with the wall clock).
  void start_segment(std::int64_t in_seq, std::uint32_t in_ts,
                     std::optional<std::uint32_t> out_ts) noexcept;
  bool in_segment() const noexcept { return in_segment_; }
  void end_segment() noexcept { in_segment_ = false; }

  struct Output {
    std::uint16_t seq = 0;
    std::uint32_t ts = 0;
    bool newest = false;  // advanced the output sequence (not a late/reordered packet)
  };
  // nullopt when the packet predates the segment (or a skip): it must not be sent, its
  // output number may already be taken.
  std::optional<Output> map(std::int64_t in_seq, std::uint32_t in_ts) noexcept;
  // The consumer drops the in-order packet `in_seq` (padding only, unknown payload type):
  // later packets move down by one so the subscriber sees no gap.
  void skip(std::int64_t in_seq) noexcept;

  bool has_output() const noexcept { return has_output_; }
  std::uint16_t last_seq() const noexcept { return static_cast<std::uint16_t>(max_out_); }
  std::uint32_t last_ts() const noexcept { return last_ts_; }
  // output ts = input ts + ts_offset (mod 2^32) in the current segment.
  std::uint32_t ts_offset() const noexcept { return ts_offset_; }

 private:
  std::uint16_t first_seq_;
  std::uint32_t first_ts_;
  bool in_segment_ = false;
  bool has_output_ = false;
  std::int64_t floor_ = 0;   // oldest input seq the segment accepts
  std::int64_t offset_ = 0;  // output = input + offset
  std::int64_t max_in_ = 0;
  std::int64_t max_out_ = 0;
  std::uint32_t ts_offset_ = 0;
  std::uint32_t last_ts_ = 0;
};

class Vp8PictureRewriter {
 public:
  // The segment's first packet: its picture continues from the last one sent.
  void start_segment(const rtp::Vp8Descriptor& first) noexcept;
  // Rewrites the descriptor at the start of an output payload. `newest` as in
  // SeqTsRewriter::Output: only in-order packets move the continuation point.
  void rewrite(std::span<std::uint8_t> payload, const rtp::Vp8Descriptor& descriptor,
               bool newest) noexcept;

 private:
  bool has_last_ = false;
  std::uint16_t last_picture_id_ = 0;
  std::uint8_t last_tl0_ = 0;
  std::uint16_t picture_id_offset_ = 0;
  std::uint8_t tl0_offset_ = 0;
};

}  // namespace haven::sfu::routing
