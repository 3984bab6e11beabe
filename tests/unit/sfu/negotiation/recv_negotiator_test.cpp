// RECV connection: the SFU's offers for 0, 1 and 3 consumers, removals and recycling, and
// apply_answer on real Chromium answers (fixtures/) and on edited ones.
#include "sfu/negotiation/recv_negotiator.h"

#include <gtest/gtest.h>

#include "negotiation_test_util.h"
#include "sfu/sdp/queries.h"

namespace haven::sfu::negotiation {
namespace {

using namespace testing;

ConsumerSlot alice_mic() {
  return {"alice-stream", "alice-mic", MediaKind::audio, "alicecname", ServerCodec::opus, 1111, 0};
}
ConsumerSlot alice_cam() {
  return {"alice-stream", "alice-cam", MediaKind::video, "alicecname", ServerCodec::vp8,
          2222,           3333};
}
ConsumerSlot bob_cam() {
  return {"bob-stream", "bob-cam", MediaKind::video, "bobcname", ServerCodec::h264, 4444, 5555};
}

// The three consumers the captured answers were made for, in that order.
RecvNegotiator three_consumers() {
  RecvNegotiator r(local_transport(), "777");
  EXPECT_EQ(r.add_consumer(alice_mic()), "0");
  EXPECT_EQ(r.add_consumer(alice_cam()), "1");
  EXPECT_EQ(r.add_consumer(bob_cam()), "2");
  return r;
}

sdp::SessionDescription captured(const std::string& name) {
  std::string error;
  auto sd = sdp::parse_sdp(read_file("tests/unit/sfu/negotiation/fixtures/" + name), &error);
  EXPECT_TRUE(sd) << name << ": " << error;
  return sd.value_or(sdp::SessionDescription{});
}

// Chromium's DTLS fingerprint in the captured answers.
TEST(RecvNegotiator, OfferWithoutConsumersHasNoSections) {
  RecvNegotiator r(local_transport());
  sdp::SessionDescription offer = reparse(r.offer());
  EXPECT_TRUE(offer.media.empty());
  EXPECT_TRUE(offer.groups.empty());
  EXPECT_TRUE(offer.ice_lite);
  // Chromium answers it with a description without sections (checked in the browser test).
  sdp::SessionDescription answer;
  std::string error;
  auto res = r.apply_answer(answer, &error);
  ASSERT_TRUE(res) << error;
  EXPECT_TRUE(res->accepted.empty());
  EXPECT_FALSE(res->remote.has_value());
  EXPECT_FALSE(r.dtls_role_established());
}

TEST(RecvNegotiator, OneAudioConsumer) {
  RecvNegotiator r(local_transport());
  ASSERT_EQ(r.add_consumer(alice_mic()), "0");
  sdp::SessionDescription offer = reparse(r.offer());
  EXPECT_TRUE(offer.ice_lite);
  ASSERT_EQ(offer.groups.size(), 1u);
  EXPECT_EQ(offer.groups[0].mids, std::vector<std::string>{"0"});
  ASSERT_EQ(offer.media.size(), 1u);
  const sdp::MediaSection& m = offer.media[0];
  expect_sfu_transport(m, sdp::Setup::actpass);
  EXPECT_EQ(m.kind, sdp::MediaKind::audio);
  EXPECT_EQ(m.direction, sdp::Direction::sendonly);
  EXPECT_TRUE(m.rtcp_rsize);
  EXPECT_EQ(m.payload_types, std::vector<std::uint8_t>{111});
  EXPECT_EQ(m.codecs[0].name, "opus");
  EXPECT_EQ(m.codecs[0].fmtp, "minptime=10;useinbandfec=1");
  EXPECT_EQ(feedback(m.codecs[0]), std::vector<std::string>{"transport-cc"});
  ASSERT_EQ(m.msids.size(), 1u);
  EXPECT_EQ(m.msids[0].stream_id, "alice-stream");
  EXPECT_EQ(m.msids[0].track_id, "alice-mic");
  ASSERT_EQ(m.ssrcs.size(), 1u);
  EXPECT_EQ(m.ssrcs[0].ssrc, 1111u);
  EXPECT_EQ(sdp::ssrc_attribute(m, 1111, "cname"), "alicecname");
  EXPECT_EQ(sdp::ssrc_attribute(m, 1111, "msid"), "alice-stream alice-mic");
  EXPECT_TRUE(m.ssrc_groups.empty());
  EXPECT_EQ(sdp::find_extmap_id(m, sdp::ext::kMid), 1);
  EXPECT_EQ(sdp::find_extmap_id(m, sdp::ext::kAbsSendTime), 2);
  EXPECT_EQ(sdp::find_extmap_id(m, sdp::ext::kTransportCc), 3);
  EXPECT_EQ(sdp::find_extmap_id(m, sdp::ext::kAudioLevel), 4);
  EXPECT_FALSE(sdp::find_extmap_id(m, sdp::ext::kVideoOrientation));
  EXPECT_FALSE(sdp::find_extmap_id(m, sdp::ext::kRid));
}

TEST(RecvNegotiator, ThreeConsumersShareFixedPayloadTypesAndIds) {
  RecvNegotiator r = three_consumers();
  sdp::SessionDescription offer = reparse(r.offer());
  EXPECT_EQ(offer.origin.session_id, "777");
  EXPECT_EQ(offer.groups[0].mids, (std::vector<std::string>{"0", "1", "2"}));
  ASSERT_EQ(offer.media.size(), 3u);
  const sdp::MediaSection& vp8 = offer.media[1];
  EXPECT_EQ(vp8.payload_types, (std::vector<std::uint8_t>{96, 97}));
  EXPECT_EQ(feedback(vp8.codecs[0]),
            (std::vector<std::string>{"nack", "nack pli", "ccm fir", "transport-cc", "goog-remb"}));
  EXPECT_EQ(vp8.codecs[1].fmtp, "apt=96");
  ASSERT_EQ(vp8.ssrc_groups.size(), 1u);
  EXPECT_EQ(vp8.ssrc_groups[0].semantics, "FID");
  EXPECT_EQ(vp8.ssrc_groups[0].ssrcs, (std::vector<std::uint32_t>{2222, 3333}));
  EXPECT_EQ(sdp::ssrc_attribute(vp8, 3333, "cname"), "alicecname");
  EXPECT_EQ(sdp::ssrc_attribute(vp8, 3333, "msid"), "alice-stream alice-cam");
  const sdp::MediaSection& h264 = offer.media[2];
  EXPECT_EQ(h264.payload_types, (std::vector<std::uint8_t>{102, 103}));
  EXPECT_EQ(h264.codecs[0].fmtp,
            "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f");
  EXPECT_EQ(h264.msids[0].stream_id, "bob-stream");
  // One URI => one id in every section (BUNDLE, msc#373).
  for (const auto& m : offer.media) {
    EXPECT_EQ(sdp::find_extmap_id(m, sdp::ext::kMid), 1) << m.mid;
    EXPECT_EQ(sdp::find_extmap_id(m, sdp::ext::kTransportCc), 3) << m.mid;
    expect_sfu_transport(m, sdp::Setup::actpass);
  }
  EXPECT_EQ(sdp::find_extmap_id(vp8, sdp::ext::kVideoOrientation), 5);
}

TEST(RecvNegotiator, AppliesTheCapturedChromiumAnswer) {
  RecvNegotiator r = three_consumers();
  r.offer();
  std::string error;
  auto res = r.apply_answer(captured("recv-answer-3-consumers.sdp"), &error);
  ASSERT_TRUE(res) << error;
  ASSERT_TRUE(res->remote);
  EXPECT_EQ(res->remote->ice_ufrag, "wfcR");
  EXPECT_EQ(res->remote->ice_pwd, "n8uHeyziJ4T+jKt9KejFBNeu");
  EXPECT_EQ(res->remote->fingerprint.digest.size(), 32u);
  EXPECT_TRUE(res->declined_mids.empty());
  ASSERT_EQ(res->accepted.size(), 3u);

  const RtpParameters& mic = res->accepted[0];
  EXPECT_EQ(mic.mid, "0");
  EXPECT_EQ(mic.kind, MediaKind::audio);
  EXPECT_EQ(mic.codecs[0].payload_type, 111);
  EXPECT_EQ(mic.codecs[0].channels, 2);
  EXPECT_EQ(mic.codecs[0].rtcp_feedback, std::vector<std::string>{"transport-cc"});
  EXPECT_EQ(mic.extensions.mid, 1);
  EXPECT_EQ(mic.extensions.audio_level, 4);
  EXPECT_EQ(mic.extensions.video_orientation, 0);
  EXPECT_EQ(encodings_of(mic), (std::vector<EncodingTuple>{{1111, 0, ""}}));
  EXPECT_EQ(mic.cname, "alicecname");

  const RtpParameters& cam = res->accepted[1];
  EXPECT_EQ(cam.codecs[0].name, "VP8");
  EXPECT_EQ(cam.codecs[0].rtx_payload_type, 97);
  // Chrome answers with its own order; the result lists the SFU's order.
  EXPECT_EQ(cam.codecs[0].rtcp_feedback,
            (std::vector<std::string>{"nack", "nack pli", "ccm fir", "transport-cc", "goog-remb"}));
  EXPECT_EQ(cam.extensions.video_orientation, 5);
  EXPECT_EQ(encodings_of(cam), (std::vector<EncodingTuple>{{2222, 3333, ""}}));
  EXPECT_EQ(cam.stream_id, "alice-stream");
  EXPECT_EQ(cam.track_id, "alice-cam");

  EXPECT_EQ(res->accepted[2].codecs[0].name, "H264");
  EXPECT_EQ(res->accepted[2].codecs[0].rtx_payload_type, 103);
  EXPECT_TRUE(r.dtls_role_established());
  EXPECT_FALSE(r.has_pending_offer());
}

TEST(RecvNegotiator, RemovalClosesWithPortZeroAndReoffersPassive) {
  RecvNegotiator r = three_consumers();
  sdp::SessionDescription first = r.offer();
  ASSERT_TRUE(r.apply_answer(captured("recv-answer-3-consumers.sdp")));
  ASSERT_TRUE(r.remove_consumer("1"));
  EXPECT_FALSE(r.remove_consumer("1"));
  EXPECT_EQ(r.consumer_count(), 2u);
  sdp::SessionDescription offer = reparse(r.offer());
  EXPECT_EQ(offer.origin.session_version, first.origin.session_version + 1);
  EXPECT_EQ(offer.groups[0].mids, (std::vector<std::string>{"0", "2"}));
  const sdp::MediaSection& closed = offer.media[1];
  EXPECT_EQ(closed.mid, "1");
  EXPECT_EQ(closed.port, 0);
  EXPECT_EQ(closed.direction, sdp::Direction::inactive);
  EXPECT_TRUE(closed.ssrcs.empty());
  EXPECT_TRUE(closed.msids.empty());
  EXPECT_TRUE(closed.candidates.empty());
  // The established role, not actpass again (pion#3552).
  expect_sfu_transport(offer.media[0], sdp::Setup::passive);
  expect_sfu_transport(offer.media[2], sdp::Setup::passive);

  std::string error;
  auto res = r.apply_answer(captured("recv-answer-after-removal.sdp"), &error);
  ASSERT_TRUE(res) << error;
  ASSERT_EQ(res->accepted.size(), 2u);
  EXPECT_EQ(res->accepted[0].mid, "0");
  EXPECT_EQ(res->accepted[1].mid, "2");
}

TEST(RecvNegotiator, RecyclesAClosedLineOnlyAfterTheBrowserSawItClosed) {
  RecvNegotiator r = three_consumers();
  r.offer();
  ASSERT_TRUE(r.apply_answer(captured("recv-answer-3-consumers.sdp")));
  ASSERT_TRUE(r.remove_consumer("1"));
  // Not yet offered closed: a new video consumer is appended, never put on m-line 1
  // (Chrome: "The order of m-lines in subsequent offer doesn't match").
  ConsumerSlot carol{"carol-stream", "carol-cam", MediaKind::video, "carol", ServerCodec::vp8,
                     6666,           7777};
  EXPECT_EQ(r.add_consumer(carol), "3");
  EXPECT_EQ(r.section_count(), 4u);
  r.offer();
  // Offered closed but unanswered: still not recyclable.
  ConsumerSlot dave{"dave-stream", "dave-cam", MediaKind::video, "dave", ServerCodec::vp8, 8, 9};
  EXPECT_EQ(r.add_consumer(dave), "4");
  EXPECT_EQ(r.section_count(), 5u);
  sdp::SessionDescription offer = r.offer();
  ASSERT_TRUE(r.apply_answer(browser_answer(offer)));
  // Now line 1 is free: audio does not take it, the next video consumer does, with a new mid.
  ConsumerSlot erin{"erin-stream", "erin-mic", MediaKind::audio, "erin", ServerCodec::opus, 10, 0};
  EXPECT_EQ(r.add_consumer(erin), "5");
  EXPECT_EQ(r.section_count(), 6u);
  ConsumerSlot frank{
      "frank-stream", "frank-cam", MediaKind::video, "frank", ServerCodec::vp8, 11, 12};
  EXPECT_EQ(r.add_consumer(frank), "6");
  EXPECT_EQ(r.section_count(), 6u);
  offer = reparse(r.offer());
  EXPECT_EQ(offer.media[1].mid, "6");
  EXPECT_EQ(offer.media[1].port, 40000);
  EXPECT_EQ(offer.media[1].direction, sdp::Direction::sendonly);
  EXPECT_EQ(offer.media[1].msids[0].stream_id, "frank-stream");
  EXPECT_EQ(offer.groups[0].mids, (std::vector<std::string>{"0", "6", "2", "3", "4", "5"}));
  auto res = r.apply_answer(browser_answer(offer));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->accepted.size(), 6u);
}

TEST(RecvNegotiator, FirstSectionStaysInactiveAndIsNeverRecycled) {
  RecvNegotiator r(local_transport());
  ASSERT_EQ(r.add_consumer(alice_mic()), "0");
  ASSERT_TRUE(r.apply_answer(browser_answer(r.offer())));
  ASSERT_TRUE(r.remove_consumer("0"));
  sdp::SessionDescription offer = reparse(r.offer());
  ASSERT_EQ(offer.media.size(), 1u);
  EXPECT_EQ(offer.media[0].port, 40000);  // the BUNDLE tag is never port 0
  EXPECT_EQ(offer.media[0].direction, sdp::Direction::inactive);
  EXPECT_TRUE(offer.media[0].ssrcs.empty());
  EXPECT_EQ(offer.groups[0].mids, std::vector<std::string>{"0"});
  auto res = r.apply_answer(browser_answer(offer));
  ASSERT_TRUE(res);
  EXPECT_TRUE(res->accepted.empty());
  ConsumerSlot again = alice_mic();
  again.ssrc = 1112;
  EXPECT_EQ(r.add_consumer(again), "1");  // appended: mid 0 is never reused
  EXPECT_EQ(r.section_count(), 2u);
}

TEST(RecvNegotiator, RejectsBadAnswersWithAClearError) {
  struct Case {
    const char* name;
    void (*edit)(sdp::SessionDescription&);
    const char* expect;
  };
  const Case cases[] = {
      {"missing section", [](sdp::SessionDescription& a) { a.media.pop_back(); }, "m-sections"},
      {"missing mid", [](sdp::SessionDescription& a) { a.media[1].mid.clear(); }, "has mid ''"},
      {"other mid", [](sdp::SessionDescription& a) { a.media[1].mid = "9"; }, "has mid '9'"},
      {"setup passive",
       [](sdp::SessionDescription& a) {
         for (auto& m : a.media) m.setup = sdp::Setup::passive;
       },
       "a=setup:passive"},
      {"setup missing",
       [](sdp::SessionDescription& a) {
         for (auto& m : a.media) m.setup.reset();
       },
       "<missing>"},
      {"no fingerprint",
       [](sdp::SessionDescription& a) {
         for (auto& m : a.media) m.fingerprints.clear();
       },
       "no a=fingerprint"},
      {"no ice-ufrag",
       [](sdp::SessionDescription& a) {
         for (auto& m : a.media) m.ice_ufrag.clear();
       },
       "a=ice-ufrag"},
      {"no rtcp-mux", [](sdp::SessionDescription& a) { a.media[2].rtcp_mux = false; }, "rtcp-mux"},
      {"no bundle", [](sdp::SessionDescription& a) { a.groups.clear(); }, "BUNDLE"},
      {"sendrecv",
       [](sdp::SessionDescription& a) { a.media[0].direction = sdp::Direction::sendrecv; },
       "direction sendrecv"},
      {"pt dropped",
       [](sdp::SessionDescription& a) {
         a.media[1].codecs.erase(a.media[1].codecs.begin());
         a.media[1].payload_types.erase(a.media[1].payload_types.begin());
       },
       "payload type 96"},
      {"renumbered",
       [](sdp::SessionDescription& a) {
         for (auto& e : a.media[2].extmaps)
           if (e.uri == sdp::ext::kTransportCc) e.id = 9;
       },
       "renumbers"},
  };
  for (const auto& c : cases) {
    RecvNegotiator r = three_consumers();
    r.offer();
    sdp::SessionDescription answer = captured("recv-answer-3-consumers.sdp");
    c.edit(answer);
    std::string error;
    EXPECT_FALSE(r.apply_answer(answer, &error)) << c.name;
    EXPECT_NE(error.find(c.expect), std::string::npos) << c.name << ": " << error;
    // Nothing was committed: the real answer still applies.
    EXPECT_TRUE(r.apply_answer(captured("recv-answer-3-consumers.sdp"))) << c.name;
  }
}

TEST(RecvNegotiator, AnswerRulesAcrossRounds) {
  RecvNegotiator r = three_consumers();
  std::string error;
  EXPECT_FALSE(r.apply_answer(captured("recv-answer-3-consumers.sdp"), &error));
  EXPECT_NE(error.find("no offer"), std::string::npos);

  sdp::SessionDescription offer = r.offer();
  sdp::SessionDescription declined = browser_answer(offer);
  declined.media[2].direction = sdp::Direction::inactive;
  auto res = r.apply_answer(declined, &error);
  ASSERT_TRUE(res) << error;
  EXPECT_EQ(res->accepted.size(), 2u);
  EXPECT_EQ(res->declined_mids, std::vector<std::string>{"2"});
  EXPECT_FALSE(r.apply_answer(declined, &error));  // answered already

  offer = r.offer();
  sdp::SessionDescription refingered = browser_answer(offer);
  for (auto& m : refingered.media) m.fingerprints[0].value[0] = 'F';
  EXPECT_FALSE(r.apply_answer(refingered, &error));
  EXPECT_NE(error.find("fingerprint"), std::string::npos) << error;
}

TEST(RecvNegotiator, ValidatesConsumers) {
  RecvNegotiator r(local_transport());
  std::string error;
  ConsumerSlot c = alice_cam();
  c.kind = MediaKind::audio;
  EXPECT_FALSE(r.add_consumer(c, &error));
  EXPECT_NE(error.find("kind"), std::string::npos);
  c = alice_cam();
  c.rtx_ssrc = 0;
  EXPECT_FALSE(r.add_consumer(c, &error));
  c = alice_cam();
  c.rtx_ssrc = c.ssrc;
  EXPECT_FALSE(r.add_consumer(c, &error));
  c = alice_mic();
  c.rtx_ssrc = 5;
  EXPECT_FALSE(r.add_consumer(c, &error));
  c = alice_mic();
  c.stream_id = "has space";
  EXPECT_FALSE(r.add_consumer(c, &error));
  EXPECT_NE(error.find("msid"), std::string::npos);
  c = alice_mic();
  c.cname = "";
  EXPECT_FALSE(r.add_consumer(c, &error));
  ASSERT_TRUE(r.add_consumer(alice_cam()));
  c = bob_cam();
  c.rtx_ssrc = 2222;  // alice-cam's media SSRC
  EXPECT_FALSE(r.add_consumer(c, &error));
  EXPECT_NE(error.find("already used by mid 0"), std::string::npos) << error;
  EXPECT_EQ(r.consumer_count(), 1u);
  EXPECT_EQ(*r.consumer("0"), alice_cam());
}

}  // namespace
}  // namespace haven::sfu::negotiation
