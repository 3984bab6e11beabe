// Shared by the negotiation tests: the SFU's transport values, fixture loading and a
// re-parse of what the negotiators write (the browser only ever sees the text).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <tuple>
#include <vector>

#include "../sdp/sdp_fixtures.h"
#include "sfu/client/browser_sdp.h"
#include "sfu/dtls/fingerprint.h"
#include "sfu/negotiation/transport_info.h"
#include "sfu/rtp_parameters.h"
#include "sfu/sdp/parser.h"
#include "sfu/sdp/writer.h"

namespace haven::sfu::negotiation::testing {

inline constexpr const char* kFingerprint =
    "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:"
    "E8:F9";

inline TransportInfo local_transport() {
  return {"SfuUfrag1", "SfuPasswordWith22Chars+/", kFingerprint, "203.0.113.7", 40000};
}

inline sdp::SessionDescription fixture(const std::string& name) {
  return sdp::testing::parse_fixture(name);
}

inline std::string read_file(const std::string& relative) {
  std::ifstream in(std::string(HAVEN_SOURCE_DIR "/") + relative, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What the browser receives: the description written and parsed back.
inline sdp::SessionDescription reparse(const sdp::SessionDescription& sd) {
  std::string error;
  auto parsed = sdp::parse_sdp(sdp::write_sdp(sd), &error);
  EXPECT_TRUE(parsed.has_value()) << error << "\n" << sdp::write_sdp(sd);
  return parsed.value_or(sdp::SessionDescription{});
}

inline std::vector<std::string> extmap_uris(const sdp::MediaSection& m) {
  std::vector<std::string> out;
  for (const auto& e : m.extmaps) out.push_back(e.uri);
  return out;
}

inline std::vector<std::string> feedback(const sdp::Codec& c) {
  std::vector<std::string> out;
  for (const auto& fb : c.rtcp_fb)
    out.push_back(fb.parameter.empty() ? fb.type : fb.type + " " + fb.parameter);
  return out;
}

// The transport lines every accepted section of an SFU description carries.
inline void expect_sfu_transport(const sdp::MediaSection& m, sdp::Setup setup) {
  const TransportInfo t = local_transport();
  EXPECT_EQ(m.port, t.candidate_port) << m.mid;
  EXPECT_EQ(m.ice_ufrag, t.ice_ufrag);
  EXPECT_EQ(m.ice_pwd, t.ice_pwd);
  ASSERT_EQ(m.fingerprints.size(), 1u);
  EXPECT_EQ(m.fingerprints[0].algorithm, "sha-256");
  EXPECT_EQ(m.fingerprints[0].value, t.fingerprint_sha256);
  EXPECT_EQ(m.setup, setup);
  EXPECT_TRUE(m.rtcp_mux);
  ASSERT_EQ(m.candidates.size(), 1u);
  EXPECT_EQ(m.candidates[0].address, t.candidate_ip);
  EXPECT_EQ(m.candidates[0].port, t.candidate_port);
  EXPECT_EQ(m.candidates[0].type, "host");
  EXPECT_EQ(m.candidates[0].transport, "udp");
  EXPECT_EQ(m.candidates[0].component, 1);
  EXPECT_EQ(m.candidates[0].priority, kHostCandidatePriority);
  EXPECT_TRUE(m.end_of_candidates);
  ASSERT_TRUE(m.connection.has_value());
  EXPECT_EQ(m.connection->address, t.candidate_ip);
}

// RtpParameters has no operator== (sfu/rtp_parameters.h is routing's contract, kept as is):
// tests compare encodings as tuples and whole parameters through a canonical text.
using EncodingTuple = std::tuple<std::uint32_t, std::uint32_t, std::string>;
inline std::vector<EncodingTuple> encodings_of(const RtpParameters& p) {
  std::vector<EncodingTuple> out;
  for (const auto& e : p.encodings) out.emplace_back(e.ssrc, e.rtx_ssrc, e.rid);
  return out;
}

inline std::string describe(const RtpParameters& p) {
  std::string s = p.mid + (p.kind == MediaKind::audio ? " audio" : " video");
  for (const auto& c : p.codecs) {
    s += " codec " + std::to_string(c.payload_type) + " " + c.name + "/" +
         std::to_string(c.clock_rate) + "/" + std::to_string(c.channels) + " [" + c.fmtp + "]";
    if (c.rtx_payload_type) s += " rtx " + std::to_string(*c.rtx_payload_type);
    for (const auto& fb : c.rtcp_feedback) s += " fb " + fb;
  }
  const auto& x = p.extensions;
  for (int id : {x.mid, x.rid, x.repaired_rid, x.abs_send_time, x.transport_cc, x.audio_level,
                 x.video_orientation})
    s += " ext " + std::to_string(id);
  for (const auto& [ssrc, rtx, rid] : encodings_of(p))
    s += " enc " + std::to_string(ssrc) + "/" + std::to_string(rtx) + "/" + rid;
  return s + " " + p.cname + " " + p.stream_id + " " + p.track_id;
}

inline bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

inline constexpr const char* kBrowserFingerprint =
    "3C:07:BC:A6:A3:35:C3:9D:95:E7:CD:0B:5F:27:0B:CF:82:A9:0F:C8:2B:BB:04:71:E9:56:42:E8:BD:2A:"
    "5B:E0";

// What Chrome answers to an SFU offer (as in the fixtures): the load generator's browser
// model (sfu/client/browser_sdp.h) with the captured run's ICE credentials and fingerprint.
inline sdp::SessionDescription browser_answer(const sdp::SessionDescription& offer) {
  BrowserTransport transport{{"wfcR", "n8uHeyziJ4T+jKt9KejFBNeu"},
                             *parse_fingerprint(std::string("sha-256 ") + kBrowserFingerprint)};
  std::string error;
  auto answer = make_browser_answer(offer, transport, &error);
  EXPECT_TRUE(answer) << error;
  return answer.value_or(sdp::SessionDescription{});
}

}  // namespace haven::sfu::negotiation::testing
