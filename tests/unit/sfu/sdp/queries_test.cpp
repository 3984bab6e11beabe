// Lookups on parsed descriptions: SSRC layouts (FID, SIM, rids), session-level fallbacks,
// fingerprint decoding and header extension ids.
#include "sfu/sdp/queries.h"

#include <gtest/gtest.h>

#include "sfu/sdp/parser.h"

namespace haven::sfu::sdp {
namespace {

const std::string kHead = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";

SessionDescription parse_ok(const std::string& text) {
  std::string error;
  auto sd = parse_sdp(text, &error);
  EXPECT_TRUE(sd) << error;
  return sd.value_or(SessionDescription{});
}

TEST(SdpQueries, LegacySimulcastWithSimAndFidGroups) {
  // Chrome's SSRC-based simulcast (munged SDP / plan-b style): SIM lists layers low to high,
  // each layer has its own FID RTX.
  auto sd = parse_ok(kHead +
                     "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:v\r\n"
                     "a=ssrc-group:FID 100 101\r\n"
                     "a=ssrc-group:FID 200 201\r\n"
                     "a=ssrc-group:FID 300 301\r\n"
                     "a=ssrc-group:SIM 100 200 300\r\n"
                     "a=ssrc:100 cname:c\r\na=ssrc:101 cname:c\r\na=ssrc:200 cname:c\r\n"
                     "a=ssrc:201 cname:c\r\na=ssrc:300 cname:c\r\na=ssrc:301 cname:c\r\n");
  auto streams = send_streams(sd.media.at(0));
  ASSERT_EQ(streams.size(), 3u);
  EXPECT_EQ(streams[0], (SendStream{"", 100, 101, false}));
  EXPECT_EQ(streams[1], (SendStream{"", 200, 201, false}));
  EXPECT_EQ(streams[2], (SendStream{"", 300, 301, false}));
  EXPECT_EQ(rtx_ssrc(sd.media[0], 200), 201u);
  EXPECT_EQ(rtx_ssrc(sd.media[0], 201), std::nullopt);  // an RTX has no RTX
}

TEST(SdpQueries, PlainStreamsSkipRepairSsrcs) {
  auto sd = parse_ok(kHead +
                     "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                     "a=ssrc:1 cname:c\r\na=ssrc:2 cname:c\r\na=ssrc:3 cname:c\r\n"
                     "a=ssrc:4 msid:s t\r\n"
                     "a=ssrc-group:FID 1 2\r\na=ssrc-group:FEC-FR 1 3\r\n");
  auto streams = send_streams(sd.media.at(0));
  ASSERT_EQ(streams.size(), 2u);
  EXPECT_EQ(streams[0], (SendStream{"", 1, 2, false}));
  EXPECT_EQ(streams[1], (SendStream{"", 4, std::nullopt, false}));
  EXPECT_EQ(ssrc_attribute(sd.media[0], 4, "msid"), "s t");  // value keeps its space
  EXPECT_EQ(ssrc_attribute(sd.media[0], 4, "cname"), std::nullopt);
  EXPECT_EQ(ssrc_attribute(sd.media[0], 9, "cname"), std::nullopt);
}

TEST(SdpQueries, RidsWithoutSimulcastLineAndPausedLayers) {
  auto sd = parse_ok(kHead +
                     "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                     "a=rid:a send\r\na=rid:b recv\r\na=rid:c send max-width=640\r\n"
                     "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n"
                     "a=rid:lo send\r\na=rid:hi send\r\na=simulcast:send ~hi;lo\r\n");
  auto streams = send_streams(sd.media.at(0));
  ASSERT_EQ(streams.size(), 2u);  // recv rids describe what the author receives
  EXPECT_EQ(streams[0].rid, "a");
  EXPECT_EQ(streams[1].rid, "c");
  auto ordered = send_streams(sd.media.at(1));
  ASSERT_EQ(ordered.size(), 2u);  // a=simulcast order wins over a=rid order
  EXPECT_EQ(ordered[0], (SendStream{"hi", std::nullopt, std::nullopt, true}));
  EXPECT_EQ(ordered[1], (SendStream{"lo", std::nullopt, std::nullopt, false}));
}

TEST(SdpQueries, SessionLevelFallbacks) {
  // Older Firefox put ICE credentials and the fingerprint at session level (RFC 8839 §5.4).
  auto sd = parse_ok(kHead +
                     "a=ice-ufrag:sessUfrag\r\na=ice-pwd:sessionPassword0123456789\r\n"
                     "a=fingerprint:sha-256 0a:0B\r\na=setup:actpass\r\n"
                     "a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
                     "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:a\r\n"
                     "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\na=mid:b\r\n"
                     "a=ice-ufrag:mediaUfrag\r\na=ice-pwd:mediaPassword01234567890\r\n"
                     "a=fingerprint:sha-1 FF\r\na=setup:active\r\n"
                     "a=extmap:5 urn:ietf:params:rtp-hdrext:sdes:mid\r\n");
  const MediaSection& a = *find_media(sd, "a");
  const MediaSection& b = *find_media(sd, "b");
  EXPECT_EQ(find_media(sd, "c"), nullptr);
  EXPECT_EQ(ice_ufrag(sd, a), "sessUfrag");
  EXPECT_EQ(ice_pwd(sd, a), "sessionPassword0123456789");
  EXPECT_EQ(ice_ufrag(sd, b), "mediaUfrag");
  EXPECT_EQ(fingerprints(sd, a).at(0).algorithm, "sha-256");
  EXPECT_EQ(fingerprints(sd, b).at(0).algorithm, "sha-1");
  EXPECT_EQ(setup(sd, a), Setup::actpass);
  EXPECT_EQ(setup(sd, b), Setup::active);
  EXPECT_EQ(find_extmap_id(a, ext::kMid), std::nullopt);
  EXPECT_EQ(find_extmap_id(sd, a, ext::kMid), 3);
  EXPECT_EQ(find_extmap_id(sd, b, ext::kMid), 5);
  EXPECT_EQ(bundle_group(sd), nullptr);
}

TEST(SdpQueries, FingerprintBytes) {
  auto bytes = fingerprint_bytes(Fingerprint{"sha-256", "0a:FF:10"});
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, (std::vector<std::uint8_t>{0x0a, 0xff, 0x10}));
  // Case does not matter for comparison (RFC 8122 §5 says compare case-insensitively).
  EXPECT_EQ(fingerprint_bytes(Fingerprint{"sha-256", "AB:cd"}),
            fingerprint_bytes(Fingerprint{"sha-256", "ab:CD"}));
  EXPECT_FALSE(fingerprint_bytes(Fingerprint{"sha-256", "AB-CD"}));
  EXPECT_FALSE(fingerprint_bytes(Fingerprint{"sha-256", "ABC"}));
  EXPECT_FALSE(fingerprint_bytes(Fingerprint{"sha-256", ""}));
  EXPECT_FALSE(fingerprint_bytes(Fingerprint{"sha-256", "G0"}));
}

}  // namespace
}  // namespace haven::sfu::sdp
