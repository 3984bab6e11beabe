// Which codecs Haven's SFU takes from publishers and offers to subscribers.
//
// Media is end-to-end encrypted (SFrame inside the payload, shared/DESIGN.md), so the SFU
// never transcodes: a subscriber gets exactly the publisher's codec. Keeping the set small
// (Opus; VP8, else constrained-baseline H.264 with packetization-mode=1) means every
// browser can decode every publisher, and the RECV side can use fixed payload types.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "sfu/rtp_parameters.h"
#include "sfu/sdp/session_description.h"

namespace haven::sfu::negotiation {

// The codecs routing can forward. On the RECV connection each has a payload type the SFU
// owns (fixed, identical in every m-section: BUNDLE demands one PT => one codec,
// bluenviron/mediamtx#4394).
enum class ServerCodec : std::uint8_t { opus, vp8, h264 };

inline constexpr std::uint8_t kOpusPayloadType = 111;
inline constexpr std::uint8_t kVp8PayloadType = 96;
inline constexpr std::uint8_t kVp8RtxPayloadType = 97;
inline constexpr std::uint8_t kH264PayloadType = 102;
inline constexpr std::uint8_t kH264RtxPayloadType = 103;

// fmtp the SFU uses for its own Opus and H.264 lines.
inline constexpr std::string_view kOpusFmtp = "minptime=10;useinbandfec=1";
inline constexpr std::string_view kH264Fmtp =
    "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f";

// RTCP feedback the SFU understands (RFC 4585 nack/pli, RFC 5104 fir, transport-cc,
// goog-remb). Anything else a publisher offers is left out of the answer.
inline constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kFeedback{{
    {"nack", ""},
    {"nack", "pli"},
    {"ccm", "fir"},
    {"transport-cc", ""},
    {"goog-remb", ""},
}};

MediaKind kind_of(ServerCodec codec);

// Whether `name` is the rtpmap encoding name of `codec` ("opus", "VP8", "H264"; any case).
std::optional<ServerCodec> server_codec_from_name(std::string_view name);

// The RECV offer's codec lines for `codec`: the primary codec first, then its RTX (video).
// Video gets every kFeedback entry; audio gets transport-cc only (PW interceptor.go).
std::vector<sdp::Codec> server_codec_lines(ServerCodec codec);

// The primary and RTX payload types of `codec` on the RECV connection (rtx 0 for Opus).
std::uint8_t server_payload_type(ServerCodec codec);
std::uint8_t server_rtx_payload_type(ServerCodec codec);

// The codec the SFU picks from a publisher's offered section, with the offer's PTs.
struct SendCodecChoice {
  ServerCodec codec = ServerCodec::opus;
  const sdp::Codec* primary = nullptr;  // points into the offered section
  const sdp::Codec* rtx = nullptr;      // its rtx (apt=primary), or nullptr
};

// audio: the first opus/48000/2; video: the first VP8/90000, else the first H264/90000
// with packetization-mode=1 and a constrained-baseline profile-level-id (42e01f and its
// other levels: RFC 6184 §8.1). nullopt if the section offers none of them.
std::optional<SendCodecChoice> choose_send_codec(const sdp::MediaSection& offer);

// The answer's line for the chosen codec: same PT/name/clock/channels; feedback = the
// offer's (per-PT and a=rtcp-fb:*) that is in kFeedback, in offer order; fmtp = Opus keeps
// only minptime and useinbandfec, H.264 keeps the offer's, others none.
sdp::Codec answer_codec(const sdp::MediaSection& offer, const sdp::Codec& offered);

// The answer's RTX line: "rtx/90000" with "apt=<primary PT>".
sdp::Codec answer_rtx_codec(const sdp::Codec& offered_rtx, std::uint8_t primary_pt);

// RtpParameters' view of a negotiated codec line (and its RTX, if any).
CodecParameters to_codec_parameters(const sdp::Codec& codec, const sdp::Codec* rtx, MediaKind kind);

// "nack pli" style text of one feedback line.
std::string feedback_text(const sdp::RtcpFeedback& fb);

}  // namespace haven::sfu::negotiation
