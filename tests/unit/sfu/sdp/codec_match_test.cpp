// H.264 profile-level-id parsing (RFC 6184 §8.1) and the codec equivalence used to map a
// publisher's payload types onto a subscriber's.
#include "sfu/sdp/codec_match.h"

#include <gtest/gtest.h>

#include "sfu/sdp/parser.h"

namespace haven::sfu::sdp {
namespace {

Codec h264(std::string profile_level_id, std::string mode, std::uint8_t pt = 102) {
  Codec c{.pt = pt, .name = "H264", .clock_rate = 90000};
  if (!profile_level_id.empty()) c.fmtp_params.emplace_back("profile-level-id", profile_level_id);
  if (!mode.empty()) c.fmtp_params.emplace_back("packetization-mode", mode);
  return c;
}

TEST(SdpCodecMatch, H264ProfileTable) {
  using P = H264Profile;
  struct Case {
    const char* hex;
    P profile;
    std::uint8_t level;
  };
  for (const Case& c :
       {Case{"42e01f", P::constrained_baseline, 0x1f},
        Case{"42c01f", P::constrained_baseline, 0x1f},
        Case{"4d801f", P::constrained_baseline, 0x1f},  // main + constraint_set0
        Case{"58c01e", P::constrained_baseline, 0x1e}, Case{"42001f", P::baseline, 0x1f},
        Case{"42101f", P::baseline, 0x1f},  // constraint_set3 is don't-care
        Case{"58801f", P::baseline, 0x1f}, Case{"4d001f", P::main, 0x1f},
        Case{"4d4033", P::main, 0x33}, Case{"640c34", P::constrained_high, 0x34},
        Case{"640032", P::high, 0x32}, Case{"F4001F", P::predictive_high_444, 0x1f}}) {
    auto parsed = parse_h264_profile_level_id(c.hex);
    ASSERT_TRUE(parsed) << c.hex;
    EXPECT_EQ(parsed->profile, c.profile) << c.hex;
    EXPECT_EQ(parsed->level_idc, c.level) << c.hex;
  }
  for (const char* bad : {"", "42e01", "42e01f0", "zze01f", "000000", "6e001f", "420f1f", "641f1f"})
    EXPECT_FALSE(parse_h264_profile_level_id(bad)) << bad;
}

TEST(SdpCodecMatch, H264NeedsSamePacketizationModeAndProfile) {
  EXPECT_TRUE(codecs_match(h264("42e01f", "1"), h264("42e01f", "1", 108)));  // PT ignored
  EXPECT_TRUE(codecs_match(h264("42e01f", "1"), h264("42e034", "1")));       // level ignored
  EXPECT_TRUE(codecs_match(h264("42e01f", "1"), h264("4de01f", "1")));       // both constrained BL
  EXPECT_FALSE(codecs_match(h264("42e01f", "1"), h264("42e01f", "0")));
  EXPECT_FALSE(codecs_match(h264("42e01f", "1"), h264("42001f", "1")));  // CB vs baseline
  EXPECT_FALSE(codecs_match(h264("42e01f", "1"), h264("640c1f", "1")));
  // Defaults (RFC 6184 §8.1): mode 0 and profile-level-id 420010 (baseline).
  EXPECT_TRUE(codecs_match(h264("", ""), h264("42001f", "0")));
  EXPECT_FALSE(codecs_match(h264("", ""), h264("42e01f", "0")));
  // An unparseable profile never matches, not even itself.
  EXPECT_FALSE(codecs_match(h264("nothex", "1"), h264("nothex", "1")));
  // Parameter names are case-insensitive.
  Codec upper = h264("", "");
  upper.fmtp_params = {{"Profile-Level-Id", "42E01F"}, {"PACKETIZATION-MODE", "1"}};
  EXPECT_TRUE(codecs_match(upper, h264("42e01f", "1")));
}

TEST(SdpCodecMatch, OtherCodecs) {
  Codec opus{.pt = 111, .name = "opus", .clock_rate = 48000, .channels = 2};
  Codec opus_other_pt = opus;
  opus_other_pt.pt = 109;
  opus_other_pt.name = "OPUS";
  EXPECT_TRUE(codecs_match(opus, opus_other_pt));
  Codec mono = opus;
  mono.channels.reset();
  EXPECT_FALSE(codecs_match(opus, mono));  // absent channels = 1
  Codec pcmu{.pt = 0, .name = "PCMU", .clock_rate = 8000};
  Codec pcmu_1 = pcmu;
  pcmu_1.channels = 1;
  EXPECT_TRUE(codecs_match(pcmu, pcmu_1));
  Codec pcmu_16k = pcmu;
  pcmu_16k.clock_rate = 16000;
  EXPECT_FALSE(codecs_match(pcmu, pcmu_16k));

  Codec vp9{.pt = 98, .name = "VP9", .clock_rate = 90000};
  Codec vp9_p0 = vp9;
  vp9_p0.fmtp_params = {{"profile-id", "0"}};
  Codec vp9_p2 = vp9;
  vp9_p2.fmtp_params = {{"profile-id", "2"}};
  EXPECT_TRUE(codecs_match(vp9, vp9_p0));  // default profile 0
  EXPECT_FALSE(codecs_match(vp9_p0, vp9_p2));
  Codec av1{.pt = 45, .name = "AV1", .clock_rate = 90000};
  Codec av1_p1 = av1;
  av1_p1.fmtp_params = {{"profile", "1"}};
  EXPECT_FALSE(codecs_match(av1, av1_p1));
  EXPECT_FALSE(codecs_match(vp9, av1));
}

TEST(SdpCodecMatch, RtxAndFeedbackLookups) {
  auto sd = parse_sdp(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
      "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100\r\n"
      "a=rtpmap:96 VP8/90000\r\n"
      "a=rtcp-fb:96 nack\r\n"
      "a=rtpmap:97 rtx/90000\r\n"
      "a=fmtp:97 apt=96\r\n"
      "a=rtpmap:98 VP9/90000\r\n"
      "a=rtpmap:99 rtx/90000\r\n"
      "a=fmtp:99 apt=200\r\n"  // out of range: not an rtx of anything
      "a=rtpmap:100 RTX/90000\r\n"
      "a=fmtp:100 APT=98\r\n"
      "a=rtcp-fb:* ccm fir\r\n");
  ASSERT_TRUE(sd);
  const MediaSection& m = sd->media[0];
  EXPECT_EQ(find_rtx(m, 96)->pt, 97);
  EXPECT_EQ(find_rtx(m, 98)->pt, 100);  // names and keys case-insensitive
  EXPECT_EQ(rtx_apt(*find_codec_by_pt(m, 99)), std::nullopt);
  EXPECT_EQ(rtx_apt(*find_codec_by_pt(m, 96)), std::nullopt);  // VP8 is not rtx
  EXPECT_EQ(find_rtx(m, 97), nullptr);
  EXPECT_EQ(find_codec_by_pt(m, 101), nullptr);
  EXPECT_EQ(find_codec(m, "h264"), nullptr);
  const Codec& vp8 = *find_codec(m, "VP8");
  EXPECT_TRUE(has_rtcp_fb(m, vp8, "nack"));
  EXPECT_FALSE(has_rtcp_fb(m, vp8, "nack", "pli"));
  EXPECT_TRUE(has_rtcp_fb(m, vp8, "ccm", "fir"));  // from the wildcard line
  EXPECT_TRUE(has_rtcp_fb(m, *find_codec(m, "VP9"), "ccm", "fir"));
}

}  // namespace
}  // namespace haven::sfu::sdp
