// Router RTCP: terminated per leg. Key-frame relay, NACK service, the reports and
// congestion feedback tick() sends.
#include <gtest/gtest.h>

#include <map>

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

TEST(RouterRtcp, SendsReceiverAndSenderReportsOnTick) {
  Room room;
  auto& pub = room.sink(kPub);
  auto& sink = room.sink(2);
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  Consumer* c = room.router.add_consumer(2, producer->id(), video_consumer(0x200, 0x201, "v"));
  for (int i = 0; i < 10; ++i) {
    if (i == 4) continue;  // one lost
    feed(room.router, kPub,
         video_packet(static_cast<std::uint16_t>(100 + i), 90u * 33 * i,
                      i == 0 ? kKey : vp8_delta()),
         i * 33 * kMs);
  }
  const auto forwarded = sink.packets();
  const std::uint32_t last_out_ts = forwarded.back().timestamp();
  const std::int64_t t1 = 400 * kMs;  // last packet at 297 ms
  room.router.tick(t1);

  const auto rrs = pub.rtcp_of<rtcp::ReceiverReport>();
  ASSERT_EQ(rrs.size(), 1u);
  ASSERT_EQ(rrs[0].reports.size(), 1u);
  const auto& block = rrs[0].reports[0];
  EXPECT_EQ(block.ssrc, kPubSsrc);
  EXPECT_EQ(block.extended_highest_seq, 109u);
  EXPECT_EQ(block.cumulative_lost, 1);
  EXPECT_EQ(block.fraction_lost, 256 / 10);
  EXPECT_EQ(block.lsr, 0u);  // no SR from the publisher yet

  const auto srs = sink.rtcp_of<rtcp::SenderReport>();
  ASSERT_EQ(srs.size(), 1u);
  EXPECT_EQ(srs[0].ssrc, c->ssrc());
  EXPECT_EQ(srs[0].ntp_timestamp, rtcp::ntp_from_unix_ns(t1 + kWallOffset));
  EXPECT_EQ(srs[0].rtp_timestamp, last_out_ts + 90u * (400 - 297));  // extrapolated
  EXPECT_EQ(srs[0].packet_count, 9u);
  EXPECT_EQ(srs[0].octet_count, 9u * 3);
  const auto sdes = sink.rtcp_of<rtcp::Sdes>();
  ASSERT_EQ(sdes.size(), 1u);
  EXPECT_EQ(sdes[0].chunks[0].ssrc, c->ssrc());
  EXPECT_EQ(sdes[0].chunks[0].items[0].value, "pub-cname");
  EXPECT_TRUE(std::holds_alternative<rtcp::SenderReport>(sink.rtcp[0][0]));  // SR first

  // Not due again before a second has passed.
  room.router.tick(t1 + 500 * kMs);
  EXPECT_EQ(sink.rtcp_of<rtcp::SenderReport>().size(), 1u);
  EXPECT_EQ(pub.rtcp_of<rtcp::ReceiverReport>().size(), 1u);

  // The publisher's SR: its RTP clock now drives our SR, and our RR echoes it.
  const std::uint64_t pub_ntp = rtcp::ntp_from_unix_ns(5 * kSec);
  rtcp::SenderReport pub_sr;
  pub_sr.ssrc = kPubSsrc;
  pub_sr.ntp_timestamp = pub_ntp;
  pub_sr.rtp_timestamp = 900'000;
  const std::int64_t t_sr = t1 + 600 * kMs;
  room.rtcp_from(kPub, {pub_sr}, t_sr);
  const std::int64_t t2 = t1 + 1 * kSec;
  room.router.tick(t2);
  const auto rr2 = pub.rtcp_of<rtcp::ReceiverReport>();
  ASSERT_EQ(rr2.size(), 2u);
  EXPECT_EQ(rr2[1].reports[0].lsr, rtcp::compact_ntp(pub_ntp));
  EXPECT_EQ(rr2[1].reports[0].dlsr, rtcp::compact_from_ns(t2 - t_sr));
  const auto sr2 = sink.rtcp_of<rtcp::SenderReport>();
  ASSERT_EQ(sr2.size(), 2u);
  const std::uint32_t offset = forwarded[0].timestamp() - 0;  // input ts of packet 0 was 0
  EXPECT_EQ(sr2[1].rtp_timestamp, 900'000u + 90u * 400 + offset);
  EXPECT_EQ(sr2[1].ntp_timestamp, rtcp::ntp_from_unix_ns(t2 + kWallOffset));
}

TEST(RouterRtcp, AudioReceiverReportsEveryFiveSeconds) {
  Room room;
  auto& pub = room.sink(kPub);
  room.router.add_producer(kPub, audio_producer(0x3333));
  PacketSpec a;
  a.pt = kPubOpus;
  a.ssrc = 0x3333;
  a.payload = {0xF8};
  for (int i = 0; i < 5; ++i) {
    a.seq = static_cast<std::uint16_t>(i);
    feed(room.router, kPub, a, i * 20 * kMs);
  }
  for (std::int64_t t = 100 * kMs; t < 5 * kSec; t += 50 * kMs) room.router.tick(t);
  EXPECT_EQ(pub.rtcp_of<rtcp::ReceiverReport>().size(), 1u);
  room.router.tick(5 * kSec + 100 * kMs);
  EXPECT_EQ(pub.rtcp_of<rtcp::ReceiverReport>().size(), 2u);
}

TEST(RouterRtcp, RttFromSubscriberReceiverReport) {
  Room room;
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink = room.sink(2);
  Consumer* c = room.router.add_consumer(2, producer->id(), video_consumer(0x200, 0x201, "v"));
  feed(room.router, kPub, video_packet(1, 0, kKey), 0);
  room.router.tick(10 * kMs);
  const auto srs = sink.rtcp_of<rtcp::SenderReport>();
  ASSERT_EQ(srs.size(), 1u);
  rtcp::ReceiverReport rr;
  rr.ssrc = 0x5EED;
  rtcp::ReportBlock block;
  block.ssrc = c->ssrc();
  block.lsr = rtcp::compact_ntp(srs[0].ntp_timestamp);
  block.dlsr = rtcp::compact_from_ns(50 * kMs);
  block.fraction_lost = 12;
  rr.reports.push_back(block);
  room.rtcp_from(2, {rr}, 160 * kMs);  // 150 ms later, 50 ms of it held by the receiver
  EXPECT_NEAR(static_cast<double>(c->stats().rtt_ns), 100.0 * kMs, 0.1 * kMs);
  EXPECT_EQ(c->stats().fraction_lost, 12);
}

TEST(RouterRtcp, TransportCcFeedbackCoversReceivedPackets) {
  Room room;
  auto& pub = room.sink(kPub);
  room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  for (std::uint16_t seq = 1; seq <= 10; ++seq) {
    if (seq == 5) continue;
    feed(room.router, kPub, video_packet(seq, 0, kKey), seq * kMs);
  }
  room.router.tick(100 * kMs);
  auto fbs = pub.rtcp_of<rtcp::TransportFeedback>();
  ASSERT_EQ(fbs.size(), 1u);
  EXPECT_EQ(fbs[0].media_ssrc, kPubSsrc);
  EXPECT_EQ(fbs[0].base_seq, 1);
  EXPECT_EQ(fbs[0].status_count, 10);
  std::vector<std::uint16_t> got;
  for (const auto& r : fbs[0].received) got.push_back(r.seq);
  EXPECT_EQ(got, (std::vector<std::uint16_t>{1, 2, 3, 4, 6, 7, 8, 9, 10}));
  const auto arrivals = rtcp::twcc_arrivals(fbs[0]);
  EXPECT_EQ(arrivals.back().arrival_us - arrivals.front().arrival_us, 9000);
  EXPECT_TRUE(pub.rtcp_of<rtcp::Remb>().empty());

  // The next feedback continues where this one stopped (11 lost, 12 received).
  feed(room.router, kPub, video_packet(12, 0), 150 * kMs);
  room.router.tick(150 * kMs);  // not due yet
  EXPECT_EQ(pub.rtcp_of<rtcp::TransportFeedback>().size(), 1u);
  room.router.tick(200 * kMs);
  fbs = pub.rtcp_of<rtcp::TransportFeedback>();
  ASSERT_EQ(fbs.size(), 2u);
  EXPECT_EQ(fbs[1].base_seq, 11);
  EXPECT_EQ(fbs[1].status_count, 2);
  EXPECT_EQ(fbs[1].fb_pkt_count, static_cast<std::uint8_t>(fbs[0].fb_pkt_count + 1));
}

TEST(RouterRtcp, RembWhenThePublisherHasNoTransportCc) {
  Router::Config config;
  config.remb_bitrate_bps = 1'500'000;
  Room room(config);
  auto& pub = room.sink(kPub);
  RtpParameters params = video_producer(kPubSsrc, kPubRtx);
  params.codecs[0].rtcp_feedback = {"nack", "nack pli", "goog-remb"};
  room.router.add_producer(kPub, params);
  feed(room.router, kPub, video_packet(1, 0, kKey), 0);
  room.router.tick(20 * kMs);
  auto rembs = pub.rtcp_of<rtcp::Remb>();
  ASSERT_EQ(rembs.size(), 1u);
  EXPECT_EQ(rembs[0].bitrate_bps, 1'500'000u);
  EXPECT_EQ(rembs[0].ssrcs, (std::vector<std::uint32_t>{kPubSsrc}));
  EXPECT_TRUE(pub.rtcp_of<rtcp::TransportFeedback>().empty());
  room.router.tick(500 * kMs);
  EXPECT_EQ(pub.rtcp_of<rtcp::Remb>().size(), 1u);
  room.router.tick(1020 * kMs);
  EXPECT_EQ(pub.rtcp_of<rtcp::Remb>().size(), 2u);
}

TEST(RouterRtcp, SubscriberFeedbackUpdatesItsBandwidthEstimate) {
  Room room;
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink = room.sink(2);
  room.router.add_consumer(2, producer->id(), video_consumer(0x200, 0x201, "v"));
  Bytes payload = kKey;
  payload.resize(1000, 0x55);
  for (int i = 0; i < 10; ++i) {
    feed(room.router, kPub, video_packet(static_cast<std::uint16_t>(i), 0, payload), i * kMs);
    payload[1] = 0x01;
  }
  const auto packets = sink.packets();
  ASSERT_EQ(packets.size(), 10u);
  rtcp::TransportFeedbackBuilder builder(0x5EED, 0x200, 0);
  std::size_t bytes = 0;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (i == 3) continue;  // lost
    ASSERT_TRUE(builder.add(*ext_u16(packets[i], kSubExt.transport_cc),
                            1'000'000 + 10'000 * static_cast<std::int64_t>(i)));
    if (i > 0) bytes += packets[i].size();  // the first arrival opens the interval
  }
  room.rtcp_from(2, {builder.take(), rtcp::Remb{0x5EED, 800'000, {0x200}}}, 200 * kMs);
  const BandwidthEstimate* bwe = room.router.bandwidth_estimate(2);
  ASSERT_NE(bwe, nullptr);
  EXPECT_EQ(bwe->remb_bps, 800'000u);
  EXPECT_EQ(bwe->feedback_at_ns, 200 * kMs);
  EXPECT_EQ(bwe->loss_fraction, 256 / 10);
  // All received bytes over 90 ms (first to last arrival).
  const std::uint64_t all = bytes + packets[0].size();
  EXPECT_EQ(bwe->acked_bps, all * 8 * 1'000'000 / 90'000);
}

TEST(RouterRtcp, ManyReportsAreSplitIntoDatagrams) {
  Room room;
  Producer* producer = room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  auto& sink = room.sink(2);
  for (std::uint32_t i = 0; i < 40; ++i) {
    RtpParameters params = video_consumer(0x1000 + i, 0, "v" + std::to_string(i), false);
    params.cname = std::string(200, 'c');  // long CNAMEs: large SDES chunks
    ASSERT_TRUE(room.router.add_consumer(2, producer->id(), params));
  }
  feed(room.router, kPub, video_packet(1, 0, kKey), 0);
  room.router.tick(10 * kMs);
  EXPECT_GT(sink.rtcp.size(), 1u);  // FakeSink checks each against kMaxRtcpCompound
  EXPECT_EQ(sink.rtcp_of<rtcp::SenderReport>().size(), 40u);
  std::size_t chunks = 0;
  for (const auto& sdes : sink.rtcp_of<rtcp::Sdes>()) chunks += sdes.chunks.size();
  EXPECT_EQ(chunks, 40u);
}

TEST(RouterRtcp, MalformedRtcpIsCountedAndIgnored) {
  Room room;
  room.sink(kPub);
  room.router.add_producer(kPub, video_producer(kPubSsrc, kPubRtx));
  const Bytes junk = {0x80, 0xC9, 0x00, 0x09, 0x00};
  room.router.receive_rtcp(kPub, junk, 0);
  EXPECT_EQ(room.router.stats().rtcp_malformed, 1u);
}

}  // namespace
}  // namespace haven::sfu::routing::test
