// The browser-side SDP of sfu/client/browser_sdp.h (haven-loadgen's clients): its publish
// offer must be answered by the SFU's SendNegotiator and its answers to RECV offers must
// pass RecvNegotiator::apply_answer, through text as on the wire, in the same shape as
// Chromium's (the captured fixtures).
#include "sfu/client/browser_sdp.h"

#include <gtest/gtest.h>

#include "../negotiation/negotiation_test_util.h"
#include "sfu/negotiation/recv_negotiator.h"
#include "sfu/negotiation/send_negotiator.h"
#include "sfu/sdp/queries.h"

namespace haven::sfu {
namespace {

using namespace negotiation::testing;
using negotiation::ConsumerSlot;
using negotiation::RecvNegotiator;
using negotiation::SendNegotiator;
using negotiation::ServerCodec;

constexpr const char* kClientFingerprint =
    "sha-256 11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:"
    "DD:EE:FF:00";

BrowserTransport client_transport() {
  return {ice::IceCredentials{"ClientUfrag1", "ClientPasswordOf24Chars+"},
          *parse_fingerprint(kClientFingerprint)};
}

BrowserOffer camera_and_mic() {
  BrowserOffer o;
  o.transport = client_transport();
  o.cname = "lg-cname";
  o.stream_id = "alice";
  o.tracks = {{sdp::MediaKind::audio, "0", "mic", 1001, 0},
              {sdp::MediaKind::video, "1", "cam", 2002, 2003}};
  return o;
}

std::optional<sdp::SessionDescription> answer_text(const sdp::SessionDescription& offer,
                                                   std::string* error) {
  auto answer = make_browser_answer(reparse(offer), client_transport(), error);
  if (!answer) return std::nullopt;
  return reparse(*answer);
}

ConsumerSlot slot(const char* stream, const char* track, ServerCodec codec, std::uint32_t ssrc,
                  std::uint32_t rtx = 0) {
  return {stream, track, negotiation::kind_of(codec), std::string(stream) + "cname", codec,
          ssrc,   rtx};
}

bool accepts_ssrc(const negotiation::RecvAnswerResult& result, std::uint32_t ssrc) {
  for (const auto& p : result.accepted)
    if (p.encodings.front().ssrc == ssrc) return true;
  return false;
}

TEST(BrowserSdp, PublishOfferIsAnsweredBySendNegotiator) {
  const auto offer = reparse(make_browser_offer(camera_and_mic()));
  SendNegotiator send(local_transport());
  std::string error;
  auto answer = send.answer(offer, &error);
  ASSERT_TRUE(answer) << error;
  EXPECT_EQ(answer->remote.ice_ufrag, "ClientUfrag1");
  EXPECT_EQ(answer->remote.ice_pwd, "ClientPasswordOf24Chars+");
  EXPECT_EQ(answer->remote.fingerprint, *parse_fingerprint(kClientFingerprint));
  ASSERT_EQ(answer->producers.size(), 2u);

  const RtpParameters& audio = answer->producers[0].rtp;
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.kind, MediaKind::audio);
  EXPECT_EQ(audio.codecs.front().payload_type, kBrowserOpusPayloadType);
  EXPECT_EQ(encodings_of(audio), (std::vector<EncodingTuple>{{1001, 0, ""}}));
  EXPECT_EQ(audio.extensions.audio_level, kBrowserAudioLevelId);
  EXPECT_EQ(audio.extensions.abs_send_time, kBrowserAbsSendTimeId);
  EXPECT_EQ(audio.extensions.transport_cc, kBrowserTransportCcId);
  EXPECT_EQ(audio.extensions.mid, kBrowserMidId);
  EXPECT_EQ(audio.cname, "lg-cname");
  EXPECT_EQ(audio.stream_id, "alice");

  const RtpParameters& video = answer->producers[1].rtp;
  EXPECT_EQ(video.mid, "1");
  EXPECT_EQ(video.codecs.front().name, "VP8");
  EXPECT_EQ(video.codecs.front().payload_type, kBrowserVp8PayloadType);
  EXPECT_EQ(video.codecs.front().rtx_payload_type, kBrowserVp8RtxPayloadType);
  EXPECT_EQ(encodings_of(video), (std::vector<EncodingTuple>{{2002, 2003, ""}}));
  for (const char* fb : {"nack", "nack pli", "ccm fir", "transport-cc", "goog-remb"}) {
    EXPECT_TRUE(contains(video.codecs.front().rtcp_feedback, fb)) << fb;
  }
  EXPECT_EQ(video.extensions.mid, kBrowserMidId);
  EXPECT_EQ(video.extensions.transport_cc, kBrowserTransportCcId);
  EXPECT_EQ(video.extensions.video_orientation, kBrowserVideoOrientationId);
  for (const auto& m : answer->answer.media) EXPECT_EQ(m.direction, sdp::Direction::recvonly);
}

TEST(BrowserSdp, PublishOfferHasChromiumsShape) {
  const auto ours = reparse(make_browser_offer(camera_and_mic()));
  const auto chromium = fixture("a-sendrecv.sdp");
  ASSERT_EQ(ours.media.size(), chromium.media.size());
  ASSERT_EQ(ours.groups.size(), 1u);
  EXPECT_EQ(ours.groups[0].mids, chromium.groups[0].mids);
  EXPECT_TRUE(ours.extmap_allow_mixed);
  for (std::size_t i = 0; i < ours.media.size(); ++i) {
    const auto& m = ours.media[i];
    const auto& c = chromium.media[i];
    EXPECT_EQ(m.kind, c.kind);
    EXPECT_EQ(m.mid, c.mid);
    EXPECT_EQ(m.setup, c.setup);
    EXPECT_EQ(m.rtcp_mux, c.rtcp_mux);
    EXPECT_EQ(m.rtcp_rsize, c.rtcp_rsize);
    EXPECT_EQ(m.direction, sdp::Direction::sendonly);
    EXPECT_EQ(m.payload_types.front(), c.payload_types.front());
    EXPECT_EQ(m.codecs.front(), c.codecs.front()) << m.mid;  // Opus / VP8 line as Chromium's
    for (const auto& e : m.extmaps) {
      EXPECT_EQ(sdp::find_extmap_id(c, e.uri), e.id) << e.uri;  // Chromium's numbering
    }
    EXPECT_EQ(m.ssrc_groups.size(), c.ssrc_groups.size());
    EXPECT_EQ(m.ssrcs.size(), c.ssrcs.size());
  }
}

TEST(BrowserSdp, ReadsTheSfuTransportFromItsAnswer) {
  SendNegotiator send(local_transport());
  auto answer = send.answer(reparse(make_browser_offer(camera_and_mic())));
  ASSERT_TRUE(answer);
  std::string error;
  auto remote = sfu_remote_from_sdp(reparse(answer->answer), &error);
  ASSERT_TRUE(remote) << error;
  const auto t = local_transport();
  EXPECT_EQ(remote->ice_ufrag, t.ice_ufrag);
  EXPECT_EQ(remote->ice_pwd, t.ice_pwd);
  EXPECT_EQ(remote->fingerprint, "sha-256 " + t.fingerprint_sha256);
  EXPECT_EQ(remote->address, Tuple::v4({203, 0, 113, 7}, 40000));
  EXPECT_FALSE(sfu_remote_from_sdp(sdp::SessionDescription{}, &error));
}

TEST(BrowserSdp, AnswersRecvOffersThroughRemovalAndRecycling) {
  RecvNegotiator recv(local_transport());
  ASSERT_TRUE(recv.add_consumer(slot("alice", "mic", ServerCodec::opus, 11)));
  ASSERT_TRUE(recv.add_consumer(slot("alice", "cam", ServerCodec::vp8, 12, 13)));
  ASSERT_TRUE(recv.add_consumer(slot("bob", "mic", ServerCodec::opus, 21)));
  std::string error;
  auto answer = answer_text(recv.offer(), &error);
  ASSERT_TRUE(answer) << error;
  auto result = recv.apply_answer(*answer, &error);
  ASSERT_TRUE(result) << error;
  ASSERT_EQ(result->accepted.size(), 3u);
  EXPECT_TRUE(result->declined_mids.empty());
  ASSERT_TRUE(result->remote);
  EXPECT_EQ(result->remote->ice_ufrag, "ClientUfrag1");
  EXPECT_EQ(result->remote->fingerprint, *parse_fingerprint(kClientFingerprint));
  EXPECT_EQ(result->accepted[1].codecs.front().rtx_payload_type, negotiation::kVp8RtxPayloadType);
  EXPECT_TRUE(contains(result->accepted[1].codecs.front().rtcp_feedback, "nack pli"));
  EXPECT_NE(result->accepted[0].extensions.mid, 0);
  EXPECT_NE(result->accepted[1].extensions.transport_cc, 0);

  // Alice's camera goes (port 0), Bob's comes: appended, then recycled next round.
  ASSERT_TRUE(recv.remove_consumer("1"));
  ASSERT_TRUE(recv.add_consumer(slot("bob", "cam", ServerCodec::vp8, 22, 23)));
  auto offer = reparse(recv.offer());
  answer = answer_text(offer, &error);
  ASSERT_TRUE(answer) << error;
  EXPECT_EQ(answer->media[1].port, 0);
  EXPECT_EQ(answer->media[1].direction, sdp::Direction::inactive);
  result = recv.apply_answer(*answer, &error);
  ASSERT_TRUE(result) << error;
  EXPECT_EQ(result->accepted.size(), 3u);  // every live section, the new one included
  EXPECT_TRUE(accepts_ssrc(*result, 22));

  // The first section (the BUNDLE tag) closes: offered inactive with its port.
  ASSERT_TRUE(recv.remove_consumer("0"));
  ASSERT_TRUE(recv.add_consumer(slot("carol", "cam", ServerCodec::vp8, 32, 33)));
  answer = answer_text(recv.offer(), &error);
  ASSERT_TRUE(answer) << error;
  EXPECT_NE(answer->media[0].port, 0);
  EXPECT_EQ(answer->media[0].direction, sdp::Direction::inactive);
  EXPECT_EQ(answer->media[1].mid, "4");  // the closed video m-line, recycled
  EXPECT_EQ(answer->media[1].direction, sdp::Direction::recvonly);
  result = recv.apply_answer(*answer, &error);
  ASSERT_TRUE(result) << error;
  EXPECT_EQ(result->accepted.size(), 3u);
  EXPECT_TRUE(accepts_ssrc(*result, 32));
  EXPECT_FALSE(accepts_ssrc(*result, 11));
  EXPECT_EQ(recv.consumer_count(), 3u);
}

TEST(BrowserSdp, RecvAnswerHasChromiumsShape) {
  // The offer the captured answer was made for (recv_negotiator_test's three consumers).
  RecvNegotiator recv(local_transport(), "777");
  ASSERT_TRUE(recv.add_consumer(
      {"alice-stream", "alice-mic", MediaKind::audio, "alicecname", ServerCodec::opus, 1111, 0}));
  ASSERT_TRUE(recv.add_consumer(
      {"alice-stream", "alice-cam", MediaKind::video, "alicecname", ServerCodec::vp8, 2222, 3333}));
  ASSERT_TRUE(recv.add_consumer(
      {"bob-stream", "bob-cam", MediaKind::video, "bobcname", ServerCodec::h264, 4444, 5555}));
  std::string error;
  auto ours = answer_text(recv.offer(), &error);
  ASSERT_TRUE(ours) << error;
  auto chromium =
      sdp::parse_sdp(read_file("tests/unit/sfu/negotiation/fixtures/recv-answer-3-consumers.sdp"));
  ASSERT_TRUE(chromium);
  ASSERT_EQ(ours->media.size(), chromium->media.size());
  EXPECT_EQ(ours->groups, chromium->groups);
  for (std::size_t i = 0; i < ours->media.size(); ++i) {
    const auto& m = ours->media[i];
    const auto& c = chromium->media[i];
    EXPECT_EQ(m.mid, c.mid);
    EXPECT_EQ(m.direction, c.direction);
    EXPECT_EQ(m.setup, c.setup);
    EXPECT_EQ(m.payload_types, c.payload_types);
    EXPECT_EQ(m.rtcp_mux, c.rtcp_mux);
    EXPECT_EQ(m.rtcp_rsize, c.rtcp_rsize);
    for (const auto& e : c.extmaps) EXPECT_EQ(sdp::find_extmap_id(m, e.uri), e.id) << e.uri;
  }
}

TEST(BrowserSdp, RefusesOffersNoBrowserWouldAccept) {
  std::string error;
  EXPECT_FALSE(make_browser_answer(sdp::SessionDescription{}, client_transport(), &error));
  RecvNegotiator recv(local_transport());
  ASSERT_TRUE(recv.add_consumer(slot("alice", "mic", ServerCodec::opus, 11)));
  auto offer = reparse(recv.offer());
  offer.media[0].direction = sdp::Direction::recvonly;
  EXPECT_FALSE(make_browser_answer(offer, client_transport(), &error));
  EXPECT_NE(error.find("recvonly"), std::string::npos) << error;
  offer.media[0].direction = sdp::Direction::sendonly;
  offer.media[0].mid.clear();
  EXPECT_FALSE(make_browser_answer(offer, client_transport(), &error));
}

}  // namespace
}  // namespace haven::sfu
