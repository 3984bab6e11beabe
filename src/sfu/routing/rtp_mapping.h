// How one producer's packets translate into one consumer's: payload types and header
// extension ids. Publisher and subscriber negotiate both independently, so nothing may be
// forwarded with the publisher's numbers (interop notes §6: "PT/ext ID not remapped" is a
// black-video cause). Built once when a consumer is created; per packet it is table lookups.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "sfu/routing/codec_info.h"
#include "sfu/rtp/header_extensions.h"
#include "sfu/rtp_parameters.h"

namespace haven::sfu::routing {

inline constexpr std::uint8_t kNoPayloadType = 0xFF;

struct PayloadTypeMap {
  // Producer media PT -> consumer media PT (kNoPayloadType: not forwarded).
  std::array<std::uint8_t, 128> media;
  // Consumer media PT -> consumer RTX PT (kNoPayloadType: the subscriber has no RTX for it).
  std::array<std::uint8_t, 128> rtx;

  PayloadTypeMap() noexcept {
    media.fill(kNoPayloadType);
    rtx.fill(kNoPayloadType);
  }
};

// Same codec: name (case-insensitive), clock rate, channel count (0 and 1 both mean mono),
// and for H.264 the same packetization-mode (RFC 6184 §8.1: absent means 0).
bool same_codec(const CodecParameters& a, const CodecParameters& b) noexcept;

// Maps every producer codec the consumer also has. nullopt when the producer's codec in
// use (codecs[0]) has no counterpart: the consumer could not decode anything.
std::optional<PayloadTypeMap> map_payload_types(const RtpParameters& producer,
                                                const RtpParameters& consumer);

// The extensions both sides negotiated, publisher id -> subscriber id: audio level, video
// orientation, and the SFU-owned mid, abs-send-time and transport-cc (whose values the
// consumer replaces). rid/repaired-rid and anything else are dropped (MS MangleRtpPacket).
rtp::ExtensionIdMap map_extensions(const HeaderExtensionIds& producer,
                                   const HeaderExtensionIds& consumer) noexcept;

// Per producer: what each received payload type is.
struct PayloadTypeInfo {
  std::array<CodecKind, 128> kind{};      // CodecKind::other for unknown PTs
  std::array<bool, 128> known{};          // a media PT the producer negotiated
  std::array<std::uint8_t, 128> rtx_apt;  // RTX PT -> its media PT, kNoPayloadType
  PayloadTypeInfo() noexcept { rtx_apt.fill(kNoPayloadType); }
};
PayloadTypeInfo payload_type_info(const RtpParameters& producer) noexcept;

}  // namespace haven::sfu::routing
