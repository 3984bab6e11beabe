// Codec lookups and equivalence for mapping a publisher's payload types onto a subscriber's
// (Chrome assigns PTs per peer connection since M140, so the SFU maps by codec, not by PT).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "sfu/sdp/session_description.h"

namespace haven::sfu::sdp {

// H.264 profiles as identified by profile_idc + profile-iop (RFC 6184 §8.1, the table of
// webrtc's h264_profile_level_id.cc which mediasoup's ortc.ts also uses).
enum class H264Profile : std::uint8_t {
  constrained_baseline,
  baseline,
  main,
  constrained_high,
  high,
  predictive_high_444,
};

struct H264ProfileLevel {
  H264Profile profile;
  std::uint8_t level_idc;  // raw level_idc byte (31 = 3.1); level 1b is not special-cased
  bool operator==(const H264ProfileLevel&) const = default;
};

// Parses the 6 hex digits of profile-level-id; nullopt for malformed text or a
// profile_idc/profile-iop combination outside the table.
std::optional<H264ProfileLevel> parse_h264_profile_level_id(std::string_view hex);

// Value of an fmtp parameter; keys compare case-insensitively (media type parameters are
// case-insensitive, RFC 6838 §4.3). nullopt when absent.
std::optional<std::string_view> fmtp_value(const Codec& codec, std::string_view key);

// Whether two codecs are interchangeable for forwarding: same encoding name (ASCII case-
// insensitive), clock rate and channel count (absent = 1), and for
//   H264: same packetization-mode (default 0) and same profile from profile-level-id
//         (default 420010); the level is ignored because receivers decode lower levels and
//         Chrome offers level-asymmetry-allowed=1 (RFC 6184 §8.2.2);
//   VP9:  same profile-id (default 0);   AV1: same profile (default 0).
// RTX codecs match on name/clock only; their apt is resolved through find_rtx().
bool codecs_match(const Codec& a, const Codec& b);

// First codec (m= line preference order) with this encoding name, case-insensitive.
const Codec* find_codec(const MediaSection& m, std::string_view name);

// First codec for which codecs_match(codec, like) holds (the subscriber-side PT for a
// publisher's codec).
const Codec* find_matching_codec(const MediaSection& m, const Codec& like);

const Codec* find_codec_by_pt(const MediaSection& m, std::uint8_t pt);

// The apt= of an rtx codec (RFC 4588 §8.6), nullopt if `codec` is not rtx or apt is bad.
std::optional<std::uint8_t> rtx_apt(const Codec& codec);

// The rtx codec whose apt= is `pt`, or nullptr.
const Codec* find_rtx(const MediaSection& m, std::uint8_t pt);

// Whether the codec (or an a=rtcp-fb:* line) enables this feedback, e.g. ("nack", "pli"),
// ("transport-cc", ""), ("ccm", "fir"). Type and parameter compare exactly.
bool has_rtcp_fb(const MediaSection& m, const Codec& codec, std::string_view type,
                 std::string_view parameter = {});

}  // namespace haven::sfu::sdp
