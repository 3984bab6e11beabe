#include "sfu/routing/rtp_mapping.h"

#include <string_view>

namespace haven::sfu::routing {
namespace {

// packetization-mode from an H.264 fmtp ("level-asymmetry-allowed=1;packetization-mode=1").
int packetization_mode(std::string_view fmtp) noexcept {
  constexpr std::string_view kKey = "packetization-mode=";
  const auto at = fmtp.find(kKey);
  if (at == std::string_view::npos) return 0;
  const auto pos = at + kKey.size();
  return pos < fmtp.size() && fmtp[pos] >= '0' && fmtp[pos] <= '9' ? fmtp[pos] - '0' : 0;
}

bool valid_pt(std::uint8_t pt) noexcept {
  return pt < 128;
}

}  // namespace

bool same_codec(const CodecParameters& a, const CodecParameters& b) noexcept {
  const CodecKind kind = codec_kind(a.name);
  if (kind != codec_kind(b.name)) return false;
  if (kind == CodecKind::other) {
    // Not a codec routing knows by name: compare the names themselves.
    if (!names_equal(a.name, b.name)) return false;
  }
  if (a.clock_rate != b.clock_rate) return false;
  const auto channels = [](std::uint8_t c) { return c == 0 ? 1 : c; };
  if (channels(a.channels) != channels(b.channels)) return false;
  if (kind == CodecKind::h264 && packetization_mode(a.fmtp) != packetization_mode(b.fmtp)) {
    return false;
  }
  return true;
}

std::optional<PayloadTypeMap> map_payload_types(const RtpParameters& producer,
                                                const RtpParameters& consumer) {
  PayloadTypeMap map;
  if (producer.codecs.empty() || consumer.codecs.empty()) return std::nullopt;
  for (const auto& pc : producer.codecs) {
    if (!valid_pt(pc.payload_type)) continue;
    for (const auto& cc : consumer.codecs) {
      if (!valid_pt(cc.payload_type) || !same_codec(pc, cc)) continue;
      map.media[pc.payload_type] = cc.payload_type;
      if (cc.rtx_payload_type && valid_pt(*cc.rtx_payload_type)) {
        map.rtx[cc.payload_type] = *cc.rtx_payload_type;
      }
      break;
    }
  }
  const auto in_use = producer.codecs.front().payload_type;
  if (!valid_pt(in_use) || map.media[in_use] == kNoPayloadType) return std::nullopt;
  return map;
}

rtp::ExtensionIdMap map_extensions(const HeaderExtensionIds& producer,
                                   const HeaderExtensionIds& consumer) noexcept {
  rtp::ExtensionIdMap map;
  const auto link = [&map](std::uint8_t from, std::uint8_t to) {
    if (from != 0 && to != 0) map.map(from, to);
  };
  link(producer.audio_level, consumer.audio_level);
  link(producer.video_orientation, consumer.video_orientation);
  link(producer.mid, consumer.mid);
  link(producer.abs_send_time, consumer.abs_send_time);
  link(producer.transport_cc, consumer.transport_cc);
  return map;
}

PayloadTypeInfo payload_type_info(const RtpParameters& producer) noexcept {
  PayloadTypeInfo info;
  for (const auto& codec : producer.codecs) {
    if (!valid_pt(codec.payload_type)) continue;
    info.kind[codec.payload_type] = codec_kind(codec.name);
    info.known[codec.payload_type] = true;
    if (codec.rtx_payload_type && valid_pt(*codec.rtx_payload_type)) {
      info.rtx_apt[*codec.rtx_payload_type] = codec.payload_type;
    }
  }
  return info;
}

}  // namespace haven::sfu::routing
