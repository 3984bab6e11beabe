// A remote transport address (IP + UDP port) as the SFU's single UDP socket sees it. With
// one local socket the remote address alone identifies the 5-tuple, so ICE, the UDP
// demuxer and the transports all key on this value.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

namespace haven::sfu {

enum class IpFamily : std::uint8_t { v4 = 4, v6 = 6 };

struct Tuple {
  IpFamily family = IpFamily::v4;
  // Network byte order. IPv4 uses the first 4 bytes; the rest is ignored by ==, hashing
  // and to_string (the factories keep it zero).
  std::array<std::uint8_t, 16> ip{};
  std::uint16_t port = 0;  // host byte order

  static Tuple v4(const std::array<std::uint8_t, 4>& addr, std::uint16_t port) noexcept {
    Tuple t;
    t.family = IpFamily::v4;
    std::copy(addr.begin(), addr.end(), t.ip.begin());
    t.port = port;
    return t;
  }
  static Tuple v6(const std::array<std::uint8_t, 16>& addr, std::uint16_t port) noexcept {
    Tuple t;
    t.family = IpFamily::v6;
    t.ip = addr;
    t.port = port;
    return t;
  }

  // The 4 or 16 address bytes.
  std::span<const std::uint8_t> address() const noexcept {
    return std::span<const std::uint8_t>(ip).first(family == IpFamily::v4 ? 4 : 16);
  }

  // "192.0.2.1:32853" or "[2001:db8::1]:32853", for logs.
  std::string to_string() const;

  friend bool operator==(const Tuple& a, const Tuple& b) noexcept {
    if (a.family != b.family || a.port != b.port) return false;
    auto x = a.address();
    auto y = b.address();
    return std::equal(x.begin(), x.end(), y.begin(), y.end());
  }
};

struct TupleHash {
  std::size_t operator()(const Tuple& t) const noexcept {
    // FNV-1a over family, port and the significant address bytes: cheap, and the keys
    // are remote addresses an attacker could pick, so nothing here is security-relevant
    // beyond bucket spread (tuples only enter maps after STUN authentication).
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&h](std::uint8_t b) {
      h ^= b;
      h *= 1099511628211ULL;
    };
    mix(static_cast<std::uint8_t>(t.family));
    mix(static_cast<std::uint8_t>(t.port >> 8));
    mix(static_cast<std::uint8_t>(t.port & 0xff));
    for (std::uint8_t b : t.address()) mix(b);
    return static_cast<std::size_t>(h);
  }
};

}  // namespace haven::sfu

template <>
struct std::hash<haven::sfu::Tuple> : haven::sfu::TupleHash {};
