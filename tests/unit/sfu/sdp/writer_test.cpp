// Building a description from scratch, as the SFU will for its answers/offers
// (docs: /work/shared/notes/sfu-interop.md §1 and §4), and checking the exact text.
#include "sfu/sdp/writer.h"

#include <gtest/gtest.h>

#include "sfu/sdp/parser.h"

namespace haven::sfu::sdp {
namespace {

SessionDescription sfu_answer() {
  SessionDescription sd;
  sd.origin.username = "haven";
  sd.origin.session_id = "4611686018427387904";
  sd.origin.session_version = 3;
  sd.groups.push_back(Group{"BUNDLE", {"0"}});
  sd.ice_lite = true;
  sd.msid_semantic = MsidSemantic{"WMS", {"*"}};
  sd.extmap_allow_mixed = true;

  MediaSection video;
  video.kind = MediaKind::video;
  video.payload_types = {96, 97};
  video.connection = Connection{"IN", "IP4", "192.0.2.10"};
  video.port = 40000;
  video.mid = "0";
  video.direction = Direction::sendonly;
  video.ice_ufrag = "abcdEFGH12345678abcdEFGH12345678";
  video.ice_pwd = "0123456789abcdef0123456789ABCDEF";
  video.fingerprints.push_back(Fingerprint{"sha-256", "AB:CD:EF"});
  video.setup = Setup::passive;
  video.rtcp_mux = true;
  video.rtcp_rsize = true;
  video.extmaps.push_back(Extmap{4, std::nullopt, "urn:ietf:params:rtp-hdrext:sdes:mid", ""});
  Codec vp8{.pt = 96, .name = "VP8", .clock_rate = 90000};
  vp8.rtcp_fb = {{"nack", ""}, {"nack", "pli"}, {"ccm", "fir"}, {"transport-cc", ""}};
  Codec rtx{.pt = 97, .name = "rtx", .clock_rate = 90000, .fmtp = "apt=96"};
  video.codecs = {vp8, rtx};
  video.msids.push_back(Msid{"alice", "alice-cam"});
  video.ssrc_groups.push_back(SsrcGroup{"FID", {1111, 2222}});
  video.ssrcs.push_back(Ssrc{1111, {{"cname", "sfu"}}});
  video.ssrcs.push_back(Ssrc{2222, {{"cname", "sfu"}}});
  Candidate host;
  host.foundation = "1";
  host.priority = 2130706431;
  host.address = "192.0.2.10";
  host.port = 40000;
  video.candidates.push_back(host);
  video.end_of_candidates = true;
  sd.media.push_back(video);
  return sd;
}

TEST(SdpWriter, WritesSfuAnswerExactly) {
  const std::string expected =
      "v=0\r\n"
      "o=haven 4611686018427387904 3 IN IP4 127.0.0.1\r\n"
      "s=-\r\n"
      "t=0 0\r\n"
      "a=group:BUNDLE 0\r\n"
      "a=extmap-allow-mixed\r\n"
      "a=msid-semantic: WMS *\r\n"
      "a=ice-lite\r\n"
      "m=video 40000 UDP/TLS/RTP/SAVPF 96 97\r\n"
      "c=IN IP4 192.0.2.10\r\n"
      "a=ice-ufrag:abcdEFGH12345678abcdEFGH12345678\r\n"
      "a=ice-pwd:0123456789abcdef0123456789ABCDEF\r\n"
      "a=fingerprint:sha-256 AB:CD:EF\r\n"
      "a=setup:passive\r\n"
      "a=mid:0\r\n"
      "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
      "a=sendonly\r\n"
      "a=msid:alice alice-cam\r\n"
      "a=rtcp-mux\r\n"
      "a=rtcp-rsize\r\n"
      "a=rtpmap:96 VP8/90000\r\n"
      "a=rtcp-fb:96 nack\r\n"
      "a=rtcp-fb:96 nack pli\r\n"
      "a=rtcp-fb:96 ccm fir\r\n"
      "a=rtcp-fb:96 transport-cc\r\n"
      "a=rtpmap:97 rtx/90000\r\n"
      "a=fmtp:97 apt=96\r\n"
      "a=ssrc-group:FID 1111 2222\r\n"
      "a=ssrc:1111 cname:sfu\r\n"
      "a=ssrc:2222 cname:sfu\r\n"
      "a=candidate:1 1 udp 2130706431 192.0.2.10 40000 typ host\r\n"
      "a=end-of-candidates\r\n";
  EXPECT_EQ(write_sdp(sfu_answer()), expected);
}

TEST(SdpWriter, BuiltDescriptionParsesBack) {
  SessionDescription sd = sfu_answer();
  std::string error;
  auto parsed = parse_sdp(write_sdp(sd), &error);
  ASSERT_TRUE(parsed) << error;
  // The parser fills what a hand-built struct leaves to the writer: derived fmtp params
  // and the candidate's raw text. With those set the structures are equal.
  sd.media[0].codecs[1].fmtp_params = {{"apt", "96"}};
  sd.media[0].candidates[0].raw = "1 1 udp 2130706431 192.0.2.10 40000 typ host";
  EXPECT_EQ(*parsed, sd);
}

TEST(SdpWriter, OmitsUnsetOptionalLines) {
  SessionDescription sd;
  MediaSection data;
  data.kind = MediaKind::application;
  data.proto = "UDP/DTLS/SCTP";
  data.formats = {"webrtc-datachannel"};
  data.attributes.push_back(Attribute{"sctp-port", "5000"});
  data.attributes.push_back(Attribute{"x-flag", std::nullopt});
  sd.media.push_back(data);
  EXPECT_EQ(write_sdp(sd),
            "v=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n"
            "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
            "a=sctp-port:5000\r\na=x-flag\r\n");
}

}  // namespace
}  // namespace haven::sfu::sdp
