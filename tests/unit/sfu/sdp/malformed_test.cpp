// Inputs parse_sdp() must reject, each with a message that says why (and where).
#include <gtest/gtest.h>

#include <string>

#include "sfu/sdp/parser.h"

namespace haven::sfu::sdp {
namespace {

const std::string kHead = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n";
const std::string kAudio = "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n";

// Expects rejection and returns the error text.
std::string rejected(const std::string& text) {
  std::string error;
  auto sd = parse_sdp(text, &error);
  EXPECT_FALSE(sd) << "accepted:\n" << text;
  EXPECT_FALSE(error.empty());
  return error;
}

TEST(SdpMalformed, BaselineIsAccepted) {
  // The pieces used below are valid on their own, so each rejection is about its change.
  std::string error;
  EXPECT_TRUE(parse_sdp(kHead + kAudio + "a=rtpmap:111 opus/48000/2\r\n", &error)) << error;
  EXPECT_TRUE(error.empty());
}

TEST(SdpMalformed, MissingOrWrongVersionLine) {
  EXPECT_NE(rejected("o=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n").find("v=0"), std::string::npos);
  EXPECT_NE(rejected("v=1\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n").find("v=0"),
            std::string::npos);
  EXPECT_NE(rejected("").find("v=0"), std::string::npos);
  EXPECT_NE(rejected("\r\n\r\n").find("v=0"), std::string::npos);
  rejected(kHead + "v=0\r\n");  // a second v=
}

TEST(SdpMalformed, MissingMandatorySessionLines) {
  EXPECT_NE(rejected("v=0\r\ns=-\r\nt=0 0\r\n").find("o="), std::string::npos);
  EXPECT_NE(rejected("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\nt=0 0\r\n").find("s="), std::string::npos);
  EXPECT_NE(rejected("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\n").find("t="), std::string::npos);
  rejected("v=0\r\no=- 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n");    // 5 origin fields
  rejected("v=0\r\no=- 1 x IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n");  // version not numeric
  rejected("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0\r\n");    // one time
  rejected(kHead + "o=- 1 1 IN IP4 0.0.0.0\r\n");                 // second o=
}

TEST(SdpMalformed, BadMediaLine) {
  std::string e = rejected(kHead + "m=audio 9 UDP/TLS/RTP/SAVPF\r\n");
  EXPECT_NE(e.find("line 5"), std::string::npos) << e;
  EXPECT_NE(e.find("m="), std::string::npos) << e;
  e = rejected(kHead + "m=audio 9 UDP/TLS/RTP/SAVPF opus\r\n");
  EXPECT_NE(e.find("payload type"), std::string::npos) << e;
  rejected(kHead + "m=audio 9 UDP/TLS/RTP/SAVPF 128\r\n");  // PT has 7 bits
  rejected(kHead + "m=audio 9 UDP/TLS/RTP/SAVPF -1\r\n");
  rejected(kHead + "m=audio 9 UDP/TLS/RTP/SAVPF 111 111\r\n");  // listed twice
  rejected(kHead + "m=audio x UDP/TLS/RTP/SAVPF 111\r\n");
  rejected(kHead + "m=audio 70000 UDP/TLS/RTP/SAVPF 111\r\n");
  rejected(kHead + "m=audio 9/ UDP/TLS/RTP/SAVPF 111\r\n");
}

TEST(SdpMalformed, NonNumericPayloadTypeInAttributes) {
  EXPECT_NE(rejected(kHead + kAudio + "a=rtpmap:opus opus/48000/2\r\n").find("payload type"),
            std::string::npos);
  rejected(kHead + kAudio + "a=fmtp:x minptime=10\r\n");
  rejected(kHead + kAudio + "a=rtcp-fb:abc nack\r\n");
  rejected(kHead + kAudio + "a=rtpmap:111 opus\r\n");  // no clock rate
  rejected(kHead + kAudio + "a=rtpmap:111 opus/fast\r\n");
  rejected(kHead + kAudio + "a=rtpmap:111 opus/48000/two\r\n");
  rejected(kHead + kAudio + "a=rtpmap:111 opus/48000/2\r\na=rtpmap:111 opus/48000/2\r\n");
  rejected(kHead + kAudio + "a=fmtp:111 a=1\r\na=fmtp:111 b=2\r\n");
}

TEST(SdpMalformed, OversizedInputs) {
  // 64 KiB is the limit: exactly at it parses, one byte more does not.
  std::string base = kHead + kAudio;
  std::string filler = "a=x-pad:";
  std::string text = base;
  while (text.size() + 1000 < kMaxSdpSize) text += filler + std::string(990, 'p') + "\r\n";
  std::size_t room = kMaxSdpSize - text.size() - filler.size() - 2;
  text += filler + std::string(room, 'q') + "\r\n";
  ASSERT_EQ(text.size(), kMaxSdpSize);
  std::string error;
  EXPECT_TRUE(parse_sdp(text, &error)) << error;
  EXPECT_NE(rejected(text + "\n").find("larger than 65536"), std::string::npos);

  // One line over 4 KiB.
  EXPECT_NE(rejected(base + "a=x:" + std::string(kMaxLineLength, 'a') + "\r\n").find("longer"),
            std::string::npos);
  EXPECT_TRUE(parse_sdp(base + "a=x:" + std::string(kMaxLineLength - 4, 'a') + "\r\n"));

  // 64 m-sections are fine, 65 are not.
  std::string sections = kHead;
  for (int i = 0; i < 64; ++i) sections += "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n";
  EXPECT_TRUE(parse_sdp(sections));
  EXPECT_NE(rejected(sections + "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n").find("64"), std::string::npos);

  // 128 formats on one m= line are fine (all 128 payload types), 129 are not.
  std::string all_pts = "m=video 9 UDP/TLS/RTP/SAVPF";
  for (int pt = 0; pt < 128; ++pt) all_pts += " " + std::to_string(pt);
  auto full = parse_sdp(kHead + all_pts + "\r\n");
  ASSERT_TRUE(full);
  EXPECT_EQ(full->media[0].payload_types.size(), 128u);
  std::string app = "m=application 9 UDP/DTLS/SCTP";
  for (int i = 0; i < 129; ++i) app += " f" + std::to_string(i);
  EXPECT_NE(rejected(kHead + app + "\r\n").find("128"), std::string::npos);
}

TEST(SdpMalformed, LineSyntax) {
  rejected(kHead + "x=unknown\r\n");
  rejected(kHead + "novalue\r\n");
  rejected(kHead + "a\r\n");
  rejected(kHead + "a=\r\n");  // attribute without a name
  rejected(kHead + "a=:value\r\n");
  rejected(kHead + std::string("a=tool:ha\0ven\r\n", 15));  // NUL
  rejected(kHead + "a=tool:ha\rven\r\n");                   // stray CR inside a line
  rejected(kHead + kAudio + "t=0 0\r\n");                   // session-only line in a media section
  rejected(kHead + kAudio + "c=IN IP4\r\n");
  rejected(kHead + "b=AS\r\n");
  rejected(kHead + "b=AS:lots\r\n");
}

TEST(SdpMalformed, BadTransportAttributes) {
  rejected(kHead + kAudio + "a=fingerprint:sha-256 XY:ZZ\r\n");
  rejected(kHead + kAudio + "a=fingerprint:sha-256 AB:CD:\r\n");
  rejected(kHead + kAudio + "a=fingerprint:sha-256\r\n");
  rejected(kHead + kAudio + "a=ice-ufrag:abc\r\n");    // < 4 chars
  rejected(kHead + kAudio + "a=ice-ufrag:ab-cd\r\n");  // '-' is not an ice-char
  rejected(kHead + kAudio + "a=ice-pwd:short\r\n");    // < 22 chars
  rejected(kHead + kAudio + "a=ice-ufrag:abcd\r\na=ice-ufrag:efgh\r\n");
  rejected(kHead + kAudio + "a=setup:maybe\r\n");
  rejected(kHead + kAudio + "a=setup:active\r\na=setup:passive\r\n");
  rejected(kHead + kAudio + "a=candidate:1 1 udp 2122260223 192.0.2.1 x typ host\r\n");
  rejected(kHead + kAudio + "a=candidate:1 1 udp 2122260223 192.0.2.1 9 host\r\n");
  rejected(kHead + kAudio + "a=candidate:1 1 udp 2122260223 192.0.2.1 9 typ host raddr\r\n");
  rejected(kHead + kAudio + "a=candidate:1 0 udp 1 192.0.2.1 9 typ host\r\n");  // component 0
}

TEST(SdpMalformed, BadMediaAttributes) {
  rejected(kHead + kAudio + "a=mid:\r\n");
  rejected(kHead + kAudio + "a=mid:0\r\na=mid:1\r\n");
  rejected(kHead + kAudio + "a=mid:a b\r\n");
  rejected(kHead + kAudio + "a=mid:0\r\n" + kAudio + "a=mid:0\r\n");  // mid reused
  rejected(kHead + kAudio + "a=sendonly\r\na=recvonly\r\n");
  rejected(kHead + kAudio + "a=extmap:0 urn:x\r\n");
  rejected(kHead + kAudio + "a=extmap:256 urn:x\r\n");
  rejected(kHead + kAudio + "a=extmap:1/sideways urn:x\r\n");
  rejected(kHead + kAudio + "a=extmap:1\r\n");
  rejected(kHead + kAudio + "a=extmap:1 urn:x\r\na=extmap:1 urn:y\r\n");
  rejected(kHead + kAudio + "a=msid:a b c\r\n");
  rejected(kHead + kAudio + "a=ssrc:x cname:y\r\n");
  rejected(kHead + kAudio + "a=ssrc:4294967296 cname:y\r\n");
  rejected(kHead + kAudio + "a=ssrc-group:FID\r\n");
  rejected(kHead + kAudio + "a=rid:q sideways\r\n");
  rejected(kHead + kAudio + "a=rid:q! send\r\n");
  rejected(kHead + kAudio + "a=rid:q send\r\na=rid:q send\r\n");
  rejected(kHead + kAudio + "a=simulcast:send\r\n");
  rejected(kHead + kAudio + "a=simulcast:send q;;f\r\n");
  rejected(kHead + kAudio + "a=simulcast:send ~\r\n");
  rejected(kHead + kAudio + "a=simulcast:send q send h\r\n");
  rejected(kHead + kAudio + "a=simulcast:up q\r\n");
  rejected(kHead + "a=group:\r\n");
}

TEST(SdpMalformed, ErrorIsOptional) {
  EXPECT_FALSE(parse_sdp("garbage"));  // no error pointer: still no crash, still rejected
}

}  // namespace
}  // namespace haven::sfu::sdp
