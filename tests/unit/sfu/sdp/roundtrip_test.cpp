// parse(write(parse(x))) == parse(x) for every captured offer, plus the writer's framing
// (CRLF, canonical line order) and a deterministic mutation sweep that must never throw.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <sstream>

#include "sdp_fixtures.h"
#include "sfu/sdp/parser.h"
#include "sfu/sdp/writer.h"

namespace haven::sfu::sdp {
namespace {

using testing::fixture_names;
using testing::parse_fixture;
using testing::read_fixture;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find("\r\n", pos);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return out;
}

TEST(SdpRoundTrip, FixturesParseWriteParseIsIdentity) {
  for (const auto& name : fixture_names()) {
    SCOPED_TRACE(name);
    auto first = parse_fixture(name);
    std::string written = write_sdp(first);
    std::string error;
    auto second = parse_sdp(written, &error);
    ASSERT_TRUE(second) << error;
    EXPECT_EQ(*second, first);
    EXPECT_EQ(write_sdp(*second), written);  // the writer's output is a fixed point
  }
}

TEST(SdpRoundTrip, WriterKeepsEveryChromiumLine) {
  // Nothing is lost or invented: the written lines are the fixture's lines, reordered at
  // most (the writer's canonical order differs from Chromium's only in a few places).
  for (const auto& name : fixture_names()) {
    SCOPED_TRACE(name);
    auto original = lines_of(read_fixture(name));
    auto written = lines_of(write_sdp(parse_fixture(name)));
    std::sort(original.begin(), original.end());
    std::sort(written.begin(), written.end());
    EXPECT_EQ(written, original);
  }
}

TEST(SdpRoundTrip, WriterEmitsCrlfInCanonicalOrder) {
  std::string out = write_sdp(parse_fixture("e-candidates.sdp"));
  ASSERT_GE(out.size(), 2u);
  EXPECT_EQ(out.substr(out.size() - 2), "\r\n");
  // No bare LF anywhere.
  for (std::size_t i = 0; i < out.size(); ++i)
    if (out[i] == '\n') {
      ASSERT_TRUE(i > 0 && out[i - 1] == '\r') << "bare LF at " << i;
    }
  auto lines = lines_of(out);
  ASSERT_GE(lines.size(), 5u);
  EXPECT_EQ(lines[0], "v=0");
  EXPECT_EQ(lines[1].substr(0, 2), "o=");
  EXPECT_EQ(lines[2], "s=-");
  EXPECT_EQ(lines[3], "t=0 0");
  EXPECT_EQ(lines[4], "a=group:BUNDLE 0 1 2");
  // Within each m-section: m, c, then ICE credentials before candidates, mid before codecs.
  auto index_of = [&](const std::string& prefix, std::size_t from) {
    for (std::size_t i = from; i < lines.size(); ++i)
      if (lines[i].rfind(prefix, 0) == 0) return i;
    return lines.size();
  };
  std::size_t m0 = index_of("m=audio", 0);
  EXPECT_EQ(lines[m0 + 1], "c=IN IP4 127.0.0.1");
  EXPECT_LT(index_of("a=ice-ufrag:", m0), index_of("a=candidate:", m0));
  EXPECT_LT(index_of("a=mid:", m0), index_of("a=rtpmap:", m0));
  EXPECT_LT(index_of("a=rtpmap:", m0), index_of("m=video", m0));
}

TEST(SdpRoundTrip, AcceptsBareLfAndWritesCrlf) {
  std::string text = read_fixture("a-sendrecv.sdp");
  std::string lf;
  for (char c : text)
    if (c != '\r') lf += c;
  auto from_lf = parse_sdp(lf);
  ASSERT_TRUE(from_lf);
  EXPECT_EQ(*from_lf, parse_fixture("a-sendrecv.sdp"));
}

TEST(SdpRoundTrip, LessCommonLinesSurvive) {
  // Session i=/u=/b=/r=, session-level ICE/DTLS, extmap direction, rtcp-fb:*, static PT
  // without rtpmap, paused simulcast alternatives, ssrc attribute without value, port/count
  // and an unknown media kind: all kept, and stable under write/parse.
  const std::string text =
      "v=0\n"
      "o=haven 42 7 IN IP4 192.0.2.10\n"
      "s=Haven SFU\n"
      "u=https://haven.invalid/\n"
      "i=one room\n"  // out of RFC order on purpose: the model keeps RFC order
      "b=AS:2000\n"
      "t=0 0\n"
      "r=604800 3600 0 90000\n"
      "a=ice-lite\n"
      "a=ice-ufrag:Hv3nUfrag\n"
      "a=ice-pwd:ThisIsA+Very/LongPassword0123\n"
      "a=fingerprint:sha-256 AB:CD\n"
      "a=setup:passive\n"
      "a=extmap:9/sendonly urn:x:abs-capture-time attr1 attr2\n"
      "a=tool:haven\n"
      "m=audio 9 RTP/AVP 0 8\n"
      "a=ssrc:5 label\n"
      "m=video 9/2 UDP/TLS/RTP/SAVPF 96 97\n"
      "a=rtpmap:96 VP8/90000\n"
      "a=rtpmap:97 rtx/90000\n"
      "a=fmtp:97 apt=96\n"
      "a=rtcp-fb:* nack pli\n"
      "a=rid:lo recv pt=96;max-width=320\n"
      "a=rid:hi recv\n"
      "a=simulcast:recv lo;~hi,lo\n"
      "m=text 0 RTP/AVP 98\n"
      "a=rtpmap:98 t140/1000\n";
  std::string error;
  auto sd = parse_sdp(text, &error);
  ASSERT_TRUE(sd) << error;
  ASSERT_EQ(sd->extra_lines.size(), 3u);
  EXPECT_EQ(sd->extra_lines[0].type, 'i');
  EXPECT_EQ(sd->extra_lines[1].type, 'u');
  EXPECT_EQ(sd->extra_lines[2].type, 'r');
  EXPECT_EQ(sd->bandwidths, std::vector<Bandwidth>{(Bandwidth{"AS", 2000})});
  EXPECT_TRUE(sd->ice_lite);
  EXPECT_EQ(sd->ice_ufrag, "Hv3nUfrag");
  EXPECT_EQ(sd->setup, Setup::passive);
  ASSERT_EQ(sd->extmaps.size(), 1u);
  EXPECT_EQ(sd->extmaps[0].direction, Direction::sendonly);
  EXPECT_EQ(sd->extmaps[0].attributes, "attr1 attr2");
  EXPECT_EQ(sd->attributes, std::vector<Attribute>{(Attribute{"tool", "haven"})});
  ASSERT_EQ(sd->media.size(), 3u);
  // Static payload types get their RFC 3551 names.
  ASSERT_EQ(sd->media[0].codecs.size(), 2u);
  EXPECT_EQ(sd->media[0].codecs[1].name, "PCMA");
  EXPECT_EQ(sd->media[0].ssrcs.at(0).attributes.at(0), (SsrcAttribute{"label", std::nullopt}));
  EXPECT_EQ(sd->media[1].port_count, 2);
  EXPECT_EQ(sd->media[1].rtcp_fb_all, std::vector<RtcpFeedback>{(RtcpFeedback{"nack", "pli"})});
  ASSERT_EQ(sd->media[1].rids.size(), 2u);
  EXPECT_EQ(sd->media[1].rids[0].params,
            (std::vector<std::pair<std::string, std::string>>{{"pt", "96"}, {"max-width", "320"}}));
  ASSERT_TRUE(sd->media[1].simulcast);
  EXPECT_EQ(sd->media[1].simulcast->recv,
            (SimulcastList{{{"lo", false}}, {{"hi", true}, {"lo", false}}}));
  EXPECT_EQ(sd->media[2].kind, MediaKind::other);
  EXPECT_EQ(sd->media[2].other_kind, "text");

  std::string written = write_sdp(*sd);
  auto again = parse_sdp(written, &error);
  ASSERT_TRUE(again) << error << "\n" << written;
  EXPECT_EQ(*again, *sd);
  EXPECT_NE(written.find("a=simulcast:recv lo;~hi,lo\r\n"), std::string::npos);
  EXPECT_NE(written.find("m=video 9/2 UDP/TLS/RTP/SAVPF 96 97\r\n"), std::string::npos);
  EXPECT_NE(written.find("a=rtpmap:0 PCMU/8000\r\n"), std::string::npos);
}

TEST(SdpRoundTrip, TrailingWhitespaceOnTokenValuesIsTolerated) {
  // Hand-munged SDP often carries stray blanks; single-token values are trimmed, and the
  // trimmed form is what gets written back.
  auto sd = parse_sdp(
      "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
      "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
      "a=mid: 0 \r\na=setup:actpass \r\na=ice-ufrag:abcd\t\r\n"
      "a=ice-pwd: 0123456789012345678901\r\na=fmtp:111  minptime=10 \r\n");
  ASSERT_TRUE(sd);
  const MediaSection& m = sd->media.at(0);
  EXPECT_EQ(m.mid, "0");
  EXPECT_EQ(m.setup, Setup::actpass);
  EXPECT_EQ(m.ice_ufrag, "abcd");
  EXPECT_EQ(m.ice_pwd, "0123456789012345678901");
  EXPECT_EQ(m.codecs.at(0).fmtp, "minptime=10");
  std::string out = write_sdp(*sd);
  EXPECT_NE(out.find("a=mid:0\r\n"), std::string::npos);
  EXPECT_NE(out.find("a=fmtp:111 minptime=10\r\n"), std::string::npos);
}

TEST(SdpRoundTrip, MutatedFixturesNeverThrowAndStayStable) {
  // A small deterministic fuzz pass inside the unit tests (the libFuzzer target goes much
  // further): byte flips, truncations and line duplications of every fixture.
  std::mt19937 rng(20240611);
  int parsed = 0;
  for (const auto& name : fixture_names()) {
    const std::string base = read_fixture(name);
    for (int round = 0; round < 300; ++round) {
      std::string text = base;
      switch (rng() % 3) {
        case 0:
          for (int i = 0; i < 3; ++i) text[rng() % text.size()] = static_cast<char>(rng() % 128);
          break;
        case 1:
          text.resize(rng() % text.size());
          break;
        default: {
          std::size_t at = text.find("\r\na=", rng() % text.size());
          if (at == std::string::npos) break;
          std::size_t end = text.find("\r\n", at + 2);
          text.insert(at, text.substr(at, end - at));
        }
      }
      std::string error;
      std::optional<SessionDescription> sd;
      ASSERT_NO_THROW(sd = parse_sdp(text, &error));
      if (!sd) {
        EXPECT_FALSE(error.empty());
        continue;
      }
      ++parsed;
      auto again = parse_sdp(write_sdp(*sd), &error);
      ASSERT_TRUE(again) << error;
      ASSERT_EQ(*again, *sd);
    }
  }
  EXPECT_GT(parsed, 100);  // the sweep exercised the writer, not just rejections
}

}  // namespace
}  // namespace haven::sfu::sdp
