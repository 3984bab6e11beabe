// What routing needs to know about a codec beyond its payload type: which one it is (to
// find key frames) and which RTCP feedback the endpoint negotiated for it.
//
// Key-frame detection reads only the RTP payload header the packetizer writes, which
// stays in clear under SFrame end-to-end encryption (DESIGN.md "End-to-end encryption":
// the codec header bytes stay first, the SFrame header follows them).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include "sfu/rtp_parameters.h"

namespace haven::sfu::routing {

enum class CodecKind : std::uint8_t { other, opus, vp8, vp9, h264, av1 };

// ASCII case-insensitive comparison (encoding names and feedback values are case-insensitive).
bool names_equal(std::string_view a, std::string_view b) noexcept;

// From the a=rtpmap encoding name, case-insensitively ("VP8", "vp8").
CodecKind codec_kind(std::string_view name) noexcept;

// Whether is_keyframe() can tell key frames of this codec apart. Consumers of other
// codecs start forwarding at once and keyframe requests are sent once, never retried.
bool keyframe_detectable(CodecKind kind) noexcept;

// True for the packet that starts a key frame (VP8, RFC 7741 §4.3), an intra-only picture
// of the base spatial layer (VP9, RFC 9628 §4.2: P = 0, B = 1, SID = 0), or a packet
// carrying an IDR slice or SPS (H.264, RFC 6184 §5.6–5.8: single NAL, STAP-A, FU-A start).
bool is_keyframe(CodecKind kind, std::span<const std::uint8_t> payload) noexcept;

// a=rtcp-fb values for the codec: has_feedback(c, "nack") for plain NACK (not "nack pli"),
// has_feedback(c, "nack pli"), has_feedback(c, "ccm fir"), has_feedback(c, "transport-cc").
bool has_feedback(const CodecParameters& codec, std::string_view feedback) noexcept;

}  // namespace haven::sfu::routing
