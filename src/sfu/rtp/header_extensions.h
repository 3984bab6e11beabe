// Rewriting a packet's RFC 8285 header extensions for one subscriber, without allocating.
//
// Publisher and subscriber negotiate extension ids independently, so every forwarded
// packet needs (interop notes §5, mediasoup `MangleRtpPacket`): ids mapped to the
// subscriber's, unnegotiated elements (rid/rrid, anything the subscriber did not accept)
// dropped, sdes:mid replaced by the subscriber's MID on every packet (Chrome drops packets
// with a wrong or missing MID), and SFU-owned values stamped (transport-wide sequence
// number, abs-send-time) even when the publisher's packet lacked them. The MID can change
// length, so rewrite_extensions() builds the new packet into a caller buffer; when nothing
// changes length, RtpPacket::set_extension_id/set_extension_value work in place.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "sfu/rtp/rtp_packet.h"

namespace haven::sfu::rtp {

// Publisher id -> subscriber id. Ids that were never mapped are dropped, so a fresh map
// strips everything: map exactly what the subscriber negotiated. 256 bytes, no allocation;
// build it once per (publisher stream, subscriber) pair when the SDP is applied.
class ExtensionIdMap {
 public:
  // Forwards input element `from` as `to`. to == 0 drops `from`. Returns false for from == 0.
  bool map(std::uint8_t from, std::uint8_t to) noexcept {
    if (from == 0) return false;
    out_[from] = to;
    return true;
  }
  void drop(std::uint8_t from) noexcept { out_[from] = 0; }
  // 0 when the element is dropped.
  std::uint8_t output_id(std::uint8_t from) const noexcept { return out_[from]; }

 private:
  std::array<std::uint8_t, 256> out_{};
};

// A value the SFU writes under an OUTPUT id: it replaces the element that maps onto `id`
// and is appended when the input packet had none. The span must stay valid during the
// call (a stack buffer holding this packet's transport-wide seq, the subscriber's MID).
struct ExtensionValue {
  std::uint8_t id = 0;
  std::span<const std::uint8_t> value;
};

// Writes `in` with rewritten header extensions into `out` (which must not overlap `in`):
// fixed header and CSRCs copied (X bit set only if an element remains), then the kept
// elements in input order (later duplicates of an output id are dropped), then the
// `values` the input lacked, then payload and padding verbatim. The block uses the one-byte
// form when every element fits it (id <= 14, 1..16 bytes) and the two-byte form (profile
// 0x1000) otherwise. A non-RFC 8285 extension block in the input is dropped.
// Returns the packet size written, or 0 when `out` is too small or a value is invalid
// (id 0, longer than 255 bytes). Never allocates.
std::size_t rewrite_extensions(const RtpPacket& in, std::span<std::uint8_t> out,
                               const ExtensionIdMap& ids,
                               std::span<const ExtensionValue> values = {}) noexcept;

}  // namespace haven::sfu::rtp
