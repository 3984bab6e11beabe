// Codec policy; see codec_policy.h.
#include "sfu/negotiation/codec_policy.h"

#include <string>

#include "sfu/sdp/codec_match.h"
#include "sfu/sdp/text.h"

namespace haven::sfu::negotiation {

namespace {

bool is_opus(const sdp::Codec& c) {
  return sdp::text::iequals(c.name, "opus") && c.clock_rate == 48000 && c.channels == 2;
}

bool is_vp8(const sdp::Codec& c) {
  return sdp::text::iequals(c.name, "VP8") && c.clock_rate == 90000;
}

// RFC 6184 §8.1: packetization-mode defaults to 0 (single NAL units only: no FU-A, so
// frames bigger than one packet cannot be sent), profile-level-id to 420010 (baseline).
// Constrained baseline with mode 1 is what every WebRTC browser encodes and decodes.
bool is_constrained_baseline_h264(const sdp::Codec& c) {
  if (!sdp::text::iequals(c.name, "H264") || c.clock_rate != 90000) return false;
  auto mode = sdp::fmtp_value(c, "packetization-mode");
  if (!mode || *mode != "1") return false;
  auto plid = sdp::fmtp_value(c, "profile-level-id");
  auto profile = sdp::parse_h264_profile_level_id(plid ? *plid : "420010");
  return profile && profile->profile == sdp::H264Profile::constrained_baseline;
}

bool is_known_feedback(const sdp::RtcpFeedback& fb) {
  for (const auto& [type, param] : kFeedback)
    if (fb.type == type && fb.parameter == param) return true;
  return false;
}

sdp::Codec make_codec(std::uint8_t pt, std::string name, std::uint32_t clock,
                      std::optional<std::uint16_t> channels, std::string_view fmtp) {
  sdp::Codec c;
  c.pt = pt;
  c.name = std::move(name);
  c.clock_rate = clock;
  c.channels = channels;
  c.fmtp = std::string(fmtp);
  c.fmtp_params = sdp::text::split_params(fmtp);  // what the parser would derive
  return c;
}

void set_fmtp(sdp::Codec& c, std::string fmtp) {
  c.fmtp_params = sdp::text::split_params(fmtp);
  c.fmtp = std::move(fmtp);
}

}  // namespace

MediaKind kind_of(ServerCodec codec) {
  return codec == ServerCodec::opus ? MediaKind::audio : MediaKind::video;
}

std::optional<ServerCodec> server_codec_from_name(std::string_view name) {
  if (sdp::text::iequals(name, "opus")) return ServerCodec::opus;
  if (sdp::text::iequals(name, "VP8")) return ServerCodec::vp8;
  if (sdp::text::iequals(name, "H264")) return ServerCodec::h264;
  return std::nullopt;
}

std::uint8_t server_payload_type(ServerCodec codec) {
  switch (codec) {
    case ServerCodec::opus:
      return kOpusPayloadType;
    case ServerCodec::vp8:
      return kVp8PayloadType;
    case ServerCodec::h264:
      return kH264PayloadType;
  }
  return 0;
}

std::uint8_t server_rtx_payload_type(ServerCodec codec) {
  switch (codec) {
    case ServerCodec::opus:
      return 0;
    case ServerCodec::vp8:
      return kVp8RtxPayloadType;
    case ServerCodec::h264:
      return kH264RtxPayloadType;
  }
  return 0;
}

std::vector<sdp::Codec> server_codec_lines(ServerCodec codec) {
  std::vector<sdp::Codec> out;
  if (codec == ServerCodec::opus) {
    out.push_back(make_codec(kOpusPayloadType, "opus", 48000, 2, kOpusFmtp));
    out.back().rtcp_fb.push_back({"transport-cc", ""});
    return out;
  }
  if (codec == ServerCodec::vp8)
    out.push_back(make_codec(kVp8PayloadType, "VP8", 90000, std::nullopt, ""));
  else
    out.push_back(make_codec(kH264PayloadType, "H264", 90000, std::nullopt, kH264Fmtp));
  for (const auto& [type, param] : kFeedback)
    out.back().rtcp_fb.push_back({std::string(type), std::string(param)});
  std::uint8_t pt = out.back().pt;
  out.push_back(make_codec(server_rtx_payload_type(codec), "rtx", 90000, std::nullopt,
                           "apt=" + std::to_string(pt)));
  return out;
}

std::optional<SendCodecChoice> choose_send_codec(const sdp::MediaSection& offer) {
  auto pick = [&](ServerCodec which, auto&& matches) -> std::optional<SendCodecChoice> {
    for (const auto& c : offer.codecs)
      if (matches(c)) return SendCodecChoice{which, &c, sdp::find_rtx(offer, c.pt)};
    return std::nullopt;
  };
  if (offer.kind == sdp::MediaKind::audio) return pick(ServerCodec::opus, is_opus);
  if (offer.kind != sdp::MediaKind::video) return std::nullopt;
  if (auto vp8 = pick(ServerCodec::vp8, is_vp8)) return vp8;
  return pick(ServerCodec::h264, is_constrained_baseline_h264);
}

sdp::Codec answer_codec(const sdp::MediaSection& offer, const sdp::Codec& offered) {
  sdp::Codec c;
  c.pt = offered.pt;
  c.name = offered.name;
  c.clock_rate = offered.clock_rate;
  c.channels = offered.channels;
  auto add = [&](const sdp::RtcpFeedback& fb) {
    if (!is_known_feedback(fb)) return;
    for (const auto& have : c.rtcp_fb)
      if (have == fb) return;
    c.rtcp_fb.push_back(fb);
  };
  for (const auto& fb : offered.rtcp_fb) add(fb);
  for (const auto& fb : offer.rtcp_fb_all) add(fb);  // a=rtcp-fb:* applies to every PT
  if (is_opus(offered)) {
    std::string fmtp;
    for (const auto& [key, value] : offered.fmtp_params) {
      if (!sdp::text::iequals(key, "minptime") && !sdp::text::iequals(key, "useinbandfec"))
        continue;
      if (!fmtp.empty()) fmtp += ';';
      fmtp += key + '=' + value;
    }
    set_fmtp(c, std::move(fmtp));
  } else if (sdp::text::iequals(offered.name, "H264")) {
    c.fmtp = offered.fmtp;
    c.fmtp_params = offered.fmtp_params;
  }
  return c;
}

sdp::Codec answer_rtx_codec(const sdp::Codec& offered_rtx, std::uint8_t primary_pt) {
  return make_codec(offered_rtx.pt, offered_rtx.name, offered_rtx.clock_rate, std::nullopt,
                    "apt=" + std::to_string(primary_pt));
}

CodecParameters to_codec_parameters(const sdp::Codec& codec, const sdp::Codec* rtx,
                                    MediaKind kind) {
  CodecParameters p;
  p.payload_type = codec.pt;
  p.name = codec.name;
  p.clock_rate = codec.clock_rate;
  p.channels = static_cast<std::uint8_t>(codec.channels.value_or(kind == MediaKind::audio));
  p.fmtp = codec.fmtp;
  if (rtx) p.rtx_payload_type = rtx->pt;
  for (const auto& fb : codec.rtcp_fb) p.rtcp_feedback.push_back(feedback_text(fb));
  return p;
}

std::string feedback_text(const sdp::RtcpFeedback& fb) {
  return fb.parameter.empty() ? fb.type : fb.type + ' ' + fb.parameter;
}

}  // namespace haven::sfu::negotiation
