// Conversions between Tuple and Boost.Asio UDP endpoints, for the socket layer. Kept out
// of tuple.h so the ICE/STUN logic does not pull Asio into every translation unit.
#pragma once

#include <boost/asio/ip/udp.hpp>

#include "sfu/ice/tuple.h"

namespace haven::sfu {

inline Tuple to_tuple(const boost::asio::ip::udp::endpoint& ep) {
  const auto addr = ep.address();
  // A v4-mapped v6 address (dual-stack socket) is the IPv4 peer it stands for, so the
  // same browser is one tuple whichever socket family delivered its packet.
  if (addr.is_v6() && addr.to_v6().is_v4_mapped()) {
    return Tuple::v4(
        boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped_t{}, addr.to_v6()).to_bytes(),
        ep.port());
  }
  if (addr.is_v4()) return Tuple::v4(addr.to_v4().to_bytes(), ep.port());
  return Tuple::v6(addr.to_v6().to_bytes(), ep.port());
}

inline boost::asio::ip::udp::endpoint to_endpoint(const Tuple& t) {
  if (t.family == IpFamily::v4) {
    std::array<unsigned char, 4> b{};
    std::copy_n(t.ip.begin(), 4, b.begin());
    return {boost::asio::ip::address_v4(b), t.port};
  }
  std::array<unsigned char, 16> b{};
  std::copy_n(t.ip.begin(), 16, b.begin());
  return {boost::asio::ip::address_v6(b), t.port};
}

}  // namespace haven::sfu
