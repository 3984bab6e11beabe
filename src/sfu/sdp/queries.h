// Read-only lookups the SFU needs on a parsed description: sections by mid, the BUNDLE
// group, header extension ids by URI, transport parameters with session-level fallback,
// fingerprint bytes and the SSRC layout of a sending section.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfu/sdp/session_description.h"

namespace haven::sfu::sdp {

// RTP header extension URIs WebRTC negotiates (RFC 8285 §5 extmap).
namespace ext {
inline constexpr std::string_view kMid = "urn:ietf:params:rtp-hdrext:sdes:mid";  // RFC 8843
inline constexpr std::string_view kRid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kRepairedRid =
    "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";  // RFC 8852
inline constexpr std::string_view kAudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr std::string_view kToffset = "urn:ietf:params:rtp-hdrext:toffset";
inline constexpr std::string_view kVideoOrientation = "urn:3gpp:video-orientation";
inline constexpr std::string_view kAbsSendTime =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr std::string_view kTransportCc =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr std::string_view kPlayoutDelay =
    "http://www.webrtc.org/experiments/rtp-hdrext/playout-delay";
inline constexpr std::string_view kAbsCaptureTime =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time";
inline constexpr std::string_view kDependencyDescriptor =
    "https://aomediacodec.github.io/av1-rtp-spec/#dependency-descriptor-rtp-header-extension";
}  // namespace ext

const MediaSection* find_media(const SessionDescription& sd, std::string_view mid);

// The first a=group:BUNDLE (RFC 8843 §7); nullptr if none.
const Group* bundle_group(const SessionDescription& sd);

// The id negotiated for `uri` in the section, falling back to session-level extmaps when
// `sd` is given (RFC 8285 §8 allows both). nullopt if not negotiated.
std::optional<std::uint16_t> find_extmap_id(const MediaSection& m, std::string_view uri);
std::optional<std::uint16_t> find_extmap_id(const SessionDescription& sd, const MediaSection& m,
                                            std::string_view uri);

// Transport parameters of a section: media level if present, else session level
// (RFC 8839 §5.4, RFC 8122 §5, RFC 4145 §4).
std::string_view ice_ufrag(const SessionDescription& sd, const MediaSection& m);
std::string_view ice_pwd(const SessionDescription& sd, const MediaSection& m);
const std::vector<Fingerprint>& fingerprints(const SessionDescription& sd, const MediaSection& m);
std::optional<Setup> setup(const SessionDescription& sd, const MediaSection& m);

// Decoded fingerprint bytes (hex case-insensitive, RFC 8122 §5), nullopt if malformed.
std::optional<std::vector<std::uint8_t>> fingerprint_bytes(const Fingerprint& fp);

// The value of an SSRC attribute ("cname", "msid") of `ssrc`, nullopt if absent.
std::optional<std::string_view> ssrc_attribute(const MediaSection& m, std::uint32_t ssrc,
                                               std::string_view name);

// The RTX SSRC paired with `primary` by a=ssrc-group:FID (RFC 5576 §4.2, RFC 4588).
std::optional<std::uint32_t> rtx_ssrc(const MediaSection& m, std::uint32_t primary);

// One RTP stream the section's author sends: a simulcast layer or the single stream.
struct SendStream {
  std::string rid;                    // RID simulcast: the rid; else empty
  std::optional<std::uint32_t> ssrc;  // unknown for RID simulcast (learned from the rid
                                      // header extension, RFC 8852)
  std::optional<std::uint32_t> rtx_ssrc;
  bool paused = false;  // '~' in a=simulcast
  bool operator==(const SendStream&) const = default;
};

// The streams the author of the description sends in this section, in the order the
// description lists them (Chrome: lowest layer first):
//  1. a=simulcast send list (RFC 8853): one stream per ';' group, its first alternative;
//     else a=rid ... send lines in order;
//  2. else a=ssrc-group:SIM (Chrome's legacy simulcast): its SSRCs with their FID RTX;
//  3. else every a=ssrc that is not the repair member of an FID/FEC-FR group, with its RTX.
// The direction is not consulted: check effective_direction() before relying on it.
std::vector<SendStream> send_streams(const MediaSection& m);

}  // namespace haven::sfu::sdp
