// Randomised robustness: mutated RTP and random RTCP from publishers and subscribers, with
// pauses, layer changes and ticks in between. Whatever comes in, what goes out must be
// well-formed, within the datagram limits, and carry only the consumers' own SSRCs.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "routing_test_util.h"
#include "sfu/routing/router.h"

namespace haven::sfu::routing::test {
namespace {

TEST(RouterRobustness, RandomTrafficKeepsOutputWellFormed) {
  Room room;
  constexpr PeerId kPub = 1;
  room.sink(kPub);
  RtpParameters sim = simulcast_producer("1");
  sim.encodings[0].ssrc = 0xA0;
  sim.encodings[0].rtx_ssrc = 0xB0;
  Producer* video = room.router.add_producer(kPub, sim);
  Producer* audio = room.router.add_producer(kPub, audio_producer(0xC0, "0"));
  ASSERT_TRUE(video && audio);
  std::map<PeerId, std::set<std::uint32_t>> own;  // SSRCs each subscriber may receive
  std::vector<Consumer*> consumers;
  for (PeerId sub = 2; sub <= 3; ++sub) {
    room.sink(sub);
    const auto base = static_cast<std::uint32_t>(sub << 12);
    consumers.push_back(
        room.router.add_consumer(sub, video->id(), video_consumer(base + 1, base + 2, "v")));
    consumers.push_back(room.router.add_consumer(sub, audio->id(), audio_consumer(base + 3, "a")));
    own[sub] = {base + 1, base + 2, base + 3};
  }
  for (auto* c : consumers) ASSERT_NE(c, nullptr);

  std::mt19937 rng(1234);
  const auto u32 = [&] { return static_cast<std::uint32_t>(rng()); };
  const auto pick = [&](std::initializer_list<std::uint32_t> from) {
    return *(from.begin() + rng() % from.size());
  };
  std::int64_t now = 0;
  for (int i = 0; i < 20000; ++i) {
    now += static_cast<std::int64_t>(rng() % 5'000'000);
    const int what = static_cast<int>(rng() % 100);
    if (what < 70) {
      PacketSpec s;
      s.pt = static_cast<std::uint8_t>(pick({kPubVp8, kPubVp8Rtx, kPubOpus, 0, 127}));
      s.ssrc = pick({0xA0, 0xB0, 0xC0, 0xA1, 0x12345678});
      s.seq = static_cast<std::uint16_t>(rng());
      s.ts = rng();
      s.marker = (rng() & 1) != 0;
      s.extensions = {{kPubExt.mid, text(rng() % 4 == 0 ? "0" : "1")},
                      {kPubExt.rid, text(rng() % 2 == 0 ? "h" : "f")},
                      {kPubExt.transport_cc, be16(static_cast<std::uint16_t>(rng()))},
                      {kPubExt.audio_level, {static_cast<std::uint8_t>(rng())}}};
      s.extensions.resize(rng() % 5);
      s.payload = Bytes(rng() % 1300);  // not resize(): GCC 12 misreads it (-Wstringop-overflow)
      for (auto& b : s.payload) b = static_cast<std::uint8_t>(rng());
      s.padding = static_cast<std::uint8_t>(rng() % 8 == 0 ? rng() % 20 : 0);
      Bytes bytes = build_packet(s);
      // Flip a few header bits now and then: parse() decides what still is RTP.
      for (int f = static_cast<int>(rng() % 3); f > 0; --f) {
        bytes[rng() % std::min<std::size_t>(bytes.size(), 24)] ^=
            static_cast<std::uint8_t>(1u << (rng() % 8));
      }
      if (auto pkt = rtp::RtpPacket::parse(bytes)) room.router.receive_rtp(kPub, *pkt, now);
    } else if (what < 90) {
      const PeerId from = static_cast<PeerId>(1 + rng() % 3);
      const std::uint32_t target = pick({0x2001, 0x2002, 0x3001, 0x3003, 0xA0, 0xC0, 0x99});
      rtcp::CompoundPacket packets;
      switch (rng() % 7) {
        case 0:
          packets.push_back(rtcp::Pli{1, target});
          break;
        case 1:
          packets.push_back(rtcp::Fir{1, {{target, static_cast<std::uint8_t>(rng())}}});
          break;
        case 2: {
          rtcp::Nack nack{1, target, {}};
          for (int n = static_cast<int>(1 + rng() % 40); n > 0; --n)
            nack.seqs.push_back(static_cast<std::uint16_t>(rng()));
          packets.push_back(nack);
          break;
        }
        case 3: {
          rtcp::ReceiverReport rr;
          rr.ssrc = 1;
          rr.reports.push_back(
              {target, static_cast<std::uint8_t>(rng()), 0, u32(), u32(), u32(), u32()});
          packets.push_back(rr);
          break;
        }
        case 4:
          packets.push_back(rtcp::Remb{1, rng(), {target}});
          break;
        case 5: {
          rtcp::SenderReport sr;
          sr.ssrc = target;
          sr.ntp_timestamp = (std::uint64_t{rng()} << 32) | rng();
          sr.rtp_timestamp = rng();
          packets.push_back(sr);
          break;
        }
        default: {
          rtcp::TransportFeedbackBuilder b(1, target, 0);
          std::int64_t seq = rng() % 100;
          for (int n = 0; n < 20; ++n) {
            seq += 1 + rng() % 3;
            b.add(seq, now / 1000 + n * 1000);
          }
          packets.push_back(b.take());
        }
      }
      const auto bytes = serialize(packets);
      room.router.receive_rtcp(from, bytes, now);
      Bytes junk(rng() % 64);
      for (auto& b : junk) b = static_cast<std::uint8_t>(rng());
      room.router.receive_rtcp(from, junk, now);
    } else if (what < 97) {
      room.router.tick(now);
    } else {
      Consumer* c = consumers[rng() % consumers.size()];
      switch (rng() % 3) {
        case 0:
          c->pause();
          break;
        case 1:
          c->resume();
          break;
        default:
          c->set_preferred_layer(rng() % 4);
      }
    }
    for (auto& [peer, sink] : room.sinks) {
      for (auto& bytes : sink.rtp) {
        ASSERT_LE(bytes.size(), kMaxDatagram);
        auto pkt = rtp::RtpPacket::parse(bytes);
        ASSERT_TRUE(pkt);
        if (peer == kPub) ADD_FAILURE() << "RTP echoed to the publisher";
        EXPECT_TRUE(own[peer].contains(pkt->ssrc())) << std::hex << pkt->ssrc();
        EXPECT_TRUE(pkt->payload_type() == kSubVp8 || pkt->payload_type() == kSubVp8Rtx ||
                    pkt->payload_type() == kSubOpus);
      }
      sink.clear();  // RTCP was checked (parse, size) as it arrived
    }
  }
  EXPECT_GT(room.router.stats().rtp_received, 10000u);
  EXPECT_GT(consumers[0]->stats().packets_sent + consumers[1]->stats().packets_sent, 0u);
}

}  // namespace
}  // namespace haven::sfu::routing::test
