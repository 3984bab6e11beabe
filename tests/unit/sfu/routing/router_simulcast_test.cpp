// Simulcast through the Router: start on the first usable key frame, switch layers only
// at a key frame of the target layer, keep seq/timestamp/PictureID continuous.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "routing_test_util.h"
#include "sfu/routing/router.h"
#include "sfu/rtcp/ntp_time.h"
#include "sfu/rtp/vp8_descriptor.h"

namespace haven::sfu::routing::test {
namespace {

constexpr PeerId kPub = 1, kSub = 2;
constexpr std::uint32_t kLayerSsrc[3] = {0xA0, 0xA1, 0xA2};
constexpr std::uint32_t kLayerTsBase[3] = {1000, 700'000, 4'000'000};  // independent clocks
constexpr std::int64_t kFrameNs = 30 * kMs;
constexpr std::uint32_t kFrameTicks = 2700;  // 30 ms at 90 kHz

struct Simulcast {
  Simulcast() {
    router.set_sink(kPub, &pub);
    router.set_sink(kSub, &sub);
    RtpParameters params = simulcast_producer("1");
    for (int i = 0; i < 3; ++i) params.encodings[i].ssrc = kLayerSsrc[i];
    producer = router.add_producer(kPub, params);
    consumer = router.add_consumer(kSub, producer->id(), video_consumer(0x200, 0x201, "v"));
  }

  // Frame `k` of `layer`: one packet; the layers' PictureIDs and TL0PICIDX differ.
  void frame(int layer, int k, bool key, std::int64_t jitter_ns = 0) {
    PacketSpec s;
    s.ssrc = kLayerSsrc[layer];
    s.seq = static_cast<std::uint16_t>(1000 * layer + k);
    s.ts = kLayerTsBase[layer] + kFrameTicks * static_cast<std::uint32_t>(k);
    s.payload = vp8_payload(key, static_cast<std::uint16_t>(100 * (layer + 1) + k),
                            static_cast<std::uint8_t>(10 * (layer + 1) + k));
    feed(router, kPub, s, k * kFrameNs + jitter_ns);
  }
  // The publisher's SR for each layer: the same NTP instant at frame `k`.
  void sender_reports(int k) {
    rtcp::CompoundPacket srs;
    for (int layer = 0; layer < 3; ++layer) {
      rtcp::SenderReport sr;
      sr.ssrc = kLayerSsrc[layer];
      sr.ntp_timestamp = rtcp::ntp_from_unix_ns(100 * kSec + k * kFrameNs);
      sr.rtp_timestamp = kLayerTsBase[layer] + kFrameTicks * static_cast<std::uint32_t>(k);
      srs.push_back(sr);
    }
    const auto bytes = serialize(srs);
    router.receive_rtcp(kPub, bytes, k * kFrameNs);
  }
  rtp::Vp8Descriptor descriptor(const rtp::RtpPacket& p) {
    auto d = rtp::parse_vp8_descriptor(p.payload());
    EXPECT_TRUE(d);
    return d ? *d : rtp::Vp8Descriptor{};
  }

  FakeSink pub, sub;
  Router router{Router::Config{.random_seed = 3}};
  Producer* producer = nullptr;
  Consumer* consumer = nullptr;
};

TEST(RouterSimulcast, StartsLowThenSwitchesUpAtTargetKeyFrame) {
  Simulcast s;
  ASSERT_TRUE(s.producer && s.consumer);
  EXPECT_EQ(s.consumer->preferred_layer(), 2u);
  s.sender_reports(0);
  // Frame 0: only the low layer has a key frame; higher layers are mid-GOP.
  s.frame(0, 0, true);
  s.frame(1, 0, false);
  s.frame(2, 0, false);
  EXPECT_EQ(s.consumer->current_layer(), 0u);
  for (int k = 1; k < 4; ++k) {
    for (int layer = 0; layer < 3; ++layer) s.frame(layer, k, false);
  }
  ASSERT_EQ(s.sub.rtp.size(), 4u);  // low layer only
  // The join asked for a key frame on the target layer.
  s.router.tick(4 * kFrameNs);
  const auto plis = s.pub.rtcp_of<rtcp::Pli>();
  ASSERT_EQ(plis.size(), 1u);
  EXPECT_EQ(plis[0].media_ssrc, kLayerSsrc[2]);

  // Frame 4: key frames on the top (target) and middle layers; the top one arrives 10 ms
  // late, so only the SRs (not arrival times) give its exact timestamp.
  s.frame(2, 4, true, 10 * kMs);
  s.frame(1, 4, true);
  s.frame(0, 4, false);
  s.frame(0, 5, false);
  s.frame(2, 5, false);
  EXPECT_EQ(s.consumer->current_layer(), 2u);
  auto packets = s.sub.packets();
  ASSERT_EQ(packets.size(), 6u);  // frames 0-3 of layer 0, frames 4-5 of layer 2
  for (std::size_t i = 1; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].sequence_number(),
              static_cast<std::uint16_t>(packets[i - 1].sequence_number() + 1));
    EXPECT_EQ(packets[i].ssrc(), 0x200u);
    EXPECT_EQ(packets[i].timestamp() - packets[i - 1].timestamp(), kFrameTicks);
  }
  // PictureID and TL0PICIDX continue across the switch.
  const auto before = s.descriptor(packets[3]);
  const auto after = s.descriptor(packets[4]);
  const auto next = s.descriptor(packets[5]);
  EXPECT_EQ(before.picture_id, 100 + 3);
  EXPECT_EQ(after.picture_id, before.picture_id + 1);
  EXPECT_EQ(after.tl0_pic_idx, before.tl0_pic_idx + 1);
  EXPECT_EQ(next.picture_id, after.picture_id + 1);
  EXPECT_EQ(next.tl0_pic_idx, after.tl0_pic_idx + 1);
  EXPECT_EQ(s.consumer->stats().layer_switches, 1u);
}

// NACKs across a layer switch are answered with exactly what was sent: the packet is
// rebuilt from the producer's shared store (the right layer) and the consumer's log (our
// seq, timestamp and rewritten VP8 PictureID/TL0PICIDX), not from a per-subscriber copy.
TEST(RouterSimulcast, NackAfterASwitchResendsWhatWasSentOnEitherLayer) {
  Simulcast s;
  s.sender_reports(0);
  s.frame(0, 0, true);
  for (int k = 1; k < 4; ++k) s.frame(0, k, false);
  s.frame(2, 4, true);
  s.frame(2, 5, false);
  ASSERT_EQ(s.consumer->current_layer(), 2u);
  const auto sent = s.sub.packets();
  ASSERT_EQ(sent.size(), 6u);
  const std::vector<std::size_t> lost = {2, 4, 5};  // one from the low layer, two from the top
  std::vector<std::uint16_t> seqs;
  for (auto i : lost) seqs.push_back(sent[i].sequence_number());
  const std::size_t before = s.sub.rtp.size();
  s.router.receive_rtcp(kSub, serialize({rtcp::Nack{0x5EED, 0x200, seqs}}), 6 * kFrameNs);
  auto all = s.sub.packets();
  ASSERT_EQ(all.size(), before + 3);
  for (std::size_t n = 0; n < lost.size(); ++n) {
    const auto& rtx = all[before + n];
    const auto& orig = sent[lost[n]];
    EXPECT_EQ(rtx.ssrc(), 0x201u);
    ASSERT_GE(rtx.payload().size(), 2u);
    EXPECT_EQ(load_be16(rtx.payload().data()), orig.sequence_number());  // OSN
    EXPECT_EQ(rtx.timestamp(), orig.timestamp());
    EXPECT_EQ(rtx.marker(), orig.marker());
    const auto payload = rtx.payload().subspan(2);
    ASSERT_EQ(payload.size(), orig.payload().size());
    EXPECT_TRUE(std::equal(payload.begin(), payload.end(), orig.payload().begin()))
        << "resent payload differs for packet " << lost[n];
  }
}

TEST(RouterSimulcast, SwitchesDownOnRequestWithoutSenderReports) {
  Simulcast s;
  s.frame(2, 0, true);
  s.frame(2, 1, false);
  EXPECT_EQ(s.consumer->current_layer(), 2u);
  s.router.tick(2 * kFrameNs);
  s.pub.clear();
  s.consumer->set_preferred_layer(0);
  s.router.tick(2 * kFrameNs + kMs);
  ASSERT_EQ(s.pub.rtcp_of<rtcp::Pli>().size(), 1u);
  EXPECT_EQ(s.pub.rtcp_of<rtcp::Pli>()[0].media_ssrc, kLayerSsrc[0]);
  s.frame(0, 2, false);  // mid-GOP: no switch
  s.frame(2, 2, false);
  s.frame(0, 3, true);
  s.frame(2, 3, true);  // the old layer's key frame no longer counts
  s.frame(0, 4, false);
  EXPECT_EQ(s.consumer->current_layer(), 0u);
  auto packets = s.sub.packets();
  ASSERT_EQ(packets.size(), 5u);  // top 0-2, low 3-4
  for (std::size_t i = 1; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].sequence_number(),
              static_cast<std::uint16_t>(packets[i - 1].sequence_number() + 1));
  }
  // No SRs: the gap is the wall-clock time between the packets (30 ms).
  EXPECT_EQ(packets[3].timestamp() - packets[2].timestamp(), kFrameTicks);
  EXPECT_EQ(packets[4].timestamp() - packets[3].timestamp(), kFrameTicks);
  EXPECT_EQ(s.descriptor(packets[3]).picture_id, s.descriptor(packets[2]).picture_id + 1);
  EXPECT_EQ(s.consumer->stats().layer_switches, 1u);
}

// Chromium stops sending its top layers when bandwidth or CPU run short. A consumer on the
// top layer must not wait for it: it falls back to the best layer still arriving (asking
// for its key frame) and climbs back when the top layer returns.
TEST(RouterSimulcast, FallsBackWhenTheLayerStopsAndClimbsBackWhenItReturns) {
  Simulcast s;
  int k = 0;
  for (; k < 3; ++k) {
    for (int layer = 0; layer < 3; ++layer) s.frame(layer, k, k == 0);
  }
  ASSERT_EQ(s.consumer->current_layer(), 2u);
  const auto switches = s.consumer->stats().layer_switches;  // 0 → 1 → 2 at the start
  s.router.tick(k * kFrameNs);
  s.pub.clear();
  // The top layer stops; the two lower ones go on for two seconds, mid-GOP.
  const int stop = k;
  for (; k < stop + 67; ++k) {
    s.frame(0, k, false);
    s.frame(1, k, false);
    s.router.tick(k * kFrameNs + kMs);
  }
  EXPECT_EQ(s.consumer->preferred_layer(), 2u);  // the wish stays
  EXPECT_EQ(s.consumer->target_layer(), 1u);
  const auto plis = s.pub.rtcp_of<rtcp::Pli>();
  ASSERT_FALSE(plis.empty());
  EXPECT_EQ(plis[0].media_ssrc, kLayerSsrc[1]);
  const std::size_t before = s.sub.rtp.size();
  s.frame(1, k, true);
  s.frame(0, k, false);
  ++k;
  s.frame(1, k, false);
  EXPECT_EQ(s.consumer->current_layer(), 1u);
  EXPECT_EQ(s.sub.rtp.size(), before + 2);

  // The top layer comes back: a key-frame request for it, then the switch up.
  ++k;
  s.pub.clear();
  s.frame(2, k, false);
  s.frame(1, k, false);
  s.router.tick(k * kFrameNs + kMs);
  EXPECT_EQ(s.consumer->target_layer(), 2u);
  ASSERT_FALSE(s.pub.rtcp_of<rtcp::Pli>().empty());
  EXPECT_EQ(s.pub.rtcp_of<rtcp::Pli>().back().media_ssrc, kLayerSsrc[2]);
  ++k;
  s.frame(2, k, true);
  EXPECT_EQ(s.consumer->current_layer(), 2u);
  EXPECT_EQ(s.consumer->stats().layer_switches, switches + 2);
}

// A publisher that goes silent altogether (camera off) changes nothing: the wish stays the
// target, so the consumer resumes on the layer it wants.
TEST(RouterSimulcast, SilentPublisherKeepsTheTarget) {
  Simulcast s;
  for (int layer = 0; layer < 3; ++layer) s.frame(layer, 0, true);
  s.router.tick(10 * kSec);
  EXPECT_EQ(s.consumer->target_layer(), 2u);
}

}  // namespace
}  // namespace haven::sfu::routing::test
