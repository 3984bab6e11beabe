// SEND connection answers to the captured Chromium offers (tests/fixtures/sdp/). Payload
// types, extmap ids and SSRCs below are the ones those captures carry: the answer must
// keep the browser's numbers, so the expectations are read off the fixture files.
#include "sfu/negotiation/send_negotiator.h"

#include <gtest/gtest.h>

#include "negotiation_test_util.h"
#include "sfu/sdp/queries.h"

namespace haven::sfu::negotiation {
namespace {

using namespace testing;

SendAnswer answer_fixture(const std::string& name) {
  SendNegotiator n(local_transport());
  std::string error;
  auto a = n.answer(fixture(name), &error);
  EXPECT_TRUE(a.has_value()) << name << ": " << error;
  return a.value_or(SendAnswer{});
}

// Session-level lines every SEND answer has.
void expect_session(const sdp::SessionDescription& sd, const std::vector<std::string>& bundle) {
  EXPECT_TRUE(sd.ice_lite);
  ASSERT_EQ(sd.groups.size(), 1u);
  EXPECT_EQ(sd.groups[0].semantics, "BUNDLE");
  EXPECT_EQ(sd.groups[0].mids, bundle);
  ASSERT_TRUE(sd.msid_semantic.has_value());
  EXPECT_EQ(sd.msid_semantic->stream_ids, std::vector<std::string>{"*"});
  EXPECT_TRUE(sd.extmap_allow_mixed);  // the offers have it
}

TEST(SendNegotiator, AnswersCameraAndMicOffer) {
  SendAnswer a = answer_fixture("a-sendrecv.sdp");
  sdp::SessionDescription sd = reparse(a.answer);
  expect_session(sd, {"0", "1"});
  ASSERT_EQ(sd.media.size(), 2u);

  const sdp::MediaSection& audio = sd.media[0];
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.direction, sdp::Direction::recvonly);  // offer was sendrecv
  expect_sfu_transport(audio, sdp::Setup::passive);
  EXPECT_TRUE(audio.rtcp_rsize);
  EXPECT_EQ(audio.payload_types, std::vector<std::uint8_t>{111});
  ASSERT_EQ(audio.codecs.size(), 1u);
  EXPECT_EQ(audio.codecs[0].name, "opus");
  EXPECT_EQ(audio.codecs[0].channels, 2);
  EXPECT_EQ(audio.codecs[0].fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(feedback(audio.codecs[0]), std::vector<std::string>{"transport-cc"});
  // The browser's ids: audio-level 1, abs-send-time 2, transport-cc 3, mid 4.
  ASSERT_EQ(audio.extmaps.size(), 4u);
  EXPECT_EQ(sdp::find_extmap_id(audio, sdp::ext::kAudioLevel), 1);
  EXPECT_EQ(sdp::find_extmap_id(audio, sdp::ext::kMid), 4);
  EXPECT_TRUE(audio.ssrcs.empty());  // the SFU sends nothing on this connection
  EXPECT_TRUE(audio.msids.empty());

  const sdp::MediaSection& video = sd.media[1];
  EXPECT_EQ(video.direction, sdp::Direction::recvonly);
  expect_sfu_transport(video, sdp::Setup::passive);
  EXPECT_EQ(video.payload_types, (std::vector<std::uint8_t>{96, 97}));
  ASSERT_EQ(video.codecs.size(), 2u);
  EXPECT_EQ(video.codecs[0].name, "VP8");
  EXPECT_EQ(feedback(video.codecs[0]),
            (std::vector<std::string>{"goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"}));
  EXPECT_EQ(video.codecs[1].name, "rtx");
  EXPECT_EQ(video.codecs[1].fmtp, "apt=96");
  // Accepted extensions keep ids; toffset, playout-delay, content-type, timing, color-space
  // are not in the answer.
  EXPECT_EQ(extmap_uris(video),
            (std::vector<std::string>{
                std::string(sdp::ext::kAbsSendTime), std::string(sdp::ext::kVideoOrientation),
                std::string(sdp::ext::kTransportCc), std::string(sdp::ext::kMid),
                std::string(sdp::ext::kRid), std::string(sdp::ext::kRepairedRid)}));
  EXPECT_EQ(sdp::find_extmap_id(video, sdp::ext::kVideoOrientation), 13);
  EXPECT_EQ(sdp::find_extmap_id(video, sdp::ext::kRid), 10);
  EXPECT_FALSE(sdp::find_extmap_id(video, sdp::ext::kToffset));
  EXPECT_FALSE(sdp::find_extmap_id(video, sdp::ext::kPlayoutDelay));
  EXPECT_FALSE(video.simulcast.has_value());

  // The browser's transport, for ICE and DTLS.
  EXPECT_EQ(a.remote.ice_ufrag, "N/iX");
  EXPECT_EQ(a.remote.ice_pwd, "fOSLqo0L79K2aACeTdyl1mDc");
  EXPECT_EQ(a.remote.fingerprint.to_sdp(),
            "sha-256 A2:BB:87:F1:CC:46:D1:0C:78:8A:0B:1E:CF:3C:88:2A:07:8C:FE:E4:A6:06:4D:22:ED:"
            "75:EB:2E:1A:B3:27:E4");
  EXPECT_FALSE(a.ice_restart);
}

TEST(SendNegotiator, ProducersCarryTheFixtureSsrcsAndIds) {
  SendAnswer a = answer_fixture("a-sendrecv.sdp");
  ASSERT_EQ(a.producers.size(), 2u);
  const RtpParameters& audio = a.producers[0].rtp;
  EXPECT_EQ(audio.mid, "0");
  EXPECT_EQ(audio.kind, MediaKind::audio);
  ASSERT_EQ(audio.codecs.size(), 1u);
  EXPECT_EQ(audio.codecs[0].payload_type, 111);
  EXPECT_EQ(audio.codecs[0].name, "opus");
  EXPECT_EQ(audio.codecs[0].clock_rate, 48000u);
  EXPECT_EQ(audio.codecs[0].channels, 2);
  EXPECT_FALSE(audio.codecs[0].rtx_payload_type.has_value());
  EXPECT_EQ(audio.extensions.audio_level, 1);
  EXPECT_EQ(audio.extensions.abs_send_time, 2);
  EXPECT_EQ(audio.extensions.transport_cc, 3);
  EXPECT_EQ(audio.extensions.mid, 4);
  ASSERT_EQ(audio.encodings.size(), 1u);
  EXPECT_EQ(audio.encodings[0].ssrc, 3233864174u);
  EXPECT_EQ(audio.encodings[0].rtx_ssrc, 0u);
  EXPECT_EQ(audio.cname, "rpA861r2G0eUnjN/");
  EXPECT_EQ(audio.stream_id, "336fe86e-baa0-4516-838e-c02148ba835c");
  EXPECT_EQ(audio.track_id, "086b8e0e-db70-4335-b840-e9a38812ef14");

  const RtpParameters& video = a.producers[1].rtp;
  EXPECT_EQ(video.kind, MediaKind::video);
  EXPECT_EQ(video.codecs[0].payload_type, 96);
  EXPECT_EQ(video.codecs[0].channels, 0);
  EXPECT_EQ(video.codecs[0].rtx_payload_type, 97);
  EXPECT_EQ(video.codecs[0].rtcp_feedback.size(), 5u);
  EXPECT_EQ(video.extensions.video_orientation, 13);
  EXPECT_EQ(video.extensions.rid, 10);
  EXPECT_EQ(video.extensions.repaired_rid, 11);
  EXPECT_EQ(video.extensions.audio_level, 0);
  ASSERT_EQ(video.encodings.size(), 1u);
  EXPECT_EQ(video.encodings[0].ssrc, 1692195901u);
  EXPECT_EQ(video.encodings[0].rtx_ssrc, 1181639357u);
  EXPECT_TRUE(video.encodings[0].rid.empty());
  EXPECT_EQ(video.track_id, "1822c1af-5c2c-4a3f-a800-20c89b696e62");
}

TEST(SendNegotiator, SimulcastOfferGetsRecvRidsAndRidEncodings) {
  SendAnswer a = answer_fixture("b-simulcast-sendonly.sdp");
  sdp::SessionDescription sd = reparse(a.answer);
  expect_session(sd, {"0", "1"});
  const sdp::MediaSection& video = sd.media[1];
  EXPECT_EQ(video.direction, sdp::Direction::recvonly);
  ASSERT_TRUE(video.simulcast.has_value());
  EXPECT_TRUE(video.simulcast->send.empty());
  ASSERT_EQ(video.simulcast->recv.size(), 3u);
  EXPECT_EQ(video.simulcast->recv[0][0].rid, "q");
  EXPECT_EQ(video.simulcast->recv[2][0].rid, "f");
  ASSERT_EQ(video.rids.size(), 3u);
  for (const auto& rid : video.rids) EXPECT_EQ(rid.direction, sdp::RidDirection::recv);
  EXPECT_EQ(video.rids[1].id, "h");
  // Chrome >= 143 wants the RID extmaps next to a=simulcast (msc#353).
  EXPECT_EQ(sdp::find_extmap_id(video, sdp::ext::kRid), 10);
  EXPECT_EQ(sdp::find_extmap_id(video, sdp::ext::kRepairedRid), 11);
  // dependency-descriptor (12) and video-layers-allocation (9) are not taken.
  EXPECT_FALSE(sdp::find_extmap_id(video, sdp::ext::kDependencyDescriptor));
  EXPECT_EQ(video.extmaps.size(), 6u);

  ASSERT_EQ(a.producers.size(), 2u);
  const RtpParameters& v = a.producers[1].rtp;
  ASSERT_EQ(v.encodings.size(), 3u);
  EXPECT_EQ(v.encodings[0].rid, "q");
  EXPECT_EQ(v.encodings[1].rid, "h");
  EXPECT_EQ(v.encodings[2].rid, "f");
  for (const auto& e : v.encodings) EXPECT_EQ(e.ssrc, 0u);  // learnt from the rid extension
  EXPECT_EQ(v.codecs[0].name, "VP8");
  EXPECT_EQ(v.codecs[0].rtx_payload_type, 97);
  // No a=ssrc in the simulcast section: the cname comes from the audio section.
  EXPECT_EQ(v.cname, "6D9VOmRFjuJPlf/a");
  EXPECT_EQ(v.stream_id, "6932ce85-1002-4f82-aaa2-f8d31f911bb8");
  EXPECT_EQ(a.producers[0].rtp.encodings[0].ssrc, 3373647712u);
}

TEST(SendNegotiator, RecvonlyOfferIsAnsweredInactiveWithoutProducers) {
  SendAnswer a = answer_fixture("c-recvonly.sdp");
  sdp::SessionDescription sd = reparse(a.answer);
  expect_session(sd, {"0", "1"});
  for (const auto& m : sd.media) {
    EXPECT_EQ(m.direction, sdp::Direction::inactive) << m.mid;
    EXPECT_NE(m.port, 0);
  }
  EXPECT_TRUE(a.producers.empty());
}

TEST(SendNegotiator, DataChannelSectionIsRejectedWithPortZero) {
  SendAnswer a = answer_fixture("e-candidates.sdp");
  sdp::SessionDescription sd = reparse(a.answer);
  expect_session(sd, {"0", "1"});  // mid 2 (SCTP) left out of BUNDLE
  ASSERT_EQ(sd.media.size(), 3u);
  const sdp::MediaSection& data = sd.media[2];
  EXPECT_EQ(data.kind, sdp::MediaKind::application);
  EXPECT_EQ(data.mid, "2");
  EXPECT_EQ(data.port, 0);
  EXPECT_EQ(data.formats, std::vector<std::string>{"webrtc-datachannel"});
  EXPECT_TRUE(data.candidates.empty());
  EXPECT_EQ(a.producers.size(), 2u);
}

TEST(SendNegotiator, ReofferWithScreenShareKeepsVersionAndAddsProducer) {
  SendNegotiator n(local_transport(), "4242");
  std::string error;
  auto first = n.answer(fixture("d-initial.sdp"), &error);
  ASSERT_TRUE(first) << error;
  auto second = n.answer(fixture("d-reoffer-screenshare.sdp"), &error);
  ASSERT_TRUE(second) << error;
  EXPECT_EQ(first->answer.origin.session_id, "4242");
  EXPECT_EQ(second->answer.origin.session_id, "4242");
  EXPECT_EQ(second->answer.origin.session_version, first->answer.origin.session_version + 1);

  sdp::SessionDescription sd = reparse(second->answer);
  expect_session(sd, {"0", "1", "2"});
  for (const auto& m : sd.media) {
    EXPECT_EQ(m.direction, sdp::Direction::recvonly);
    expect_sfu_transport(m, sdp::Setup::passive);  // the same role on the re-answer
  }
  ASSERT_EQ(second->producers.size(), 3u);
  const RtpParameters& screen = second->producers[2].rtp;
  EXPECT_EQ(screen.mid, "2");
  EXPECT_EQ(screen.encodings[0].ssrc, 2515053149u);
  EXPECT_EQ(screen.encodings[0].rtx_ssrc, 1747693228u);
  EXPECT_EQ(screen.stream_id, "40510cb2-4ebe-4c89-afc7-55433ffcca99");
  EXPECT_EQ(screen.cname, "R51yGdlxmeFaXqGt");
  // The camera is unchanged.
  EXPECT_EQ(describe(second->producers[1].rtp), describe(first->producers[1].rtp));
  EXPECT_FALSE(second->ice_restart);
}

TEST(SendNegotiator, InactiveReofferRemovesTheProducer) {
  SendNegotiator n(local_transport());
  ASSERT_TRUE(n.answer(fixture("d-reoffer-screenshare.sdp")));
  sdp::SessionDescription offer = fixture("d-reoffer-screenshare.sdp");
  offer.media[2].direction = sdp::Direction::inactive;  // removeTrack on the screen share
  offer.origin.session_version++;
  auto a = n.answer(offer);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->answer.media[2].direction, sdp::Direction::inactive);
  EXPECT_EQ(a->producers.size(), 2u);
}

}  // namespace
}  // namespace haven::sfu::negotiation
