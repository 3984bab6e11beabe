// RTP header extensions Haven negotiates (RFC 8285), for both connection directions.
//
// SEND connection (browser offers): the SFU keeps the browser's ids (an answer must not
// renumber, pion/example-webrtc-applications#200) for the URIs routing understands, and
// drops the rest from the answer so the browser does not send them.
// RECV connection (SFU offers): one fixed id per URI for every m-section and the whole life
// of the connection — Chrome >= 148 refuses an id that changes URI (msc#367/#368), BUNDLE
// wants one URI => one id (aiortc#951, msc#373) — so a constant table is the simplest
// correct per-connection URI->id map.
#pragma once

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "sfu/rtp_parameters.h"
#include "sfu/sdp/queries.h"
#include "sfu/sdp/session_description.h"

namespace haven::sfu::negotiation {

// Whether a publisher's extension is echoed in the SEND answer: mid, rid, repaired-rid,
// abs-send-time, transport-wide-cc, ssrc-audio-level, video-orientation.
bool is_accepted_extension(std::string_view uri);

// Stores `id` in the HeaderExtensionIds field for `uri`; false if the URI has no field.
// Ids outside 1-255 are ignored (0 stays "not negotiated").
bool set_extension_id(HeaderExtensionIds& ids, std::string_view uri, std::uint16_t id);

// The ids of the given extmaps that have a HeaderExtensionIds field.
HeaderExtensionIds extension_ids(const std::vector<sdp::Extmap>& extmaps);

// The id HeaderExtensionIds holds for `uri` (0 if none or unknown URI).
std::uint8_t extension_id(const HeaderExtensionIds& ids, std::string_view uri);

// RECV connection table. One-byte header ids (1-14, RFC 8285 §4.2) so every packet can use
// the compact form. rid/repaired-rid are absent on purpose: the SFU sends one stream per
// consumer and strips rid (shared/notes/sfu-interop.md §5).
struct FixedExtension {
  std::string_view uri;
  std::uint8_t id;
  bool audio;
  bool video;
};
inline constexpr std::array<FixedExtension, 5> kRecvExtensions{{
    {sdp::ext::kMid, 1, true, true},
    {sdp::ext::kAbsSendTime, 2, true, true},
    {sdp::ext::kTransportCc, 3, true, true},
    {sdp::ext::kAudioLevel, 4, true, false},
    {sdp::ext::kVideoOrientation, 5, false, true},
}};

// The a=extmap lines of a RECV m-section of this kind, in table order.
std::vector<sdp::Extmap> recv_extmaps(MediaKind kind);

// The fixed id of `uri` on the RECV connection; 0 if the SFU does not offer it.
std::uint8_t recv_extension_id(std::string_view uri);

}  // namespace haven::sfu::negotiation
