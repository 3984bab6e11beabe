// SEND answers to edited Chromium offers: codec fallback, what is refused and why, and
// the re-offer rules (mids, fingerprint, ICE restart).
#include <gtest/gtest.h>

#include "negotiation_test_util.h"
#include "sfu/negotiation/send_negotiator.h"
#include "sfu/sdp/queries.h"

namespace haven::sfu::negotiation {
namespace {

using namespace testing;

// Drops payload types from a section (m= line and codec list).
void drop_pts(sdp::MediaSection& m, std::initializer_list<std::uint8_t> pts) {
  for (std::uint8_t pt : pts) {
    std::erase(m.payload_types, pt);
    std::erase_if(m.codecs, [&](const sdp::Codec& c) { return c.pt == pt; });
  }
}

// Keeps only the payload types given.
void keep_pts(sdp::MediaSection& m, std::initializer_list<std::uint8_t> pts) {
  auto keep = [&](std::uint8_t pt) { return std::find(pts.begin(), pts.end(), pt) != pts.end(); };
  std::erase_if(m.payload_types, [&](std::uint8_t pt) { return !keep(pt); });
  std::erase_if(m.codecs, [&](const sdp::Codec& c) { return !keep(c.pt); });
}

std::string answer_error(sdp::SessionDescription offer) {
  SendNegotiator n(local_transport());
  std::string error;
  EXPECT_FALSE(n.answer(offer, &error).has_value());
  return error;
}

TEST(SendPolicy, H264ConstrainedBaselineWhenVp8IsAbsent) {
  sdp::SessionDescription offer = fixture("a-sendrecv.sdp");
  drop_pts(offer.media[1], {96, 97});
  SendNegotiator n(local_transport());
  auto a = n.answer(offer);
  ASSERT_TRUE(a);
  const sdp::MediaSection& video = a->answer.media[1];
  // 102 is 42001f (baseline, not constrained) and 104/114 are packetization-mode=0:
  // the first constrained-baseline mode-1 line is 108 (42e01f) with RTX 109.
  EXPECT_EQ(video.payload_types, (std::vector<std::uint8_t>{108, 109}));
  EXPECT_EQ(video.codecs[0].fmtp,
            "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
  EXPECT_EQ(video.codecs[1].fmtp, "apt=108");
  EXPECT_EQ(a->producers[1].rtp.codecs[0].name, "H264");
  EXPECT_EQ(a->producers[1].rtp.codecs[0].rtx_payload_type, 109);
  EXPECT_EQ(a->producers[1].rtp.codecs[0].fmtp, video.codecs[0].fmtp);
}

TEST(SendPolicy, UnknownCodecSectionIsRejectedButTheTagStaysInactive) {
  sdp::SessionDescription offer = fixture("a-sendrecv.sdp");
  keep_pts(offer.media[1], {98, 99});  // VP9 only
  SendNegotiator n(local_transport());
  auto a = n.answer(offer);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->answer.media[1].port, 0);
  EXPECT_EQ(a->answer.groups[0].mids, std::vector<std::string>{"0"});
  EXPECT_EQ(a->producers.size(), 1u);

  // The same for the first (BUNDLE-tag) section: never port 0 there (RFC 8843 §7.3).
  offer = fixture("a-sendrecv.sdp");
  keep_pts(offer.media[0], {9, 0});  // G722, PCMU
  SendNegotiator n2(local_transport());
  a = n2.answer(offer);
  ASSERT_TRUE(a);
  const sdp::MediaSection& tag = a->answer.media[0];
  EXPECT_NE(tag.port, 0);
  EXPECT_EQ(tag.direction, sdp::Direction::inactive);
  EXPECT_EQ(tag.payload_types, std::vector<std::uint8_t>{9});
  EXPECT_TRUE(tag.extmaps.empty());
  EXPECT_EQ(a->answer.groups[0].mids, (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(a->producers.size(), 1u);
  EXPECT_EQ(a->producers[0].rtp.mid, "1");
  reparse(a->answer);
}

TEST(SendPolicy, OpusFmtpKeepsOnlyMinptimeAndInbandFec) {
  sdp::SessionDescription offer = fixture("a-sendrecv.sdp");
  sdp::Codec& opus = offer.media[0].codecs[0];
  opus.fmtp = "minptime=10;stereo=1;useinbandfec=1;usedtx=1";
  opus.fmtp_params = {{"minptime", "10"}, {"stereo", "1"}, {"useinbandfec", "1"}, {"usedtx", "1"}};
  auto a = SendNegotiator(local_transport()).answer(offer);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->answer.media[0].codecs[0].fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(a->producers[0].rtp.codecs[0].fmtp, "minptime=10;useinbandfec=1");
}

TEST(SendPolicy, FeedbackIsEchoedOnlyWhenOfferedIncludingWildcard) {
  sdp::SessionDescription offer = fixture("a-sendrecv.sdp");
  sdp::MediaSection& video = offer.media[1];
  video.codecs[0].rtcp_fb = {{"nack", ""}, {"ccm", "tmmbr"}};  // tmmbr: not understood
  video.rtcp_fb_all = {{"transport-cc", ""}};
  auto a = SendNegotiator(local_transport()).answer(offer);
  ASSERT_TRUE(a);
  EXPECT_EQ(feedback(a->answer.media[1].codecs[0]),
            (std::vector<std::string>{"nack", "transport-cc"}));
  EXPECT_TRUE(a->answer.media[1].rtcp_fb_all.empty());
  EXPECT_EQ(a->producers[1].rtp.codecs[0].rtcp_feedback,
            (std::vector<std::string>{"nack", "transport-cc"}));
}

TEST(SendPolicy, DirectionalExtmapIsReversed) {
  sdp::SessionDescription offer = fixture("a-sendrecv.sdp");
  offer.media[0].extmaps[0].direction = sdp::Direction::sendonly;  // audio level
  auto a = SendNegotiator(local_transport()).answer(offer);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->answer.media[0].extmaps[0].direction, sdp::Direction::recvonly);
}

TEST(SendPolicy, SimulcastWithoutRidExtmapFallsBackToOneStream) {
  sdp::SessionDescription offer = fixture("b-simulcast-sendonly.sdp");
  std::erase_if(offer.media[1].extmaps,
                [](const sdp::Extmap& e) { return e.uri == sdp::ext::kRid; });
  auto a = SendNegotiator(local_transport()).answer(offer);
  ASSERT_TRUE(a);
  EXPECT_FALSE(a->answer.media[1].simulcast.has_value());
  EXPECT_TRUE(a->answer.media[1].rids.empty());
  ASSERT_EQ(a->producers[1].rtp.encodings.size(), 1u);
  EXPECT_EQ(encodings_of(a->producers[1].rtp), (std::vector<EncodingTuple>{{0, 0, ""}}));
}

TEST(SendPolicy, RefusesOffersItCannotAnswer) {
  sdp::SessionDescription offer = fixture("a-sendrecv.sdp");
  offer.groups.clear();
  EXPECT_NE(answer_error(offer).find("BUNDLE"), std::string::npos);

  offer = fixture("a-sendrecv.sdp");
  offer.media[1].mid.clear();
  EXPECT_NE(answer_error(offer).find("has no a=mid"), std::string::npos);

  offer = fixture("a-sendrecv.sdp");
  for (auto& m : offer.media) m.setup = sdp::Setup::passive;
  EXPECT_NE(answer_error(offer).find("a=setup:passive"), std::string::npos);

  offer = fixture("a-sendrecv.sdp");
  for (auto& m : offer.media) m.fingerprints.clear();
  EXPECT_NE(answer_error(offer).find("no a=fingerprint"), std::string::npos);

  offer = fixture("a-sendrecv.sdp");
  for (auto& m : offer.media) m.fingerprints[0].algorithm = "sha-1";
  EXPECT_NE(answer_error(offer).find("sha-256"), std::string::npos);

  offer = fixture("a-sendrecv.sdp");
  for (auto& m : offer.media) m.ice_pwd = "short";
  EXPECT_NE(answer_error(offer).find("ice-pwd"), std::string::npos);

  offer = fixture("a-sendrecv.sdp");
  offer.media[0].rtcp_mux = false;
  EXPECT_NE(answer_error(offer).find("rtcp-mux"), std::string::npos);

  offer = fixture("e-candidates.sdp");
  offer.groups[0].mids = {"2", "0", "1"};  // SCTP as BUNDLE tag
  EXPECT_NE(answer_error(offer).find("not audio/video"), std::string::npos);

  offer = fixture("a-sendrecv.sdp");
  offer.media.clear();
  EXPECT_NE(answer_error(offer).find("no m-section"), std::string::npos);

  SendNegotiator bad(TransportInfo{"SfuUfrag1", "tooshort", kFingerprint, "203.0.113.7", 1});
  std::string error;
  EXPECT_FALSE(bad.answer(fixture("a-sendrecv.sdp"), &error));
  EXPECT_NE(error.find("ice-pwd"), std::string::npos);
}

TEST(SendPolicy, ReofferRules) {
  SendNegotiator n(local_transport());
  ASSERT_TRUE(n.answer(fixture("d-reoffer-screenshare.sdp")));
  std::string error;

  sdp::SessionDescription fewer = fixture("d-initial.sdp");  // drops mid 2
  EXPECT_FALSE(n.answer(fewer, &error));
  EXPECT_NE(error.find("fewer"), std::string::npos) << error;

  sdp::SessionDescription renamed = fixture("d-reoffer-screenshare.sdp");
  renamed.media[2].mid = "7";
  renamed.groups[0].mids[2] = "7";
  EXPECT_FALSE(n.answer(renamed, &error));
  EXPECT_NE(error.find("changes the mid"), std::string::npos) << error;

  sdp::SessionDescription refingered = fixture("d-reoffer-screenshare.sdp");
  for (auto& m : refingered.media) m.fingerprints[0].value[0] = '0';
  EXPECT_FALSE(n.answer(refingered, &error));
  EXPECT_NE(error.find("fingerprint"), std::string::npos) << error;

  // Failed re-offers changed nothing; an ICE restart is reported.
  sdp::SessionDescription restart = fixture("d-reoffer-screenshare.sdp");
  for (auto& m : restart.media) m.ice_ufrag = "NEWU";
  auto a = n.answer(restart, &error);
  ASSERT_TRUE(a) << error;
  EXPECT_TRUE(a->ice_restart);
  EXPECT_EQ(a->remote.ice_ufrag, "NEWU");
  EXPECT_EQ(n.remote_transport()->ice_ufrag, "NEWU");
}

TEST(SendPolicy, RejectedSectionMayBeRecycledWithANewMid) {
  SendNegotiator n(local_transport());
  sdp::SessionDescription offer = fixture("d-reoffer-screenshare.sdp");
  offer.media[2].port = 0;  // transceiver.stop(): Chrome re-offers port 0, out of BUNDLE
  offer.groups[0].mids = {"0", "1"};
  auto a = n.answer(offer);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->answer.media[2].port, 0);
  EXPECT_EQ(a->producers.size(), 2u);

  offer = fixture("d-reoffer-screenshare.sdp");
  offer.media[2].mid = "3";  // the m-line recycled for a new track (RFC 8829 §5.2.2)
  offer.groups[0].mids[2] = "3";
  std::string error;
  a = n.answer(offer, &error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->producers.back().rtp.mid, "3");
}

TEST(SendPolicy, Ipv6CandidateUsesIp6Connection) {
  TransportInfo t = local_transport();
  t.candidate_ip = "2001:db8::7";
  auto a = SendNegotiator(t).answer(fixture("a-sendrecv.sdp"));
  ASSERT_TRUE(a);
  sdp::SessionDescription sd = reparse(a->answer);
  EXPECT_EQ(sd.media[0].connection->addr_type, "IP6");
  EXPECT_EQ(sd.media[0].candidates[0].address, "2001:db8::7");
}

}  // namespace
}  // namespace haven::sfu::negotiation
