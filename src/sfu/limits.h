// Size limits shared by the SFU's datagram parsers (STUN, RTP, RTCP).
#pragma once

#include <cstddef>

namespace haven::sfu {

// Largest UDP payload any SFU parser accepts. WebRTC keeps packets under the path MTU
// (Chrome aims for ~1200-byte payloads), so anything bigger is not ours to parse.
inline constexpr std::size_t kMaxDatagram = 1500;

}  // namespace haven::sfu
