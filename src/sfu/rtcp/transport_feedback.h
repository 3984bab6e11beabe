// Transport-wide congestion control feedback, RTPFB FMT 15
// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1).
//
//   0                   1                   2                   3
//   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//  |V=2|P|  FMT=15 |    PT=205     |           length              |
//  |                     SSRC of packet sender                     |
//  |                      SSRC of media source                     |
//  |      base sequence number     |      packet status count      |
//  |                 reference time                | fb pkt. count |
//  |          packet chunk         |         packet chunk          |  ...
//  |         recv delta            |  recv delta   | zero padding  |  ...
//
// Chunks: run length (0 | S:2 | run:13) or status vector (1 | 0 | 14 x 1-bit symbols, or
// 1 | 1 | 7 x 2-bit symbols). Symbols: 0 not received, 1 received with a small delta (1 byte,
// 0..255), 2 received with a large or negative delta (2 bytes, signed), 3 reserved. Deltas
// count 250 µs; reference time counts 64 ms. The SFU parses these from subscribers (send-side
// bandwidth estimation) and builds them for publishers (~every 100 ms, interop notes §5).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace haven::sfu::rtcp {

inline constexpr std::int64_t kTwccDeltaUs = 250;         // one delta tick
inline constexpr std::int64_t kTwccReferenceUs = 64'000;  // one reference-time tick
inline constexpr std::uint8_t kTransportFeedbackFmt = 15;

struct TwccReceived {
  std::uint16_t seq = 0;   // transport-wide sequence number
  std::int16_t delta = 0;  // 250 µs ticks since the previous received packet (first:
                           // since reference time)
  bool operator==(const TwccReceived&) const = default;
};

struct TransportFeedback {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  std::uint16_t base_seq = 0;
  std::uint16_t status_count = 0;    // packets covered from base_seq, received or not (>= 1)
  std::uint32_t reference_time = 0;  // 24 bits, multiples of 64 ms
  std::uint8_t fb_pkt_count = 0;
  // Received packets in sequence order; every other seq in
  // [base_seq, base_seq + status_count) was not received.
  std::vector<TwccReceived> received;

  bool operator==(const TransportFeedback&) const = default;
};

// Parses the FCI-bearing body after the 4-byte RTCP header (sender SSRC onwards).
// Rejects status count 0, a reserved symbol inside the status count, truncated chunks or
// deltas. Allocation is bounded by the deltas actually present (at most one entry per
// delta byte), not by the claimed status count.
std::optional<TransportFeedback> parse_transport_feedback(
    std::span<const std::uint8_t> body) noexcept;

// Appends the body (sender SSRC onwards, zero-padded to 32 bits) to `out`. False when the
// feedback is not encodable: status_count 0, reference time beyond 24 bits, received seqs
// not strictly increasing inside the status count.
bool serialize_transport_feedback(const TransportFeedback& fb, std::vector<std::uint8_t>& out);

// Arrival times (µs, in the feedback sender's clock) of the received packets.
struct TwccArrival {
  std::uint16_t seq = 0;
  std::int64_t arrival_us = 0;
};
std::vector<TwccArrival> twcc_arrivals(const TransportFeedback& fb);

namespace detail {

// Online packet-chunk encoder (the scheme of libwebrtc's TransportFeedback::LastChunk):
// symbols go in one at a time and a chunk is emitted as soon as it is decided, so the
// encoded size is known exactly at every step. With `out` null it only counts.
class TwccChunkEncoder {
 public:
  void add(std::uint8_t symbol, std::vector<std::uint16_t>* out);
  // Same result as `count` calls to add(), in O(chunks) rather than O(count).
  void add_run(std::uint8_t symbol, std::size_t count, std::vector<std::uint16_t>* out);
  void finish(std::vector<std::uint16_t>* out);
  // Chunks emitted so far plus the one the pending symbols will take.
  std::size_t chunk_count() const noexcept { return emitted_ + (size_ > 0 ? 1 : 0); }

 private:
  bool can_add(std::uint8_t symbol) const noexcept;
  void push(std::uint8_t symbol) noexcept;
  void emit(std::vector<std::uint16_t>* out);
  void put(std::uint16_t chunk, std::vector<std::uint16_t>* out);

  std::array<std::uint8_t, 14> symbols_{};
  std::size_t size_ = 0;  // pending symbols (beyond 14 only while all are the same)
  bool all_same_ = true;
  bool has_large_ = false;
  std::size_t emitted_ = 0;
};

}  // namespace detail

// Accumulates received packets (in increasing transport-wide sequence order) into one
// feedback packet. When add() returns false the packet does not fit this feedback (delta
// out of int16 range, too many statuses or bytes, or not newer than the last one): take()
// it and add again. Each new feedback starts right after the last seq of the previous
// one, so losses at the boundary are reported (as libwebrtc's RemoteEstimatorProxy does).
class TransportFeedbackBuilder {
 public:
  static constexpr std::size_t kMaxBodyBytes = 1200;  // stays well inside kMaxDatagram

  TransportFeedbackBuilder(std::uint32_t sender_ssrc, std::uint32_t media_ssrc,
                           std::uint8_t fb_pkt_count) noexcept;

  // `seq` is the unwrapped (64-bit, see rtp::SeqUnwrapper) transport-wide sequence number,
  // `arrival_us` a monotonic arrival time.
  bool add(std::int64_t seq, std::int64_t arrival_us);
  bool empty() const noexcept { return fb_.received.empty(); }
  // Returns the feedback built so far and resets for the next one (fb_pkt_count + 1).
  TransportFeedback take();

 private:
  TransportFeedback fb_;
  std::int64_t base_seq_ = 0;
  std::int64_t last_seq_ = 0;
  std::int64_t last_ticks_ = 0;  // arrival of the last packet, in 250 µs ticks
  std::size_t delta_bytes_ = 0;
  std::optional<std::int64_t> next_base_;  // first seq the next feedback should cover
  detail::TwccChunkEncoder chunks_;
};

}  // namespace haven::sfu::rtcp
