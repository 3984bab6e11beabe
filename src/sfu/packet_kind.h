// First-byte demultiplexing of everything arriving on the SFU's single UDP port:
// STUN, DTLS and (S)RTP/(S)RTCP share one 5-tuple in WebRTC (BUNDLE + rtcp-mux).
#pragma once

#include <cstdint>
#include <span>

namespace haven::sfu {

enum class PacketKind { stun, dtls, rtp, rtcp, unknown };

// Minimum sizes below which a packet cannot be the kind its first byte claims: the STUN
// header (RFC 8489 §5), the DTLS record header (RFC 6347 §4.1), the fixed RTP header
// (RFC 3550 §5.1) and the RTCP header plus sender SSRC (RFC 3550 §6.4).
inline constexpr std::size_t kMinStunSize = 20;
inline constexpr std::size_t kMinDtlsSize = 13;
inline constexpr std::size_t kMinRtpSize = 12;
inline constexpr std::size_t kMinRtcpSize = 8;

// Classifies by the first byte as RFC 7983 §7 prescribes (0–3 STUN, 20–63 DTLS,
// 128–191 RTP/RTCP), and RTP vs RTCP by the second byte as RFC 5761 §4 does (192–223 is
// an RTCP packet type). ZRTP, TURN channels, too-short packets and anything else are
// `unknown`. Never reads past the span and never fails.
PacketKind classify(std::span<const std::uint8_t> packet) noexcept;

const char* to_string(PacketKind kind) noexcept;

}  // namespace haven::sfu
