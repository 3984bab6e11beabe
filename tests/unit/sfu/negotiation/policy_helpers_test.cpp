// The small tables and helpers both negotiators build on.
#include <gtest/gtest.h>

#include "negotiation_test_util.h"
#include "sfu/negotiation/codec_policy.h"
#include "sfu/negotiation/header_extensions.h"
#include "sfu/sdp/attributes.h"
#include "sfu/sdp/candidate.h"
#include "sfu/sdp/text.h"

namespace haven::sfu::negotiation {
namespace {

using namespace testing;

sdp::Codec h264(std::uint8_t pt, std::string fmtp) {
  sdp::Codec c;
  c.pt = pt;
  c.name = "H264";
  c.clock_rate = 90000;
  c.fmtp = fmtp;
  c.fmtp_params = sdp::text::split_params(fmtp);
  return c;
}

TEST(TransportInfo, ValidatesWhatGoesIntoSdp) {
  EXPECT_EQ(validate(local_transport()), "");
  TransportInfo t = local_transport();
  t.ice_ufrag = "abc";
  EXPECT_NE(validate(t).find("ice-ufrag"), std::string::npos);
  t = local_transport();
  t.fingerprint_sha256 = "AB:CD";
  EXPECT_NE(validate(t).find("fingerprint"), std::string::npos);
  t = local_transport();
  t.candidate_ip = "sfu.example";
  EXPECT_NE(validate(t).find("IP literal"), std::string::npos);
  t = local_transport();
  t.candidate_port = 0;
  EXPECT_NE(validate(t).find("port"), std::string::npos);
}

TEST(TransportInfo, HostCandidateFollowsRfc8445Priority) {
  // 2^24 * 126 + 2^8 * 65535 + (256 - 1) (RFC 8445 §5.1.2.1).
  EXPECT_EQ(kHostCandidatePriority, 2130706431u);
  std::string text = sdp::format_candidate(host_candidate(local_transport()));
  EXPECT_EQ(text, "1 1 udp 2130706431 203.0.113.7 40000 typ host");
  EXPECT_TRUE(sdp::parse_candidate(text));
}

TEST(TransportInfo, SessionIdsAreRandom63BitDecimals) {
  std::string a = random_session_id(), b = random_session_id();
  EXPECT_NE(a, b);
  auto v = sdp::text::parse_uint<std::uint64_t>(a);
  ASSERT_TRUE(v);
  EXPECT_LT(*v, 1ULL << 63);
}

TEST(HeaderExtensions, SendSideAcceptsExactlyTheRoutedUris) {
  for (auto uri : {sdp::ext::kMid, sdp::ext::kRid, sdp::ext::kRepairedRid, sdp::ext::kAbsSendTime,
                   sdp::ext::kTransportCc, sdp::ext::kAudioLevel, sdp::ext::kVideoOrientation})
    EXPECT_TRUE(is_accepted_extension(uri)) << uri;
  for (auto uri : {sdp::ext::kToffset, sdp::ext::kPlayoutDelay, sdp::ext::kAbsCaptureTime,
                   sdp::ext::kDependencyDescriptor})
    EXPECT_FALSE(is_accepted_extension(uri)) << uri;
  HeaderExtensionIds ids = extension_ids({{7, std::nullopt, std::string(sdp::ext::kMid), ""},
                                          {0, std::nullopt, std::string(sdp::ext::kRid), ""},
                                          {9, std::nullopt, std::string(sdp::ext::kToffset), ""}});
  EXPECT_EQ(ids.mid, 7);
  EXPECT_EQ(ids.rid, 0);
  EXPECT_EQ(extension_id(ids, sdp::ext::kMid), 7);
  EXPECT_EQ(extension_id(ids, sdp::ext::kToffset), 0);
}

TEST(HeaderExtensions, RecvTableIsOneByteAndUnique) {
  for (std::size_t i = 0; i < kRecvExtensions.size(); ++i) {
    EXPECT_GE(kRecvExtensions[i].id, 1);
    EXPECT_LE(kRecvExtensions[i].id, 14);  // one-byte header form (RFC 8285 §4.2)
    for (std::size_t j = i + 1; j < kRecvExtensions.size(); ++j) {
      EXPECT_NE(kRecvExtensions[i].id, kRecvExtensions[j].id);
      EXPECT_NE(kRecvExtensions[i].uri, kRecvExtensions[j].uri);
    }
  }
  auto audio = recv_extmaps(MediaKind::audio);
  auto video = recv_extmaps(MediaKind::video);
  EXPECT_EQ(audio.size(), 4u);
  EXPECT_EQ(video.size(), 4u);
  EXPECT_EQ(recv_extension_id(sdp::ext::kAudioLevel), 4);
  EXPECT_EQ(recv_extension_id(sdp::ext::kRid), 0);
}

TEST(CodecPolicy, PicksOpusVp8ThenConstrainedBaselineH264) {
  sdp::SessionDescription a = fixture("a-sendrecv.sdp");
  auto audio = choose_send_codec(a.media[0]);
  ASSERT_TRUE(audio);
  EXPECT_EQ(audio->codec, ServerCodec::opus);
  EXPECT_EQ(audio->primary->pt, 111);
  EXPECT_EQ(audio->rtx, nullptr);
  auto video = choose_send_codec(a.media[1]);
  ASSERT_TRUE(video);
  EXPECT_EQ(video->codec, ServerCodec::vp8);
  EXPECT_EQ(video->rtx->pt, 97);

  sdp::MediaSection m;
  m.kind = sdp::MediaKind::video;
  m.codecs = {h264(100, "packetization-mode=1;profile-level-id=640c1f"),   // constrained high
              h264(101, "packetization-mode=0;profile-level-id=42e01f"),   // single NAL
              h264(102, "profile-level-id=42e01f"),                        // mode 0 by default
              h264(103, "packetization-mode=1;profile-level-id=42001f")};  // baseline
  EXPECT_FALSE(choose_send_codec(m));
  m.codecs.push_back(h264(104, "packetization-mode=1;profile-level-id=42e034"));  // CB 5.2
  auto pick = choose_send_codec(m);
  ASSERT_TRUE(pick);
  EXPECT_EQ(pick->codec, ServerCodec::h264);
  EXPECT_EQ(pick->primary->pt, 104);
}

TEST(CodecPolicy, ServerLinesUseTheFixedPayloadTypes) {
  auto opus = server_codec_lines(ServerCodec::opus);
  ASSERT_EQ(opus.size(), 1u);
  EXPECT_EQ(opus[0].pt, kOpusPayloadType);
  EXPECT_EQ(opus[0].channels, 2);
  auto vp8 = server_codec_lines(ServerCodec::vp8);
  ASSERT_EQ(vp8.size(), 2u);
  EXPECT_EQ(vp8[1].pt, kVp8RtxPayloadType);
  EXPECT_EQ(vp8[1].fmtp, "apt=96");
  EXPECT_EQ(vp8[0].rtcp_fb.size(), kFeedback.size());
  auto h = server_codec_lines(ServerCodec::h264);
  EXPECT_EQ(h[0].pt, kH264PayloadType);
  EXPECT_EQ(h[1].pt, kH264RtxPayloadType);
  EXPECT_EQ(h[1].fmtp, "apt=102");
  EXPECT_EQ(server_codec_from_name("vp8"), ServerCodec::vp8);
  EXPECT_FALSE(server_codec_from_name("VP9"));
  CodecParameters p = to_codec_parameters(vp8[0], &vp8[1], MediaKind::video);
  EXPECT_EQ(p.payload_type, 96);
  EXPECT_EQ(p.rtx_payload_type, 97);
  EXPECT_EQ(p.channels, 0);
  EXPECT_EQ(p.rtcp_feedback[1], "nack pli");
}

}  // namespace
}  // namespace haven::sfu::negotiation
