// CRC-32 (ISO-HDLC / IEEE 802.3, the zlib one) for the STUN FINGERPRINT attribute
// (RFC 8489 §14.7 references ITU V.42, the same polynomial). Hand-rolled so the SFU needs
// no zlib; STUN messages are at most 1500 bytes, so a byte-wise table is plenty fast.
#pragma once

#include <cstdint>
#include <span>

namespace haven::sfu::stun {

// Incremental like zlib's crc32(): crc32(b, crc32(a)) == crc32(a ‖ b); crc32({}) == 0.
std::uint32_t crc32(std::span<const std::uint8_t> data, std::uint32_t previous = 0) noexcept;

}  // namespace haven::sfu::stun
