// Router data plane: fan-out with per-subscriber rewriting, pause/resume, SSRC binding,
// closing.
#include <gtest/gtest.h>

#include <array>

#include "routing_test_util.h"
#include "sfu/routing/router.h"

namespace haven::sfu::routing::test {
namespace {

constexpr PeerId kPub = 1;
constexpr std::uint32_t kPubSsrc = 0x11110000, kPubRtx = 0x11110001;

PacketSpec video_packet(std::uint16_t seq, std::uint32_t ts, Bytes payload = vp8_delta()) {
  PacketSpec s;
  s.seq = seq;
  s.ts = ts;
  s.ssrc = kPubSsrc;
  s.extensions = {{kPubExt.mid, text("1")},
                  {kPubExt.abs_send_time, {0x01, 0x02, 0x03}},
                  {kPubExt.transport_cc, be16(seq)},
                  {kPubExt.video_orientation, {0x01}}};
  s.payload = std::move(payload);
  return s;
}

TEST(RouterForwarding, OnePublisherThreeSubscribersAcrossSeqWrap) {
  Room room;
  room.sink(kPub);
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  ASSERT_NE(producer, nullptr);
  std::vector<Consumer*> consumers;
  for (PeerId sub = 2; sub <= 4; ++sub) {
    room.sink(sub);
    const auto ssrc = static_cast<std::uint32_t>(0x2000 + sub);
    consumers.push_back(room.router.add_consumer(
        sub, producer->id(), video_consumer(ssrc, ssrc + 0x100, "v" + std::to_string(sub))));
    ASSERT_NE(consumers.back(), nullptr);
  }

  // 20 packets across the publisher's wrap: 65530 .. 65535, 0 .. 13.
  const std::uint16_t first = 65530;
  for (int i = 0; i < 20; ++i) {
    const auto seq = static_cast<std::uint16_t>(first + i);
    const Bytes payload = i == 0 ? Bytes{0x10, 0x00, 0x00, 0x42} : Bytes{0x10, 0x01, 0x00, 0x42};
    EXPECT_EQ(feed(room.router, kPub, video_packet(seq, 1000 + 3000 * (i / 2), payload), i * kMs),
              Router::RtpResult::routed);
  }

  for (PeerId sub = 2; sub <= 4; ++sub) {
    auto& sink = room.sinks[sub];
    auto packets = sink.packets();
    ASSERT_EQ(packets.size(), 20u) << "subscriber " << sub;
    const Consumer* c = consumers[sub - 2];
    const std::uint16_t out_first = packets[0].sequence_number();
    EXPECT_GE(out_first, 1000);
    EXPECT_LE(out_first, 32767);
    std::optional<std::uint16_t> prev_twcc;
    for (std::size_t i = 0; i < packets.size(); ++i) {
      const auto& p = packets[i];
      EXPECT_EQ(p.ssrc(), c->ssrc());
      EXPECT_EQ(p.payload_type(), kSubVp8);
      EXPECT_EQ(p.sequence_number(), static_cast<std::uint16_t>(out_first + i));
      // Timestamps keep their spacing.
      EXPECT_EQ(p.timestamp() - packets[0].timestamp(), 3000u * static_cast<std::uint32_t>(i / 2));
      EXPECT_EQ(ext_text(p, kSubExt.mid), "v" + std::to_string(sub));
      EXPECT_TRUE(p.extension(kSubExt.abs_send_time));
      // Publisher ids and unnegotiated extensions are gone (mid 4 is not a subscriber id).
      EXPECT_FALSE(p.extension(kPubExt.mid));
      EXPECT_FALSE(p.extension(kPubExt.video_orientation));
      EXPECT_FALSE(p.extension(kPubExt.transport_cc));
      const auto twcc = ext_u16(p, kSubExt.transport_cc);
      ASSERT_TRUE(twcc);
      if (prev_twcc) {
        EXPECT_EQ(*twcc, static_cast<std::uint16_t>(*prev_twcc + 1));
      }
      prev_twcc = twcc;
      ASSERT_EQ(p.payload().size(), 4u);
      EXPECT_EQ(p.payload()[3], 0x42);
    }
  }
  // Each subscriber has its own sequence space.
  EXPECT_NE(room.sinks[2].packets()[0].sequence_number(),
            room.sinks[3].packets()[0].sequence_number());
  EXPECT_EQ(producer->stats().packets, 20u);
  EXPECT_EQ(room.sinks[kPub].rtp.size(), 0u);  // nothing echoed to the publisher
}

TEST(RouterForwarding, TransportWideSeqIsPerSubscriberTransport) {
  Room room;
  Producer* video = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  Producer* audio = room.router.add_producer(kPub, audio_producer(0x3333, "0"));
  ASSERT_TRUE(video && audio);
  auto& sink = room.sink(7);
  ASSERT_TRUE(room.router.add_consumer(7, video->id(), video_consumer(0x7001, 0x7002, "1")));
  ASSERT_TRUE(room.router.add_consumer(7, audio->id(), audio_consumer(0x7003, "0")));
  for (int i = 0; i < 6; ++i) {
    feed(room.router, kPub,
         video_packet(static_cast<std::uint16_t>(100 + i), 0, Bytes{0x10, 0x00, 0x00}), i * kMs);
    PacketSpec a;
    a.pt = kPubOpus;
    a.ssrc = 0x3333;
    a.seq = static_cast<std::uint16_t>(500 + i);
    a.payload = {0xF8, 0xFF, 0xFE};
    feed(room.router, kPub, a, i * kMs);
  }
  auto packets = sink.packets();
  ASSERT_EQ(packets.size(), 12u);
  for (std::size_t i = 1; i < packets.size(); ++i) {
    EXPECT_EQ(*ext_u16(packets[i], kSubExt.transport_cc),
              static_cast<std::uint16_t>(*ext_u16(packets[i - 1], kSubExt.transport_cc) + 1));
  }
  EXPECT_EQ(packets[1].payload_type(), kSubOpus);
  EXPECT_EQ(ext_text(packets[1], kSubExt.mid), "0");
}

TEST(RouterForwarding, PausedConsumerGetsNothingAndResumesContinuously) {
  Room room;
  auto& pub = room.sink(kPub);
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink = room.sink(2);
  Consumer* c = room.router.add_consumer(2, producer->id(), video_consumer(0x2001, 0x2002, "v"));
  ASSERT_NE(c, nullptr);
  std::uint16_t seq = 10;
  std::int64_t now = 0;
  const auto send = [&](Bytes payload) {
    feed(room.router, kPub, video_packet(seq, 3000u * seq, std::move(payload)), now);
    ++seq;
    now += 10 * kMs;
  };
  send({0x10, 0x00, 0x00});  // key frame
  for (int i = 0; i < 4; ++i) send(vp8_delta());
  ASSERT_EQ(sink.rtp.size(), 5u);
  const std::uint16_t last = sink.packets().back().sequence_number();

  c->pause();
  for (int i = 0; i < 5; ++i) send(vp8_delta());
  EXPECT_EQ(sink.rtp.size(), 5u);

  room.router.tick(now);  // flush the join PLI (already answered by the key frame)
  pub.clear();
  c->resume();
  room.router.tick(now);
  EXPECT_EQ(pub.rtcp_of<rtcp::Pli>().size(), 1u);
  EXPECT_EQ(pub.rtcp_of<rtcp::Pli>()[0].media_ssrc, kPubSsrc);
  send(vp8_delta());  // not a key frame: the resumed consumer waits
  EXPECT_EQ(sink.rtp.size(), 5u);
  send({0x10, 0x00, 0x00});
  send(vp8_delta());
  auto packets = sink.packets();
  ASSERT_EQ(packets.size(), 7u);
  EXPECT_EQ(packets[5].sequence_number(), static_cast<std::uint16_t>(last + 1));
  EXPECT_EQ(packets[6].sequence_number(), static_cast<std::uint16_t>(last + 2));
  // Same source: the timestamp advanced with the input (seq 14 -> 21, 3000 per packet).
  EXPECT_EQ(packets[5].timestamp() - packets[4].timestamp(), 3000u * 7);
}

TEST(RouterForwarding, UnknownSsrcAndPeerAreCountedAndDropped) {
  Room room;
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink = room.sink(2);
  ASSERT_TRUE(room.router.add_consumer(2, producer->id(), video_consumer(0x2001, 0x2002, "v")));
  PacketSpec s = video_packet(1, 0, {0x10, 0x00, 0x00});
  s.ssrc = 0xDEADBEEF;
  s.extensions.clear();
  EXPECT_EQ(feed(room.router, kPub, s, 0), Router::RtpResult::unknown_ssrc);
  s.extensions = {{kPubExt.mid, text("9")}};  // a MID nobody publishes
  EXPECT_EQ(feed(room.router, kPub, s, 0), Router::RtpResult::unknown_ssrc);
  EXPECT_EQ(feed(room.router, 99, video_packet(1, 0), 0), Router::RtpResult::unknown_peer);
  EXPECT_EQ(room.router.stats().rtp_unknown_ssrc, 2u);
  EXPECT_EQ(room.router.stats().rtp_unknown_peer, 1u);
  EXPECT_TRUE(sink.rtp.empty());
}

TEST(RouterForwarding, BindsSimulcastSsrcsFromMidAndRid) {
  Room room;
  Producer* producer = room.router.add_producer(kPub, simulcast_producer("1"));
  ASSERT_NE(producer, nullptr);
  for (std::uint32_t layer = 0; layer < 3; ++layer) {
    PacketSpec s;
    s.ssrc = 0xA000 + layer;
    s.seq = 1;
    s.extensions = {{kPubExt.mid, text("1")},
                    {kPubExt.rid, text(layer == 0   ? "q"
                                       : layer == 1 ? "h"
                                                    : "f")}};
    EXPECT_EQ(feed(room.router, kPub, s, 0), Router::RtpResult::routed);
    // RTX of the layer, named by repaired-rid (a probe: nothing forwarded).
    PacketSpec r;
    r.pt = kPubVp8Rtx;
    r.ssrc = 0xB000 + layer;
    r.seq = 1;
    r.extensions = s.extensions;
    r.extensions[1].first = kPubExt.repaired_rid;
    r.payload.clear();
    r.padding = 4;
    EXPECT_EQ(feed(room.router, kPub, r, 0), Router::RtpResult::routed);
  }
  for (std::uint32_t layer = 0; layer < 3; ++layer) {
    EXPECT_EQ(producer->stream(layer).ssrc, 0xA000 + layer);
    EXPECT_EQ(producer->stream(layer).rtx_ssrc, 0xB000 + layer);
  }
  EXPECT_EQ(producer->stats().rtx_probes, 3u);
  // Later packets carry no MID/RID: the SSRC alone routes them.
  PacketSpec s;
  s.ssrc = 0xA001;
  s.seq = 2;
  EXPECT_EQ(feed(room.router, kPub, s, kMs), Router::RtpResult::routed);
  EXPECT_EQ(producer->stream(1).packets, 2u);
  EXPECT_EQ(room.router.stats().ssrc_bound, 6u);
}

// Restored RTX is forwarded, once: a late original after its RTX copy (or the reverse, or
// a network duplicate) would put two packets under one outgoing sequence number, i.e. one
// SRTP index, which GCM must never do (gcm_rtp_protector.h).
TEST(RouterForwarding, PublisherRtxIsRestoredAndForwardedOnce) {
  Room room;
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink = room.sink(2);
  ASSERT_TRUE(room.router.add_consumer(2, producer->id(), video_consumer(0x2001, 0x2002, "v")));
  feed(room.router, kPub, video_packet(100, 9000, {0x10, 0x00, 0x00}), 0);
  feed(room.router, kPub, video_packet(102, 9000), kMs);
  // Packet 101 comes back as RTX: OSN 101 + original payload.
  PacketSpec r;
  r.pt = kPubVp8Rtx;
  r.ssrc = kPubRtx;
  r.seq = 7;
  r.ts = 9000;
  r.payload = {0x00, 101, 0x10, 0x01, 0x00, 0x77};
  feed(room.router, kPub, r, 2 * kMs);
  auto packets = sink.packets();
  ASSERT_EQ(packets.size(), 3u);
  EXPECT_EQ(packets[2].sequence_number(),
            static_cast<std::uint16_t>(packets[0].sequence_number() + 1));
  EXPECT_EQ(packets[2].payload_type(), kSubVp8);
  EXPECT_EQ(packets[2].payload().back(), 0x77);
  EXPECT_EQ(producer->stats().rtx_recovered, 1u);

  feed(room.router, kPub, video_packet(101, 9000), 3 * kMs);  // the original, late
  r.seq = 8;
  feed(room.router, kPub, r, 4 * kMs);                        // RTX again
  feed(room.router, kPub, video_packet(102, 9000), 5 * kMs);  // a network duplicate
  EXPECT_EQ(sink.packets().size(), 3u);
  EXPECT_EQ(producer->stats().duplicates, 3u);
  EXPECT_EQ(producer->stats().rtx_recovered, 1u);
  feed(room.router, kPub, video_packet(103, 12000), 6 * kMs);
  EXPECT_EQ(sink.packets().size(), 4u);
}

// A subscriber that declines a track and takes it again gets a new consumer on the same
// SSRC: it must go on from the old one's sequence numbers, never reuse them (each is an
// SRTP index the sender has used).
TEST(RouterForwarding, AConsumerThatReusesAnSsrcContinuesItsSequenceNumbers) {
  Room room;
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink = room.sink(2);
  Consumer* first =
      room.router.add_consumer(2, producer->id(), video_consumer(0x2001, 0x2002, "v"));
  ASSERT_NE(first, nullptr);
  feed(room.router, kPub, video_packet(100, 9000, {0x10, 0x00, 0x00}), 0);
  feed(room.router, kPub, video_packet(101, 9000), kMs);
  const auto before = sink.packets();
  ASSERT_EQ(before.size(), 2u);
  const std::uint16_t rtx_next = first->next_rtx_seq();
  room.router.close_consumer(first->id());
  Consumer* again =
      room.router.add_consumer(2, producer->id(), video_consumer(0x2001, 0x2002, "v"));
  ASSERT_NE(again, nullptr);
  EXPECT_EQ(again->next_rtx_seq(), rtx_next);
  feed(room.router, kPub, video_packet(102, 12000, {0x10, 0x00, 0x00}), 2 * kMs);
  const auto after = sink.packets();
  ASSERT_EQ(after.size(), 3u);
  EXPECT_EQ(after[2].ssrc(), 0x2001u);
  EXPECT_EQ(after[2].sequence_number(),
            static_cast<std::uint16_t>(before[1].sequence_number() + 1));
}

TEST(RouterForwarding, PaddingOnlyPacketsLeaveNoGap) {
  Room room;
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink = room.sink(2);
  Consumer* c = room.router.add_consumer(2, producer->id(), video_consumer(0x2001, 0x2002, "v"));
  feed(room.router, kPub, video_packet(1, 0, {0x10, 0x00, 0x00}), 0);
  PacketSpec pad = video_packet(2, 0, {});
  pad.padding = 200;
  feed(room.router, kPub, pad, kMs);
  feed(room.router, kPub, video_packet(3, 3000), 2 * kMs);
  auto packets = sink.packets();
  ASSERT_EQ(packets.size(), 2u);
  EXPECT_EQ(packets[1].sequence_number(),
            static_cast<std::uint16_t>(packets[0].sequence_number() + 1));
  EXPECT_EQ(c->stats().dropped, 1u);
}

TEST(RouterForwarding, RejectsUnusableParameters) {
  Room room;
  RtpParameters empty;
  EXPECT_EQ(room.router.add_producer(kPub, empty), nullptr);
  Producer* p = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(room.router.add_producer(kPub, video_producer(kPubSsrc, 0, "2")),
            nullptr);  // SSRC taken
  EXPECT_EQ(room.router.add_consumer(2, 999, video_consumer(1, 2, "v")), nullptr);
  EXPECT_EQ(room.router.add_consumer(2, p->id(), audio_consumer(5, "a")), nullptr);  // kind
  RtpParameters h264 = video_consumer(6, 7, "v");
  h264.codecs[0].name = "H264";
  EXPECT_EQ(room.router.add_consumer(2, p->id(), h264), nullptr);  // no common codec
  EXPECT_NE(room.router.add_consumer(2, p->id(), video_consumer(8, 9, "v")), nullptr);
  EXPECT_EQ(room.router.add_consumer(2, p->id(), video_consumer(8, 10, "w")), nullptr);  // SSRC
}

TEST(RouterForwarding, ClosingAProducerClosesItsConsumersAndNotifies) {
  Room room;
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink2 = room.sink(2);
  room.sink(3);
  Consumer* c2 = room.router.add_consumer(2, producer->id(), video_consumer(0x2001, 0x2002, "v"));
  Consumer* c3 = room.router.add_consumer(3, producer->id(), video_consumer(0x3001, 0x3002, "v"));
  const ConsumerId id2 = c2->id(), id3 = c3->id();
  const ProducerId pid = producer->id();

  // An explicit close_consumer is not reported back.
  EXPECT_TRUE(room.router.close_consumer(id3));
  EXPECT_TRUE(room.listener.closed.empty());
  EXPECT_EQ(room.router.consumer(id3), nullptr);

  EXPECT_TRUE(room.router.close_producer(pid));
  ASSERT_EQ(room.listener.closed.size(), 1u);
  EXPECT_EQ(room.listener.closed[0].subscriber, 2u);
  EXPECT_EQ(room.listener.closed[0].consumer, id2);
  EXPECT_EQ(room.listener.closed[0].producer, pid);
  EXPECT_EQ(room.router.consumer(id2), nullptr);
  EXPECT_EQ(room.router.producer(pid), nullptr);
  const auto byes = sink2.rtcp_of<rtcp::Bye>();
  ASSERT_EQ(byes.size(), 1u);
  EXPECT_EQ(byes[0].ssrcs, (std::vector<std::uint32_t>{0x2001, 0x2002}));
  EXPECT_FALSE(room.router.close_producer(pid));
  // Its SSRC no longer routes.
  EXPECT_EQ(feed(room.router, kPub, video_packet(1, 0), 0), Router::RtpResult::unknown_ssrc);
}

TEST(RouterForwarding, ClosingAPeerClosesWhatItPublishesAndConsumes) {
  Room room;
  Producer* a = room.router.add_producer(1, video_producer(0x1000, 0));
  Producer* b = room.router.add_producer(2, video_producer(0x2000, 0));
  room.sink(1);
  room.sink(2);
  Consumer* b_gets_a = room.router.add_consumer(2, a->id(), video_consumer(0x21, 0x22, "x"));
  Consumer* a_gets_b = room.router.add_consumer(1, b->id(), video_consumer(0x11, 0x12, "y"));
  ASSERT_TRUE(b_gets_a && a_gets_b);
  const ConsumerId gone = b_gets_a->id(), own = a_gets_b->id();
  room.router.close_peer(1);
  ASSERT_EQ(room.listener.closed.size(), 1u);
  EXPECT_EQ(room.listener.closed[0].consumer, gone);
  EXPECT_EQ(room.router.consumer(own), nullptr);
  EXPECT_EQ(room.router.consumer(gone), nullptr);
  EXPECT_NE(room.router.producer(b->id()), nullptr);
  EXPECT_TRUE(b->consumers().empty());
  EXPECT_EQ(room.router.bandwidth_estimate(1), nullptr);
}

}  // namespace
}  // namespace haven::sfu::routing::test
