// The packets one consumer sent, as sent (already rewritten for the subscriber), so its
// NACKs can be answered without asking the publisher (interop notes §5; mediasoup keeps
// 2 s of video and 1 s of audio). A ring indexed by the consumer's own sequence numbers,
// which are contiguous, so slot = seq mod capacity; every slot is preallocated at
// kMaxDatagram bytes when the consumer is created and nothing allocates afterwards.
//
// Memory is capacity x 1.5 KB per consumer (1024 slots: 1.5 MB); only consumers whose
// subscriber negotiated "nack" get one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace haven::sfu::routing {

class RetransmissionBuffer {
 public:
  // `capacity` is rounded up to a power of two (at least 16, at most 32768 so a slot can
  // never hold a packet one seq cycle older); packets older than `max_age_ns` are not
  // served.
  RetransmissionBuffer(std::size_t capacity, std::int64_t max_age_ns);

  // Copies `packet` (at most kMaxDatagram bytes; longer ones are not stored) into the slot
  // of `seq`, evicting whatever it held.
  void store(std::uint16_t seq, std::span<const std::uint8_t> packet, std::int64_t now_ns) noexcept;

  struct Hit {
    std::span<std::uint8_t> packet;  // the slot itself; callers copy before changing it
    std::int64_t stored_ns = 0;
    std::int64_t last_resent_ns = -1;  // -1: never resent
  };
  // The packet sent with `seq`, if still held and younger than max_age.
  bool find(std::uint16_t seq, std::int64_t now_ns, Hit& hit) noexcept;
  void mark_resent(std::uint16_t seq, std::int64_t now_ns) noexcept;

  std::size_t capacity() const noexcept { return slots_.size(); }

 private:
  struct Slot {
    bool used = false;
    std::uint16_t seq = 0;
    std::uint16_t size = 0;
    std::int64_t stored_ns = 0;
    std::int64_t resent_ns = -1;
  };

  std::size_t mask_ = 0;
  std::int64_t max_age_ns_ = 0;
  std::vector<Slot> slots_;
  std::vector<std::uint8_t> bytes_;  // capacity x kMaxDatagram
};

}  // namespace haven::sfu::routing
