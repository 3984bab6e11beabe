// Wire encodings inside two feedback messages, kept apart so they can be tested alone:
// Generic NACK's PID + BLP items (RFC 4585 §6.2.1) and REMB's exponent/mantissa bitrate
// (draft-alvestrand-rmcat-remb-03 §2.2).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace haven::sfu::rtcp {

// One Generic NACK FCI entry: PID is lost, and bit i of BLP means PID + i + 1 is lost.
struct NackItem {
  std::uint16_t pid = 0;
  std::uint16_t blp = 0;
  bool operator==(const NackItem&) const = default;
};

// Appends the sequence numbers an item reports, PID first, then BLP bits in ascending order.
void unpack_nack(NackItem item, std::vector<std::uint16_t>& seqs);

// Packs `seqs` into as few items as possible while keeping unpack order identical to the
// input order: a seq joins the current item when it lies 1..16 after its PID and after the
// item's last seq; otherwise it starts a new item. Sorted, duplicate-free input (what a
// NACK generator produces) therefore packs densely, and any input round-trips exactly.
std::vector<NackItem> pack_nack(std::span<const std::uint16_t> seqs);

// REMB bitrate: mantissa (18 bits) << exponent (6 bits).
struct RembBitrate {
  std::uint8_t exponent = 0;
  std::uint32_t mantissa = 0;
};
inline constexpr std::uint64_t kMaxRembBitrate = std::uint64_t{0x3FFFF} << 46;

// Smallest exponent that fits, mantissa rounded down (never advertises more than asked).
RembBitrate encode_remb_bitrate(std::uint64_t bitrate_bps) noexcept;
// mantissa << exponent; values that overflow 64 bits saturate at kMaxRembBitrate.
std::uint64_t decode_remb_bitrate(RembBitrate encoded) noexcept;

}  // namespace haven::sfu::rtcp
