// Synthetic packets, parameters, sinks and listeners for the routing tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "sfu/routing/router.h"
#include "sfu/rtcp/compound.h"
#include "sfu/rtp/byte_order.h"
#include "sfu/rtp/rtp_packet.h"

namespace haven::sfu::routing::test {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::int64_t kMs = 1'000'000;
inline constexpr std::int64_t kSec = 1'000'000'000;

// Publisher-side extension ids (as Chrome numbers them) and subscriber-side ones (as the
// SFU would offer them): different on purpose, so forwarding must remap.
inline constexpr HeaderExtensionIds kPubExt{.mid = 4,
                                            .rid = 10,
                                            .repaired_rid = 11,
                                            .abs_send_time = 2,
                                            .transport_cc = 3,
                                            .audio_level = 1,
                                            .video_orientation = 13};
inline constexpr HeaderExtensionIds kSubExt{.mid = 9,
                                            .rid = 0,
                                            .repaired_rid = 0,
                                            .abs_send_time = 5,
                                            .transport_cc = 6,
                                            .audio_level = 7,
                                            .video_orientation = 0};

inline constexpr std::uint8_t kPubVp8 = 96, kPubVp8Rtx = 97, kSubVp8 = 100, kSubVp8Rtx = 101;
inline constexpr std::uint8_t kPubOpus = 111, kSubOpus = 109;

inline CodecParameters vp8(std::uint8_t pt, std::optional<std::uint8_t> rtx,
                           std::vector<std::string> fb = {"nack", "nack pli", "ccm fir",
                                                          "transport-cc", "goog-remb"}) {
  return CodecParameters{pt, "VP8", 90000, 0, "", rtx, std::move(fb)};
}

inline CodecParameters opus(std::uint8_t pt, std::vector<std::string> fb = {"transport-cc"}) {
  return CodecParameters{pt,           "opus",       48000, 2, "minptime=10;useinbandfec=1",
                         std::nullopt, std::move(fb)};
}

inline RtpParameters video_producer(std::uint32_t ssrc, std::uint32_t rtx_ssrc,
                                    std::string mid = "1") {
  RtpParameters p;
  p.mid = std::move(mid);
  p.kind = MediaKind::video;
  p.codecs = {vp8(kPubVp8, kPubVp8Rtx)};
  p.extensions = kPubExt;
  p.extensions.audio_level = 0;
  p.encodings = {Encoding{ssrc, rtx_ssrc, ""}};
  p.cname = "pub-cname";
  return p;
}

inline RtpParameters simulcast_producer(std::string mid = "1") {
  RtpParameters p = video_producer(0, 0, std::move(mid));
  p.encodings = {Encoding{0, 0, "q"}, Encoding{0, 0, "h"}, Encoding{0, 0, "f"}};
  return p;
}

inline RtpParameters audio_producer(std::uint32_t ssrc, std::string mid = "0") {
  RtpParameters p;
  p.mid = std::move(mid);
  p.kind = MediaKind::audio;
  p.codecs = {opus(kPubOpus)};
  p.extensions = kPubExt;
  p.extensions.video_orientation = 0;
  p.encodings = {Encoding{ssrc, 0, ""}};
  p.cname = "pub-cname";
  return p;
}

inline RtpParameters video_consumer(std::uint32_t ssrc, std::uint32_t rtx_ssrc, std::string mid,
                                    bool rtx = true) {
  RtpParameters p;
  p.mid = std::move(mid);
  p.kind = MediaKind::video;
  p.codecs = {vp8(kSubVp8, rtx ? std::optional<std::uint8_t>(kSubVp8Rtx) : std::nullopt)};
  p.extensions = kSubExt;
  p.extensions.audio_level = 0;
  p.encodings = {Encoding{ssrc, rtx ? rtx_ssrc : 0, ""}};
  p.cname = "pub-cname";
  return p;
}

inline RtpParameters audio_consumer(std::uint32_t ssrc, std::string mid) {
  RtpParameters p;
  p.mid = std::move(mid);
  p.kind = MediaKind::audio;
  p.codecs = {opus(kSubOpus)};
  p.extensions = kSubExt;
  p.encodings = {Encoding{ssrc, 0, ""}};
  p.cname = "pub-cname";
  return p;
}

// One RTP packet, one-byte header extensions.
struct PacketSpec {
  std::uint8_t pt = kPubVp8;
  std::uint16_t seq = 0;
  std::uint32_t ts = 0;
  std::uint32_t ssrc = 0;
  bool marker = false;
  std::vector<std::pair<std::uint8_t, Bytes>> extensions;
  Bytes payload = {0x10, 0x00, 0x00};  // VP8: S=1, PID 0; P bit clear -> key frame
  std::uint8_t padding = 0;
};

inline Bytes build_packet(const PacketSpec& s) {
  Bytes b(12);
  b[0] = 0x80;
  if (s.padding > 0) b[0] |= 0x20;
  b[1] = static_cast<std::uint8_t>((s.marker ? 0x80 : 0) | s.pt);
  store_be16(&b[2], s.seq);
  store_be32(&b[4], s.ts);
  store_be32(&b[8], s.ssrc);
  if (!s.extensions.empty()) {
    b[0] |= 0x10;
    Bytes block;
    for (const auto& [id, value] : s.extensions) {
      block.push_back(static_cast<std::uint8_t>((id << 4) | (value.size() - 1)));
      block.insert(block.end(), value.begin(), value.end());
    }
    while (block.size() % 4 != 0) block.push_back(0);
    b.push_back(0xBE);
    b.push_back(0xDE);
    b.push_back(static_cast<std::uint8_t>((block.size() / 4) >> 8));
    b.push_back(static_cast<std::uint8_t>(block.size() / 4));
    b.insert(b.end(), block.begin(), block.end());
  }
  b.insert(b.end(), s.payload.begin(), s.payload.end());
  for (int i = 1; i < s.padding; ++i) b.push_back(0);
  if (s.padding > 0) b.push_back(s.padding);
  return b;
}

inline Bytes text(const std::string& s) {
  return Bytes(s.begin(), s.end());
}
inline Bytes be16(std::uint16_t v) {
  return {static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}

// VP8 payloads with a 15-bit PictureID and TL0PICIDX (RFC 7741 §4.2), then one VP8 byte.
inline Bytes vp8_payload(bool keyframe, std::uint16_t picture_id, std::uint8_t tl0,
                         bool start = true) {
  return {static_cast<std::uint8_t>(0x80 | (start ? 0x10 : 0)),
          0xC0,
          static_cast<std::uint8_t>(0x80 | (picture_id >> 8)),
          static_cast<std::uint8_t>(picture_id),
          tl0,
          static_cast<std::uint8_t>(keyframe ? 0x00 : 0x01),
          0xAB,
          0xCD};
}
inline Bytes vp8_delta() {
  return {0x10, 0x01, 0x00};
}  // S=1, P bit set: inter frame

// Records what the Router sends one peer.
class FakeSink : public PeerSink {
 public:
  void send_rtp(std::span<std::uint8_t> buffer, std::size_t len) override {
    EXPECT_EQ(buffer.size(), kSendBufferSize);
    rtp.emplace_back(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(len));
    // Scribble over the buffer like SRTP would, to catch anyone reading it afterwards.
    for (auto& byte : buffer) byte = 0xEE;
  }
  void send_rtcp(std::span<const std::uint8_t> compound) override {
    EXPECT_LE(compound.size(), kMaxRtcpCompound);
    auto parsed = rtcp::parse_compound(compound);
    EXPECT_TRUE(parsed) << "unparseable RTCP from the router";
    if (parsed) rtcp.push_back(std::move(*parsed));
  }

  // Views over the recorded RTP (valid until the next send).
  std::vector<rtp::RtpPacket> packets() {
    std::vector<rtp::RtpPacket> out;
    for (auto& b : rtp) {
      auto p = rtp::RtpPacket::parse(b);
      EXPECT_TRUE(p);
      if (p) out.push_back(*p);
    }
    return out;
  }
  template <typename T>
  std::vector<T> rtcp_of() const {
    std::vector<T> out;
    for (const auto& compound : rtcp) {
      for (const auto& p : compound) {
        if (const T* t = std::get_if<T>(&p)) out.push_back(*t);
      }
    }
    return out;
  }
  void clear() {
    rtp.clear();
    rtcp.clear();
  }

  std::vector<Bytes> rtp;
  std::vector<rtcp::CompoundPacket> rtcp;
};

class FakeListener : public Router::Listener {
 public:
  struct Closed {
    PeerId subscriber;
    ConsumerId consumer;
    ProducerId producer;
  };
  void on_consumer_closed(PeerId subscriber, ConsumerId consumer, ProducerId producer) override {
    closed.push_back({subscriber, consumer, producer});
  }
  void on_active_speaker(PeerId peer) override { speakers.push_back(peer); }

  std::vector<Closed> closed;
  std::vector<PeerId> speakers;
};

// Feeds one packet built from `spec` to the router as peer `peer`.
inline Router::RtpResult feed(Router& router, PeerId peer, const PacketSpec& spec,
                              std::int64_t now_ns) {
  Bytes bytes = build_packet(spec);
  auto pkt = rtp::RtpPacket::parse(bytes);
  EXPECT_TRUE(pkt);
  if (!pkt) return Router::RtpResult::unknown_ssrc;
  return router.receive_rtp(peer, *pkt, now_ns);
}

inline std::vector<std::uint8_t> serialize(const rtcp::CompoundPacket& packets) {
  auto bytes = rtcp::serialize_compound(packets);
  EXPECT_TRUE(bytes);
  return bytes ? *bytes : std::vector<std::uint8_t>{};
}

// A room: one Router with a listener and a recording sink per peer. The wall clock puts
// monotonic 0 in November 2023, so SR NTP values look real.
inline constexpr std::int64_t kWallOffset = 1'700'000'000 * kSec;

struct Room {
  explicit Room(Router::Config config = {}) : router(with_seed(config), &listener) {}
  static Router::Config with_seed(Router::Config c) {
    if (c.random_seed == 0) c.random_seed = 7;
    c.wall_clock_offset_ns = kWallOffset;
    return c;
  }
  FakeSink& sink(PeerId peer) {
    auto [it, inserted] = sinks.try_emplace(peer);
    if (inserted) router.set_sink(peer, &it->second);
    return it->second;
  }
  void rtcp_from(PeerId peer, const rtcp::CompoundPacket& packets, std::int64_t now) {
    const auto bytes = serialize(packets);
    router.receive_rtcp(peer, bytes, now);
  }

  FakeListener listener;
  Router router;
  std::map<PeerId, FakeSink> sinks;
};

inline std::string ext_text(const rtp::RtpPacket& p, std::uint8_t id) {
  const auto v = p.extension(id);
  return v ? std::string(v->begin(), v->end()) : std::string();
}

inline std::optional<std::uint16_t> ext_u16(const rtp::RtpPacket& p, std::uint8_t id) {
  const auto v = p.extension(id);
  if (!v || v->size() != 2) return std::nullopt;
  return load_be16(v->data());
}

}  // namespace haven::sfu::routing::test
