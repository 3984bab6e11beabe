// haven-loadgen's media; see synthetic_media.h.
#include "synthetic_media.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <random>
#include <type_traits>
#include <variant>

#include "sfu/client/browser_sdp.h"
#include "sfu/routing/router.h"
#include "sfu/rtcp/compound.h"
#include "sfu/rtcp/ntp_time.h"
#include "sfu/rtp/byte_order.h"
#include "sfu/rtp/vp8_descriptor.h"

namespace haven::loadgen {

namespace {

constexpr std::uint8_t kMagic0 = 'L';
constexpr std::uint8_t kMagic1 = 'G';
constexpr std::size_t kRtpHeader = 12;
constexpr std::size_t kExtensionBlock = 4 + 12;  // 0xBEDE preamble + 3 words of elements
constexpr std::size_t kVp8Descriptor = 4;        // X, I with a 15-bit PictureID
constexpr std::uint32_t kAudioClock = 48000;
constexpr std::uint32_t kVideoClock = 90000;

// abs-send-time: 6.18 fixed-point seconds, 24 bits (webrtc.org abs-send-time).
std::uint32_t abs_send_time(std::int64_t ns) noexcept {
  const auto t = static_cast<std::uint64_t>(ns);
  const std::uint64_t seconds = t / 1'000'000'000u;
  const std::uint64_t fraction = ((t % 1'000'000'000u) << 18) / 1'000'000'000u;
  return static_cast<std::uint32_t>(((seconds << 18) | fraction) & 0xFFFFFFu);
}

}  // namespace

std::int64_t now_ns() noexcept { return sfu::routing::steady_now_ns(); }

void write_probe(std::uint8_t* at, const Probe& probe) noexcept {
  at[0] = kMagic0;
  at[1] = kMagic1;
  sfu::store_be16(at + 2, probe.publisher);
  at[4] = static_cast<std::uint8_t>(probe.kind);
  sfu::store_be32(at + 5, probe.seq);
  sfu::store_be64(at + 9, static_cast<std::uint64_t>(probe.send_ns));
}

std::optional<Probe> read_probe(std::span<const std::uint8_t> payload, bool video) noexcept {
  std::size_t at = 0;
  if (video) {
    const auto descriptor = sfu::rtp::parse_vp8_descriptor(payload);
    if (!descriptor) return std::nullopt;
    at = descriptor->size + kVp8HeaderRoom;
  }
  if (payload.size() < at + kProbeSize) return std::nullopt;
  const std::uint8_t* p = payload.data() + at;
  if (p[0] != kMagic0 || p[1] != kMagic1 || p[4] > 1) return std::nullopt;
  Probe probe;
  probe.publisher = sfu::load_be16(p + 2);
  probe.kind = static_cast<StreamKind>(p[4]);
  probe.seq = sfu::load_be32(p + 5);
  probe.send_ns = static_cast<std::int64_t>(sfu::load_be64(p + 9));
  return probe;
}

SyntheticPublisher::SyntheticPublisher(std::uint16_t publisher_id, std::uint32_t audio_ssrc,
                                       std::uint32_t video_ssrc, std::string cname,
                                       MediaConfig config)
    : publisher_id_(publisher_id),
      audio_ssrc_(audio_ssrc),
      video_ssrc_(video_ssrc),
      cname_(std::move(cname)),
      config_(config) {
  std::mt19937 rng(std::random_device{}());
  audio_rtp_seq_ = static_cast<std::uint16_t>(rng());
  video_rtp_seq_ = static_cast<std::uint16_t>(rng());
  audio_ts_ = static_cast<std::uint32_t>(rng());
  video_ts_ = static_cast<std::uint32_t>(rng());
  picture_id_ = static_cast<std::uint16_t>(rng() & 0x7FFF);
  config_.fps = std::max<std::uint32_t>(config_.fps, 1);
  config_.video_packet_payload =
      std::clamp<std::size_t>(config_.video_packet_payload, 64, sfu::kMaxDatagram - 100);
  config_.audio_payload = std::clamp<std::size_t>(config_.audio_payload, kProbeSize, 1000);
}

// RTP header (RFC 3550 §5.1) with one-byte extensions: audio level (audio), abs-send-time,
// transport-wide sequence number and mid, padded to three words.
std::size_t SyntheticPublisher::header(std::span<std::uint8_t> buffer, bool video, bool marker,
                                       std::int64_t now) noexcept {
  std::uint8_t* b = buffer.data();
  b[0] = 0x90;  // V=2, X=1
  b[1] = static_cast<std::uint8_t>(
      (marker ? 0x80 : 0) | (video ? sfu::kBrowserVp8PayloadType : sfu::kBrowserOpusPayloadType));
  sfu::store_be16(b + 2, video ? video_rtp_seq_++ : audio_rtp_seq_++);
  sfu::store_be32(b + 4, video ? video_ts_ : audio_ts_);
  sfu::store_be32(b + 8, video ? video_ssrc_ : audio_ssrc_);
  std::uint8_t* e = b + kRtpHeader;
  sfu::store_be16(e, 0xBEDE);
  sfu::store_be16(e + 2, 3);
  std::size_t at = 4;
  if (!video) {
    e[at++] = static_cast<std::uint8_t>(sfu::kBrowserAudioLevelId << 4);
    e[at++] = static_cast<std::uint8_t>(0x80 | (config_.audio_level & 0x7F));  // V: voice
  }
  e[at++] = static_cast<std::uint8_t>((sfu::kBrowserAbsSendTimeId << 4) | 2);
  sfu::store_be24(e + at, abs_send_time(now));
  at += 3;
  e[at++] = static_cast<std::uint8_t>((sfu::kBrowserTransportCcId << 4) | 1);
  sfu::store_be16(e + at, twcc_seq_++);
  at += 2;
  e[at++] = static_cast<std::uint8_t>(sfu::kBrowserMidId << 4);
  e[at++] = video ? '1' : '0';  // the mids of the browser offer
  while (at < kExtensionBlock) e[at++] = 0;
  return kRtpHeader + kExtensionBlock;
}

std::size_t SyntheticPublisher::audio_packet(std::span<std::uint8_t> buffer,
                                             std::int64_t now) noexcept {
  const std::size_t at = header(buffer, false, false, now);
  std::uint8_t* payload = buffer.data() + at;
  write_probe(payload, {publisher_id_, StreamKind::audio, audio_probe_seq_++, now});
  std::memset(payload + kProbeSize, 0xA5, config_.audio_payload - kProbeSize);
  audio_ts_ += kAudioClock / 50;
  last_audio_ns_ = now;
  ++counters_.audio_packets;
  audio_octets_ += config_.audio_payload;
  return at + config_.audio_payload;
}

std::size_t SyntheticPublisher::begin_video_frame(std::int64_t now) noexcept {
  if (config_.video_kbps == 0) return 0;
  if (now - last_keyframe_ns_ >= config_.keyframe_interval_ns) keyframe_wanted_ = true;
  frame_is_key_ = keyframe_wanted_;
  if (frame_is_key_) {
    keyframe_wanted_ = false;
    last_keyframe_ns_ = now;
    ++counters_.keyframes;
  }
  video_ts_ += kVideoClock / config_.fps;
  picture_id_ = static_cast<std::uint16_t>((picture_id_ + 1) & 0x7FFF);
  const std::size_t frame_bytes =
      std::size_t{config_.video_kbps} * 1000 / 8 / std::size_t{config_.fps};
  const std::size_t room = config_.video_packet_payload;
  frame_packets_ = std::max<std::size_t>(1, (frame_bytes + room - 1) / room);
  frame_payload_ = std::clamp<std::size_t>(frame_bytes / frame_packets_,
                                           kVp8Descriptor + kVp8HeaderRoom + kProbeSize, room);
  return frame_packets_;
}

std::size_t SyntheticPublisher::video_packet(std::span<std::uint8_t> buffer, std::size_t index,
                                             std::int64_t now) noexcept {
  const bool first = index == 0;
  const bool last = index + 1 >= frame_packets_;
  const std::size_t at = header(buffer, true, last, now);
  std::uint8_t* p = buffer.data() + at;
  // RFC 7741 §4.2: X=1, S on the frame's first packet, PID 0; I=1; M=1 15-bit PictureID.
  p[0] = static_cast<std::uint8_t>(0x80 | (first ? 0x10 : 0));
  p[1] = 0x80;
  p[2] = static_cast<std::uint8_t>(0x80 | (picture_id_ >> 8));
  p[3] = static_cast<std::uint8_t>(picture_id_);
  std::uint8_t* vp8 = p + kVp8Descriptor;
  std::memset(vp8, 0, kVp8HeaderRoom);
  if (first) {
    // RFC 7741 §4.3 / RFC 6386 §9.1 frame tag: P (bit 0) clear on a key frame, show_frame.
    vp8[0] = frame_is_key_ ? 0x10 : 0x11;
    if (frame_is_key_) {
      vp8[3] = 0x9D;  // start code
      vp8[4] = 0x01;
      vp8[5] = 0x2A;
      vp8[6] = 640 & 0xFF;  // width, little-endian 14 bits
      vp8[7] = 640 >> 8;
      vp8[8] = 360 & 0xFF;  // height
      vp8[9] = 360 >> 8;
    }
  }
  std::uint8_t* probe = vp8 + kVp8HeaderRoom;
  write_probe(probe, {publisher_id_, StreamKind::video, video_probe_seq_++, now});
  const std::size_t used = kVp8Descriptor + kVp8HeaderRoom + kProbeSize;
  std::memset(probe + kProbeSize, 0x5A, frame_payload_ - used);
  last_video_ns_ = now;
  ++counters_.video_packets;
  video_octets_ += frame_payload_;
  return at + frame_payload_;
}

void SyntheticPublisher::on_rtcp(std::span<const std::uint8_t> compound) {
  const auto parsed = sfu::rtcp::parse_compound(compound);
  if (!parsed) return;
  for (const auto& packet : *parsed) {
    std::visit(
        [&](const auto& p) {
          using T = std::decay_t<decltype(p)>;
          if constexpr (std::is_same_v<T, sfu::rtcp::Pli>) {
            if (p.media_ssrc != video_ssrc_) return;
            keyframe_wanted_ = true;
            ++counters_.keyframe_requests;
          } else if constexpr (std::is_same_v<T, sfu::rtcp::Fir>) {
            for (const auto& entry : p.entries) {
              if (entry.ssrc != video_ssrc_) continue;
              keyframe_wanted_ = true;
              ++counters_.keyframe_requests;
            }
          } else if constexpr (std::is_same_v<T, sfu::rtcp::Nack>) {
            counters_.nacks += p.seqs.size();
          }
        },
        packet);
  }
}

std::size_t SyntheticPublisher::sender_reports(std::span<std::uint8_t> buffer,
                                               std::int64_t now) const {
  const std::uint64_t ntp = sfu::rtcp::ntp_from_unix_ns(now + sfu::routing::steady_to_unix_offset_ns());
  sfu::rtcp::CompoundPacket compound;
  sfu::rtcp::Sdes sdes;
  const auto report = [&](std::uint32_t ssrc, std::uint32_t ts, std::int64_t last_ns,
                          std::uint32_t clock, std::uint64_t packets, std::uint64_t octets) {
    if (packets == 0) return;
    sfu::rtcp::SenderReport sr;
    sr.ssrc = ssrc;
    sr.ntp_timestamp = ntp;
    // The RTP time of `now` on the stream's clock, extrapolated from its last packet.
    sr.rtp_timestamp = ts + static_cast<std::uint32_t>((now - last_ns) * clock / 1'000'000'000);
    sr.packet_count = static_cast<std::uint32_t>(packets);
    sr.octet_count = static_cast<std::uint32_t>(octets);
    compound.emplace_back(std::move(sr));
    sdes.chunks.push_back({ssrc, {{sfu::rtcp::kSdesCname, cname_}}});
  };
  report(audio_ssrc_, audio_ts_ - kAudioClock / 50, last_audio_ns_, kAudioClock,
         counters_.audio_packets, audio_octets_);
  report(video_ssrc_, video_ts_, last_video_ns_, kVideoClock, counters_.video_packets,
         video_octets_);
  if (compound.empty()) return 0;
  compound.emplace_back(std::move(sdes));
  return sfu::rtcp::serialize_compound(compound, buffer);
}

}  // namespace haven::loadgen
