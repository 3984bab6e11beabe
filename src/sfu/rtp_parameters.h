// What negotiation (sfu/negotiation) tells routing (sfu/routing) about one track: the
// codecs with their payload types, the header extension ids, and the encodings (SSRCs,
// RTX SSRCs, simulcast rids). One struct for both directions: for a producer these are
// the publisher's values parsed from its offer; for a consumer, the values the SFU put in
// the subscriber's offer (and the browser's answer accepted).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace haven::sfu {

enum class MediaKind { audio, video };

struct CodecParameters {
  std::uint8_t payload_type = 0;
  std::string name;  // "opus", "VP8", "H264" (as in a=rtpmap)
  std::uint32_t clock_rate = 0;
  std::uint8_t channels = 0;                     // audio: 2 for opus; video: 0
  std::string fmtp;                              // raw a=fmtp value, "" when none
  std::optional<std::uint8_t> rtx_payload_type;  // a=rtpmap:N rtx/90000 with apt=payload_type
  std::vector<std::string>
      rtcp_feedback;  // "nack", "nack pli", "ccm fir", "transport-cc", "goog-remb"
};

// RTP header extension ids (RFC 8285); 0 = not negotiated.
struct HeaderExtensionIds {
  std::uint8_t mid = 0;            // urn:ietf:params:rtp-hdrext:sdes:mid
  std::uint8_t rid = 0;            // urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
  std::uint8_t repaired_rid = 0;   // urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
  std::uint8_t abs_send_time = 0;  // http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
  std::uint8_t transport_cc =
      0;  // http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
  std::uint8_t audio_level = 0;        // urn:ietf:params:rtp-hdrext:ssrc-audio-level
  std::uint8_t video_orientation = 0;  // urn:3gpp:video-orientation
};

struct Encoding {
  std::uint32_t ssrc = 0;      // 0: not known yet (simulcast by rid: learnt from packets)
  std::uint32_t rtx_ssrc = 0;  // 0: none
  std::string rid;             // simulcast layer id ("q", "h", "f"); "" without simulcast
};

struct RtpParameters {
  std::string mid;
  MediaKind kind = MediaKind::audio;
  std::vector<CodecParameters> codecs;  // preference order; codecs[0] is the one in use
  HeaderExtensionIds extensions;
  std::vector<Encoding> encodings;  // 1, or 3 with simulcast (lowest quality first)
  std::string cname;
  std::string stream_id;  // a=msid stream: a participant's audio and video share it (lip sync)
  std::string track_id;
};

}  // namespace haven::sfu
