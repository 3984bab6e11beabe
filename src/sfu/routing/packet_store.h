// Retransmission storage, shared (issue 5: "≤ 200 KB server memory per subscribed stream").
//
// A subscriber's NACK is answered without asking the publisher (interop notes §5), from two
// pieces instead of a copy of every packet per subscriber:
//   - PacketStore: each producer stream keeps the packets its publisher sent, once, in a
//     compact byte ring (variable-size entries, no 1.5 KB slot per packet), for every
//     consumer of that stream;
//   - SentLog: each consumer remembers, per sequence number it sent, where the packet came
//     from (stream, publisher seq) and what it rewrote (timestamp, VP8 descriptor head) —
//     32 bytes an entry — so it rebuilds exactly the packet it sent.
// Memory for a video producer stream is its byte budget (256 KB: 2 s at 1 Mbps) whatever
// the number of subscribers; per video consumer 32 KB of log. Both are allocated once, at
// creation; nothing allocates afterwards.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace haven::sfu::routing {

class PacketStore {
 public:
  // `entries` is rounded up to a power of two (16..32768); `bytes` at least one datagram.
  PacketStore(std::size_t entries, std::size_t bytes, std::int64_t max_age_ns);

  // Copies `packet` (≤ kMaxDatagram bytes; longer or empty ones evict without storing).
  void store(std::uint16_t seq, std::span<const std::uint8_t> packet, std::int64_t now_ns) noexcept;
  // The packet stored under `seq`, if not overwritten and younger than max_age; empty
  // otherwise. Valid until the next store().
  std::span<const std::uint8_t> find(std::uint16_t seq, std::int64_t now_ns) const noexcept;

  std::size_t byte_capacity() const noexcept { return capacity_; }

 private:
  struct Entry {
    bool used = false;
    std::uint16_t seq = 0;
    std::uint16_t size = 0;
    std::uint64_t start = 0;  // position in the unbounded byte stream; ring offset = start % capacity
    std::int64_t stored_ns = 0;
  };

  std::size_t mask_ = 0;
  std::int64_t max_age_ns_ = 0;
  std::size_t capacity_ = 0;
  std::uint64_t head_ = 0;  // bytes written so far (with skipped tails)
  std::vector<Entry> entries_;
  std::unique_ptr<std::uint8_t[]> bytes_;  // not zeroed: pages are touched as they fill
};

// What one consumer sent under each of its sequence numbers.
class SentLog {
 public:
  static constexpr std::size_t kMaxVp8Head = 6;  // a VP8 payload descriptor's most bytes

  struct Record {
    bool used = false;
    std::uint16_t seq = 0;         // ours
    std::uint16_t source_seq = 0;  // the publisher's
    std::uint8_t stream = 0;       // producer stream (simulcast layer)
    std::uint8_t vp8_head_size = 0;
    std::array<std::uint8_t, kMaxVp8Head> vp8_head{};  // the descriptor as rewritten
    std::uint32_t ts = 0;                              // ours
    std::int64_t sent_ns = 0;
    std::int64_t resent_ns = -1;
  };

  SentLog(std::size_t entries, std::int64_t max_age_ns);

  Record& next(std::uint16_t seq) noexcept;  // the slot for `seq`, reset and marked used
  // The record of `seq`, if held and younger than max_age; nullptr otherwise.
  Record* find(std::uint16_t seq, std::int64_t now_ns) noexcept;

 private:
  std::size_t mask_ = 0;
  std::int64_t max_age_ns_ = 0;
  std::vector<Record> records_;
};

}  // namespace haven::sfu::routing
