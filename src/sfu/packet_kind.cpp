#include "sfu/packet_kind.h"

namespace haven::sfu {

PacketKind classify(std::span<const std::uint8_t> packet) noexcept {
  if (packet.empty()) return PacketKind::unknown;
  const std::uint8_t first = packet[0];
  // RFC 7983 §7: [0..3] STUN, [16..19] ZRTP, [20..63] DTLS, [64..79] TURN channel,
  // [128..191] RTP/RTCP. Only the three WebRTC uses are recognised here.
  if (first <= 3) {
    return packet.size() >= kMinStunSize ? PacketKind::stun : PacketKind::unknown;
  }
  if (first >= 20 && first <= 63) {
    return packet.size() >= kMinDtlsSize ? PacketKind::dtls : PacketKind::unknown;
  }
  if (first >= 128 && first <= 191) {
    if (packet.size() < 2) return PacketKind::unknown;
    // RFC 5761 §4: with rtcp-mux the second byte 192–223 is an RTCP packet type (SR 200,
    // RR 201, …); for RTP it would be marker + PT 64–95, which WebRTC never assigns.
    const std::uint8_t second = packet[1];
    if (second >= 192 && second <= 223) {
      return packet.size() >= kMinRtcpSize ? PacketKind::rtcp : PacketKind::unknown;
    }
    return packet.size() >= kMinRtpSize ? PacketKind::rtp : PacketKind::unknown;
  }
  return PacketKind::unknown;
}

const char* to_string(PacketKind kind) noexcept {
  switch (kind) {
    case PacketKind::stun:
      return "stun";
    case PacketKind::dtls:
      return "dtls";
    case PacketKind::rtp:
      return "rtp";
    case PacketKind::rtcp:
      return "rtcp";
    case PacketKind::unknown:
      break;
  }
  return "unknown";
}

}  // namespace haven::sfu
