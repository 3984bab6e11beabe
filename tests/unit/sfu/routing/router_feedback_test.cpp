// Router feedback: subscribers' PLI/FIR relayed as rate-limited key-frame requests,
// their NACKs answered from the consumer's buffer (never forwarded), upstream NACKs.
#include <gtest/gtest.h>

#include <algorithm>

#include "routing_test_util.h"
#include "sfu/routing/router.h"
#include "sfu/rtcp/ntp_time.h"

namespace haven::sfu::routing::test {
namespace {

constexpr PeerId kPub = 1;
constexpr std::uint32_t kPubSsrc = 0x11110000, kPubRtx = 0x11110001;

PacketSpec video_packet(std::uint16_t seq, std::uint32_t ts, Bytes payload = vp8_delta()) {
  PacketSpec s;
  s.seq = seq;
  s.ts = ts;
  s.ssrc = kPubSsrc;
  s.extensions = {{kPubExt.transport_cc, be16(seq)}};
  s.payload = std::move(payload);
  return s;
}

const Bytes kKey = {0x10, 0x00, 0x00};

// Three subscribers' PLIs while one request is outstanding are one PLI upstream; unanswered,
// it is retried once past the encoder's 300 ms window (KeyframeRequester::kFirstRetryNs),
// then each second, until a key frame answers it.
TEST(RouterFeedback, PliFromThreeSubscribersWhileOneIsOutstandingIsOnePliUpstream) {
  Room room;
  auto& pub = room.sink(kPub);
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  std::vector<Consumer*> consumers;
  for (PeerId sub = 2; sub <= 4; ++sub) {
    room.sink(sub);
    consumers.push_back(room.router.add_consumer(
        sub, producer->id(), video_consumer(0x100 * static_cast<std::uint32_t>(sub), 0, "v")));
  }
  feed(room.router, kPub, video_packet(1, 0, kKey), 0);  // answers the joins' requests
  room.router.tick(10 * kMs);
  EXPECT_TRUE(pub.rtcp_of<rtcp::Pli>().empty());

  const auto pli_from = [&](PeerId sub, std::int64_t now) {
    room.rtcp_from(sub, {rtcp::Pli{0x5EED, consumers[sub - 2]->ssrc()}}, now);
  };
  pli_from(2, 1 * kSec);
  ASSERT_EQ(pub.rtcp_of<rtcp::Pli>().size(), 1u);  // relayed at once
  const auto pli = pub.rtcp_of<rtcp::Pli>()[0];
  EXPECT_EQ(pli.media_ssrc, kPubSsrc);
  EXPECT_NE(pli.sender_ssrc, 0x5EEDu);  // ours, not the subscriber's
  pli_from(3, 1 * kSec + 100 * kMs);
  pli_from(4, 1 * kSec + 200 * kMs);
  room.router.tick(1 * kSec + 300 * kMs);
  EXPECT_EQ(pub.rtcp_of<rtcp::Pli>().size(), 1u);
  // No key frame: retried 350 ms after the first, then a second after that.
  room.router.tick(1 * kSec + 350 * kMs);
  EXPECT_EQ(pub.rtcp_of<rtcp::Pli>().size(), 2u);
  room.router.tick(2 * kSec + 300 * kMs);
  EXPECT_EQ(pub.rtcp_of<rtcp::Pli>().size(), 2u);
  room.router.tick(2 * kSec + 350 * kMs);
  EXPECT_EQ(pub.rtcp_of<rtcp::Pli>().size(), 3u);
  // A key frame answers it: no more retries.
  feed(room.router, kPub, video_packet(2, 3000, kKey), 2 * kSec + 400 * kMs);
  room.router.tick(3 * kSec + 400 * kMs);
  room.router.tick(4 * kSec + 400 * kMs);
  EXPECT_EQ(pub.rtcp_of<rtcp::Pli>().size(), 3u);
  EXPECT_EQ(consumers[0]->stats().pli_received, 1u);
  EXPECT_EQ(producer->stats().keyframe_requests_sent, 3u);
  // Nothing the subscribers sent went upstream as is.
  EXPECT_TRUE(pub.rtcp_of<rtcp::Nack>().empty());
}

TEST(RouterFeedback, FirOnlyPublisherGetsFirWithSequenceNumbers) {
  Room room;
  auto& pub = room.sink(kPub);
  RtpParameters params = video_producer(kPubSsrc, 0);
  params.codecs[0].rtcp_feedback = {"ccm fir"};
  Producer* producer = room.router.add_producer(kPub, params);
  room.sink(2);
  Consumer* c = room.router.add_consumer(2, producer->id(), video_consumer(0x200, 0, "v"));
  room.router.tick(0);         // join request
  room.router.tick(1 * kSec);  // retry of the same request
  feed(room.router, kPub, video_packet(1, 0, kKey), 1 * kSec + kMs);
  room.rtcp_from(2, {rtcp::Fir{0x5EED, {{c->ssrc(), 1}}}}, 3 * kSec);  // a new request
  const auto firs = pub.rtcp_of<rtcp::Fir>();
  ASSERT_EQ(firs.size(), 3u);
  EXPECT_EQ(firs[0].entries[0].ssrc, kPubSsrc);
  EXPECT_EQ(firs[0].entries[0].seq_nr, firs[1].entries[0].seq_nr);
  EXPECT_EQ(firs[2].entries[0].seq_nr, static_cast<std::uint8_t>(firs[1].entries[0].seq_nr + 1));
  EXPECT_TRUE(pub.rtcp_of<rtcp::Pli>().empty());
  EXPECT_EQ(c->stats().fir_received, 1u);
}

TEST(RouterFeedback, NackIsAnsweredWithRtx) {
  Room room;
  auto& pub = room.sink(kPub);
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink = room.sink(2);
  Consumer* c = room.router.add_consumer(2, producer->id(), video_consumer(0x200, 0x201, "v"));
  for (int i = 0; i < 10; ++i) {
    Bytes payload = i == 0 ? kKey : vp8_delta();
    payload.push_back(static_cast<std::uint8_t>(i));
    feed(room.router, kPub, video_packet(static_cast<std::uint16_t>(500 + i), 0, payload), i * kMs);
  }
  auto sent = sink.packets();
  ASSERT_EQ(sent.size(), 10u);
  const std::uint16_t first = sent[0].sequence_number();
  const std::uint16_t last_twcc = *ext_u16(sent[9], kSubExt.transport_cc);
  sink.clear();

  const std::vector<std::uint16_t> lost = {static_cast<std::uint16_t>(first + 2),
                                           static_cast<std::uint16_t>(first + 5),
                                           static_cast<std::uint16_t>(first + 7)};
  room.rtcp_from(2, {rtcp::Nack{0x5EED, c->ssrc(), lost}}, 20 * kMs);
  auto rtx = sink.packets();
  ASSERT_EQ(rtx.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(rtx[i].ssrc(), 0x201u);
    EXPECT_EQ(rtx[i].payload_type(), kSubVp8Rtx);
    ASSERT_GE(rtx[i].payload().size(), 2u);
    EXPECT_EQ(load_be16(rtx[i].payload().data()), lost[i]);  // OSN
    const auto index = static_cast<std::uint8_t>(lost[i] - first);
    EXPECT_EQ(rtx[i].payload().back(), index);  // the original payload follows
    if (i > 0) {
      EXPECT_EQ(rtx[i].sequence_number(),
                static_cast<std::uint16_t>(rtx[i - 1].sequence_number() + 1));
    }
    EXPECT_EQ(ext_text(rtx[i], kSubExt.mid), "v");
    // A new packet on the transport: a fresh transport-wide number.
    EXPECT_EQ(*ext_u16(rtx[i], kSubExt.transport_cc),
              static_cast<std::uint16_t>(last_twcc + 1 + i));
  }
  EXPECT_EQ(c->stats().retransmitted, 3u);
  // The same NACK again within an RTT: those copies may still be in flight.
  room.rtcp_from(2, {rtcp::Nack{0x5EED, c->ssrc(), lost}}, 40 * kMs);
  EXPECT_EQ(sink.rtp.size(), 3u);
  // Never forwarded upstream.
  EXPECT_TRUE(pub.rtcp_of<rtcp::Nack>().empty());
}

TEST(RouterFeedback, NackForEvictedOrTooOldPacketsSendsNothing) {
  Router::Config config;
  config.video_cache_packets = 16;
  Room room(config);
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink = room.sink(2);
  Consumer* c = room.router.add_consumer(2, producer->id(), video_consumer(0x200, 0x201, "v"));
  for (int i = 0; i < 40; ++i) {
    feed(room.router, kPub,
         video_packet(static_cast<std::uint16_t>(i), 0, i == 0 ? kKey : vp8_delta()), i * kMs);
  }
  const auto packets = sink.packets();
  const std::uint16_t first = packets.front().sequence_number();
  const std::uint16_t last = packets.back().sequence_number();
  sink.clear();
  room.rtcp_from(2, {rtcp::Nack{0x5EED, c->ssrc(), {first}}}, 50 * kMs);
  EXPECT_TRUE(sink.rtp.empty());
  EXPECT_EQ(c->stats().nack_unavailable, 1u);
  // Held but older than 2 s.
  room.rtcp_from(2, {rtcp::Nack{0x5EED, c->ssrc(), {last}}}, 3 * kSec);
  EXPECT_TRUE(sink.rtp.empty());
  EXPECT_EQ(c->stats().nack_unavailable, 2u);
}

TEST(RouterFeedback, NackWithoutRtxResendsThePacketAsIs) {
  Room room;
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink = room.sink(2);
  Consumer* c = room.router.add_consumer(2, producer->id(), video_consumer(0x200, 0, "v", false));
  feed(room.router, kPub, video_packet(1, 0, kKey), 0);
  feed(room.router, kPub, video_packet(2, 0), kMs);
  const Bytes original = sink.rtp[1];
  const std::uint16_t seq = sink.packets()[1].sequence_number();
  room.rtcp_from(2, {rtcp::Nack{0x5EED, c->ssrc(), {seq}}}, 10 * kMs);
  ASSERT_EQ(sink.rtp.size(), 3u);
  auto packets = sink.packets();
  EXPECT_EQ(packets[2].sequence_number(), seq);
  EXPECT_EQ(packets[2].ssrc(), 0x200u);
  EXPECT_EQ(packets[2].payload_type(), kSubVp8);
  EXPECT_EQ(sink.rtp[2].size(), original.size());
  // Rebuilt from the producer's store: the same header values and payload as sent.
  EXPECT_EQ(packets[2].timestamp(), packets[1].timestamp());
  EXPECT_EQ(packets[2].marker(), packets[1].marker());
  EXPECT_TRUE(std::equal(packets[2].payload().begin(), packets[2].payload().end(),
                         packets[1].payload().begin(), packets[1].payload().end()));
}

TEST(RouterFeedback, UpstreamNackForGaps) {
  Room room;
  auto& pub = room.sink(kPub);
  room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  feed(room.router, kPub, video_packet(1, 0, kKey), 0);
  feed(room.router, kPub, video_packet(2, 0), kMs);
  feed(room.router, kPub, video_packet(5, 0), 2 * kMs);
  room.router.tick(10 * kMs);
  auto nacks = pub.rtcp_of<rtcp::Nack>();
  ASSERT_EQ(nacks.size(), 1u);
  EXPECT_EQ(nacks[0].media_ssrc, kPubSsrc);
  EXPECT_EQ(nacks[0].seqs, (std::vector<std::uint16_t>{3, 4}));
  room.router.tick(30 * kMs);  // within an RTT: not again
  EXPECT_EQ(pub.rtcp_of<rtcp::Nack>().size(), 1u);
  // 3 arrives as RTX.
  PacketSpec r;
  r.pt = kPubVp8Rtx;
  r.ssrc = kPubRtx;
  r.seq = 1;
  r.payload = {0x00, 0x03, 0x10, 0x01, 0x00};
  feed(room.router, kPub, r, 50 * kMs);
  room.router.tick(120 * kMs);
  nacks = pub.rtcp_of<rtcp::Nack>();
  ASSERT_EQ(nacks.size(), 2u);
  EXPECT_EQ(nacks[1].seqs, (std::vector<std::uint16_t>{4}));
}

}  // namespace
}  // namespace haven::sfu::routing::test
