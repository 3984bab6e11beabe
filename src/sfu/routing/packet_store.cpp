#include "sfu/routing/packet_store.h"

#include <algorithm>
#include <cstring>

#include "sfu/limits.h"

namespace haven::sfu::routing {
namespace {

// Power of two so that slot = seq & mask; at most 32768 so a slot never holds a packet
// one 16-bit sequence cycle older than the one asked for.
std::size_t round_entries(std::size_t requested) noexcept {
  std::size_t c = 16;
  while (c < requested && c < 32768) c <<= 1;
  return c;
}

}  // namespace

PacketStore::PacketStore(std::size_t entries, std::size_t bytes, std::int64_t max_age_ns)
    : mask_(round_entries(entries) - 1),
      max_age_ns_(max_age_ns),
      capacity_(std::max(bytes, kMaxDatagram)),
      entries_(mask_ + 1),
      bytes_(new std::uint8_t[capacity_]) {}

void PacketStore::store(std::uint16_t seq, std::span<const std::uint8_t> packet,
                        std::int64_t now_ns) noexcept {
  Entry& entry = entries_[seq & mask_];
  if (packet.empty() || packet.size() > kMaxDatagram) {
    entry.used = false;  // never serve the evicted packet under this seq
    return;
  }
  // Entries never wrap around the end of the ring: a tail too short is skipped.
  const std::size_t offset = head_ % capacity_;
  if (offset + packet.size() > capacity_) head_ += capacity_ - offset;
  std::memcpy(bytes_.get() + head_ % capacity_, packet.data(), packet.size());
  entry = {true, seq, static_cast<std::uint16_t>(packet.size()), head_, now_ns};
  head_ += packet.size();
}

std::span<const std::uint8_t> PacketStore::find(std::uint16_t seq,
                                                std::int64_t now_ns) const noexcept {
  const Entry& entry = entries_[seq & mask_];
  if (!entry.used || entry.seq != seq || now_ns - entry.stored_ns > max_age_ns_) return {};
  // Overwritten once the writer has gone a whole ring past the entry's end.
  if (head_ > entry.start + capacity_) return {};
  return {bytes_.get() + entry.start % capacity_, entry.size};
}

SentLog::SentLog(std::size_t entries, std::int64_t max_age_ns)
    : mask_(round_entries(entries) - 1), max_age_ns_(max_age_ns), records_(mask_ + 1) {}

SentLog::Record& SentLog::next(std::uint16_t seq) noexcept {
  Record& r = records_[seq & mask_];
  r = Record{};
  r.used = true;
  r.seq = seq;
  return r;
}

SentLog::Record* SentLog::find(std::uint16_t seq, std::int64_t now_ns) noexcept {
  Record& r = records_[seq & mask_];
  if (!r.used || r.seq != seq || now_ns - r.sent_ns > max_age_ns_) return nullptr;
  return &r;
}

}  // namespace haven::sfu::routing
