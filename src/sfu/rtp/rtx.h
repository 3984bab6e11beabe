// RTX retransmission payload format (RFC 4588 §4), as the SFU uses it per subscriber:
// retransmissions go out on the rtx payload type and RTX SSRC with the stream's own RTX
// sequence numbers, payload = 2-byte original sequence number (OSN) + original payload,
// padding stripped (mediasoup `RtxEncode`). Upstream, Chrome also sends padding-only RTX
// packets as bandwidth probes; they carry no OSN and must be dropped, not "restored".
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "sfu/rtp/rtp_packet.h"

namespace haven::sfu::rtp {

inline constexpr std::size_t kRtxOsnSize = 2;

// Writes the RTX form of `original` into `out` (must not overlap): header, CSRCs and
// extensions copied, P bit cleared, PT/SSRC/seq replaced, then OSN + original payload
// (its padding dropped). Marker and timestamp stay as in the original (§4). Returns the
// size written, or 0 when `out` is too small. Never allocates.
std::size_t rtx_encode(const RtpPacket& original, std::span<std::uint8_t> out,
                       std::uint8_t rtx_payload_type, std::uint32_t rtx_ssrc,
                       std::uint16_t rtx_sequence_number) noexcept;

// A padding-only (or OSN-only) RTX packet: nothing to restore. Chrome sends these to
// probe bandwidth; the SFU drops them.
bool is_rtx_probe(const RtpPacket& rtx) noexcept;

// The original sequence number carried by an RTX packet, nullopt for a probe.
std::optional<std::uint16_t> rtx_original_sequence(const RtpPacket& rtx) noexcept;

// Restores the original packet in the RTX packet's own buffer: OSN removed (payload
// shifted left by two bytes), padding dropped, seq = OSN, PT and SSRC set to the original
// stream's. Returns a view over the (shorter) restored packet, or nullopt for a probe,
// in which case the buffer is unchanged.
std::optional<RtpPacket> rtx_decode(const RtpPacket& rtx, std::uint8_t original_payload_type,
                                    std::uint32_t original_ssrc) noexcept;

}  // namespace haven::sfu::rtp
