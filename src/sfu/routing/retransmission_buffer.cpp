#include "sfu/routing/retransmission_buffer.h"

#include <cstring>

#include "sfu/limits.h"

namespace haven::sfu::routing {
namespace {

std::size_t round_capacity(std::size_t requested) noexcept {
  std::size_t c = 16;
  while (c < requested && c < 32768) c <<= 1;
  return c;
}

}  // namespace

RetransmissionBuffer::RetransmissionBuffer(std::size_t capacity, std::int64_t max_age_ns)
    : max_age_ns_(max_age_ns) {
  const std::size_t n = round_capacity(capacity);
  mask_ = n - 1;
  slots_.resize(n);
  bytes_.resize(n * kMaxDatagram);
}

void RetransmissionBuffer::store(std::uint16_t seq, std::span<const std::uint8_t> packet,
                                 std::int64_t now_ns) noexcept {
  Slot& slot = slots_[seq & mask_];
  if (packet.size() > kMaxDatagram || packet.empty()) {
    slot.used = false;  // never serve the evicted packet under this seq
    return;
  }
  std::memcpy(bytes_.data() + (seq & mask_) * kMaxDatagram, packet.data(), packet.size());
  slot.used = true;
  slot.seq = seq;
  slot.size = static_cast<std::uint16_t>(packet.size());
  slot.stored_ns = now_ns;
  slot.resent_ns = -1;
}

bool RetransmissionBuffer::find(std::uint16_t seq, std::int64_t now_ns, Hit& hit) noexcept {
  const Slot& slot = slots_[seq & mask_];
  if (!slot.used || slot.seq != seq || now_ns - slot.stored_ns > max_age_ns_) return false;
  hit.packet = std::span<std::uint8_t>(bytes_.data() + (seq & mask_) * kMaxDatagram, slot.size);
  hit.stored_ns = slot.stored_ns;
  hit.last_resent_ns = slot.resent_ns;
  return true;
}

void RetransmissionBuffer::mark_resent(std::uint16_t seq, std::int64_t now_ns) noexcept {
  Slot& slot = slots_[seq & mask_];
  if (slot.used && slot.seq == seq) slot.resent_ns = now_ns;
}

}  // namespace haven::sfu::routing
