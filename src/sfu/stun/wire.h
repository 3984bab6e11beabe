// Big-endian load/store helpers shared by the STUN parser, builder and integrity code.
// Callers check bounds first; these only do the byte arithmetic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace haven::sfu::stun::wire {

inline std::uint16_t load16(std::span<const std::uint8_t> b, std::size_t at) noexcept {
  return static_cast<std::uint16_t>((b[at] << 8) | b[at + 1]);
}

inline std::uint32_t load32(std::span<const std::uint8_t> b, std::size_t at) noexcept {
  return (std::uint32_t{b[at]} << 24) | (std::uint32_t{b[at + 1]} << 16) |
         (std::uint32_t{b[at + 2]} << 8) | std::uint32_t{b[at + 3]};
}

inline std::uint64_t load64(std::span<const std::uint8_t> b, std::size_t at) noexcept {
  return (std::uint64_t{load32(b, at)} << 32) | load32(b, at + 4);
}

inline void store16(std::span<std::uint8_t> b, std::size_t at, std::uint16_t v) noexcept {
  b[at] = static_cast<std::uint8_t>(v >> 8);
  b[at + 1] = static_cast<std::uint8_t>(v);
}

inline void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

inline void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  put16(out, static_cast<std::uint16_t>(v >> 16));
  put16(out, static_cast<std::uint16_t>(v));
}

inline void put64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  put32(out, static_cast<std::uint32_t>(v >> 32));
  put32(out, static_cast<std::uint32_t>(v));
}

// Attribute values are padded to a multiple of 4 bytes (RFC 8489 §14).
constexpr std::size_t padded(std::size_t n) noexcept {
  return (n + 3) & ~std::size_t{3};
}

}  // namespace haven::sfu::stun::wire
