#include "sfu/stun/crc32.h"

#include <array>

namespace haven::sfu::stun {
namespace {

// Reflected polynomial 0x04C11DB7.
constexpr std::array<std::uint32_t, 256> make_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1U) ? (0xEDB88320U ^ (c >> 1)) : (c >> 1);
    table[i] = c;
  }
  return table;
}

constexpr auto kTable = make_table();

}  // namespace

std::uint32_t crc32(std::span<const std::uint8_t> data, std::uint32_t previous) noexcept {
  std::uint32_t c = ~previous;
  for (std::uint8_t b : data) c = kTable[(c ^ b) & 0xFFU] ^ (c >> 8);
  return ~c;
}

}  // namespace haven::sfu::stun
