// The SFU's one ICE candidate: a host candidate on its single UDP port, component 1
// (rtcp-mux, BUNDLE), as `a=candidate:` text (RFC 8839 §5.1).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace haven::sfu {

// RFC 8445 §5.1.2.1: priority = 2^24·type preference + 2^8·local preference + (256 −
// component). Host type preference 126 (§5.1.2.2), one address so local preference 65535,
// component 1: 2130706431, as mediasoup and Janus advertise.
constexpr std::uint32_t ice_priority(std::uint32_t type_preference, std::uint32_t local_preference,
                                     std::uint32_t component) noexcept {
  return (type_preference << 24) + (local_preference << 8) + (256 - component);
}
inline constexpr std::uint32_t kHostTypePreference = 126;
inline constexpr std::uint32_t kPeerReflexiveTypePreference = 110;
inline constexpr std::uint32_t kHostCandidatePriority = ice_priority(kHostTypePreference, 65535, 1);

// "candidate:1 1 udp 2130706431 <ip> <port> typ host" — the value after "a=" in SDP and
// the RTCIceCandidate.candidate string for trickle. `ip` is an IP literal (the announced
// address); IPv6 is written without brackets (RFC 8839 §5.1 connection-address).
std::string format_host_candidate(std::string_view ip, std::uint16_t port);

}  // namespace haven::sfu
