// RFC 5769 STUN test vectors (hex as printed in the RFC, padding bytes included), shared
// by the STUN and ICE tests.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace haven::sfu::stun::testing {

inline std::vector<std::uint8_t> from_hex(std::string_view hex) {
  auto nibble = [](char c) -> std::uint8_t {
    if (c >= '0' && c <= '9') return static_cast<std::uint8_t>(c - '0');
    return static_cast<std::uint8_t>((c | 0x20) - 'a' + 10);
  };
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  }
  return out;
}

inline constexpr std::string_view kPassword = "VOkJxbRl1RmTxUk/WvJxBt";

// §2.1 Sample Request: SOFTWARE "STUN test client", PRIORITY 0x6e0001ff, ICE-CONTROLLED
// 0x932ff9b151263b36, USERNAME "evtj:h6vY", MESSAGE-INTEGRITY, FINGERPRINT.
inline constexpr std::string_view kSampleRequest =
    "000100582112a442b7e7a701bc34d686fa87dfae"
    "802200105354554e207465737420636c69656e74"
    "002400046e0001ff"
    "80290008932ff9b151263b36"
    "000600096576746a3a68367659202020"
    "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
    "80280004e57a3bcf";

// §2.2 Sample IPv4 Response: SOFTWARE "test vector", XOR-MAPPED-ADDRESS 192.0.2.1:32853.
inline constexpr std::string_view kSampleIpv4Response =
    "0101003c2112a442b7e7a701bc34d686fa87dfae"
    "8022000b7465737420766563746f7220"
    "002000080001a147e112a643"
    "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7"
    "80280004c07d4c96";

// §2.3 Sample IPv6 Response: XOR-MAPPED-ADDRESS [2001:db8:1234:5678:11:2233:4455:6677]:32853.
inline constexpr std::string_view kSampleIpv6Response =
    "010100482112a442b7e7a701bc34d686fa87dfae"
    "8022000b7465737420766563746f7220"
    "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
    "00080014a382954e4be67bf11784c97c8292c275bfe3ed41"
    "80280004c8fb0b4c";

// §2.4 Sample Request with Long-Term Authentication: USERNAME "マトリックス", NONCE, REALM
// "example.org", MESSAGE-INTEGRITY keyed by MD5(user:realm:"TheMatrIX"), no FINGERPRINT.
inline constexpr std::string_view kSampleLongTermRequest =
    "000100602112a44278ad3433c6ad72c029da412e"
    "00060012e3839ee38388e383aae38383e382afe382b90000"
    "0015001c662f2f3439396b39353464364f4c33346f4c39465354767936347341"
    "0014000b6578616d706c652e6f726700"
    "00080014f67024656dd64a3e02b8e0712e85c9a28ca89666";

}  // namespace haven::sfu::stun::testing
