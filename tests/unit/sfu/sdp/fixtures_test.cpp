// What a person checks in real Chromium offers (tests/fixtures/sdp/, Chromium 156): the
// sections, BUNDLE, codecs with their payload types, RTX pairing, header extension ids,
// DTLS/ICE parameters, simulcast rids and gathered candidates. Payload types and extmap ids
// are the ones this capture assigned; Chromium picks them per peer connection since M140,
// so a re-capture may need these numbers updated (the README says so).
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

#include "sdp_fixtures.h"
#include "sfu/sdp/attributes.h"
#include "sfu/sdp/codec_match.h"
#include "sfu/sdp/queries.h"

namespace haven::sfu::sdp {
namespace {

using testing::parse_fixture;

// Checks the transport lines every Chromium m-section carries (JSEP RFC 8829 §5.2.1).
void expect_chromium_transport(const SessionDescription& sd, const MediaSection& m) {
  EXPECT_TRUE(is_valid_ice_ufrag(ice_ufrag(sd, m))) << ice_ufrag(sd, m);
  EXPECT_TRUE(is_valid_ice_pwd(ice_pwd(sd, m)));
  EXPECT_EQ(m.ice_options, std::vector<std::string>{"trickle"});
  ASSERT_EQ(m.fingerprints.size(), 1u);
  EXPECT_EQ(m.fingerprints[0].algorithm, "sha-256");
  // 32 bytes as uppercase hex pairs joined by ':' (RFC 8122 §5).
  const std::string& fp = m.fingerprints[0].value;
  EXPECT_EQ(fp.size(), 32u * 3 - 1);
  for (std::size_t i = 0; i < fp.size(); ++i) {
    if (i % 3 == 2)
      EXPECT_EQ(fp[i], ':');
    else
      EXPECT_TRUE(std::isxdigit(static_cast<unsigned char>(fp[i])) &&
                  !std::islower(static_cast<unsigned char>(fp[i])));
  }
  auto bytes = fingerprint_bytes(m.fingerprints[0]);
  ASSERT_TRUE(bytes);
  EXPECT_EQ(bytes->size(), 32u);
  EXPECT_EQ(m.setup, Setup::actpass);
  // ICE and DTLS parameters repeat identically in every bundled section.
  EXPECT_EQ(m.ice_ufrag, sd.media[0].ice_ufrag);
  EXPECT_EQ(m.ice_pwd, sd.media[0].ice_pwd);
  EXPECT_EQ(m.fingerprints, sd.media[0].fingerprints);
  if (m.is_rtp()) {
    EXPECT_TRUE(m.rtcp_mux);
    EXPECT_TRUE(m.rtcp_rsize);
  }
}

void expect_opus(const MediaSection& audio) {
  ASSERT_EQ(audio.kind, MediaKind::audio);
  EXPECT_EQ(audio.proto, "UDP/TLS/RTP/SAVPF");
  ASSERT_FALSE(audio.payload_types.empty());
  EXPECT_EQ(audio.payload_types.front(), 111);    // Opus preferred
  const Codec* opus = find_codec(audio, "OPUS");  // case-insensitive
  ASSERT_NE(opus, nullptr);
  EXPECT_EQ(opus->pt, 111);
  EXPECT_EQ(opus->name, "opus");
  EXPECT_EQ(opus->clock_rate, 48000u);
  EXPECT_EQ(opus->channels, 2);
  EXPECT_EQ(fmtp_value(*opus, "useinbandfec"), "1");
  EXPECT_EQ(fmtp_value(*opus, "minptime"), "10");
  EXPECT_TRUE(has_rtcp_fb(audio, *opus, "transport-cc"));
  // RED for Opus: "a=fmtp:63 111/111" is a key without '='.
  const Codec* red = find_codec(audio, "red");
  ASSERT_NE(red, nullptr);
  EXPECT_EQ(red->pt, 63);
  ASSERT_EQ(red->fmtp_params.size(), 1u);
  EXPECT_EQ(red->fmtp_params[0].first, "111/111");
  // Static payload types still arrive with rtpmap lines.
  EXPECT_EQ(find_codec_by_pt(audio, 0)->name, "PCMU");
  EXPECT_EQ(find_extmap_id(audio, ext::kAudioLevel), 1);
  EXPECT_EQ(find_extmap_id(audio, ext::kAbsSendTime), 2);
  EXPECT_EQ(find_extmap_id(audio, ext::kTransportCc), 3);
  EXPECT_EQ(find_extmap_id(audio, ext::kMid), 4);
}

void expect_vp8_with_rtx(const MediaSection& video) {
  ASSERT_EQ(video.kind, MediaKind::video);
  const Codec* vp8 = find_codec(video, "vp8");
  ASSERT_NE(vp8, nullptr);
  EXPECT_EQ(vp8->pt, 96);
  EXPECT_EQ(vp8->clock_rate, 90000u);
  EXPECT_FALSE(vp8->channels);
  using Fb = std::pair<const char*, const char*>;
  for (auto [type, param] : {Fb{"nack", ""}, Fb{"nack", "pli"}, Fb{"ccm", "fir"},
                             Fb{"transport-cc", ""}, Fb{"goog-remb", ""}})
    EXPECT_TRUE(has_rtcp_fb(video, *vp8, type, param)) << type << " " << param;
  EXPECT_FALSE(has_rtcp_fb(video, *vp8, "nack", "sli"));
  const Codec* rtx = find_rtx(video, vp8->pt);
  ASSERT_NE(rtx, nullptr);
  EXPECT_EQ(rtx->pt, 97);
  EXPECT_EQ(rtx_apt(*rtx), 96);
  // Every rtx in the section points at a codec that exists.
  for (const auto& c : video.codecs) {
    if (c.name != "rtx") continue;
    auto apt = rtx_apt(c);
    ASSERT_TRUE(apt) << "rtx " << int(c.pt);
    EXPECT_NE(find_codec_by_pt(video, *apt), nullptr);
  }
  EXPECT_EQ(find_extmap_id(video, ext::kAbsSendTime), 2);
  EXPECT_EQ(find_extmap_id(video, ext::kTransportCc), 3);
  EXPECT_EQ(find_extmap_id(video, ext::kMid), 4);
  EXPECT_EQ(find_extmap_id(video, ext::kRid), 10);
  EXPECT_EQ(find_extmap_id(video, ext::kRepairedRid), 11);
  EXPECT_EQ(find_extmap_id(video, ext::kVideoOrientation), 13);
  EXPECT_FALSE(find_extmap_id(video, ext::kAudioLevel));
}

TEST(SdpFixtures, SendRecvAudioVideo) {
  auto sd = parse_fixture("a-sendrecv.sdp");
  EXPECT_EQ(sd.origin.username, "-");
  EXPECT_EQ(sd.origin.session_version, 2u);
  EXPECT_EQ(sd.timings, (std::vector<Timing>{Timing{0, 0}}));
  ASSERT_EQ(sd.media.size(), 2u);
  EXPECT_EQ(sd.media[0].mid, "0");
  EXPECT_EQ(sd.media[1].mid, "1");
  const Group* bundle = bundle_group(sd);
  ASSERT_NE(bundle, nullptr);
  EXPECT_EQ(bundle->mids, (std::vector<std::string>{"0", "1"}));
  EXPECT_TRUE(sd.extmap_allow_mixed);
  EXPECT_FALSE(sd.ice_lite);
  ASSERT_TRUE(sd.msid_semantic);
  EXPECT_EQ(sd.msid_semantic->semantic, "WMS");
  ASSERT_EQ(sd.msid_semantic->stream_ids.size(), 1u);

  for (const auto& m : sd.media) {
    expect_chromium_transport(sd, m);
    EXPECT_EQ(m.effective_direction(), Direction::sendrecv);
    ASSERT_EQ(m.msids.size(), 1u);
    EXPECT_EQ(m.msids[0].stream_id, sd.msid_semantic->stream_ids[0]);  // lip-sync group
    EXPECT_EQ(m.port, 9);
    ASSERT_TRUE(m.connection);
    EXPECT_EQ(m.connection->address, "0.0.0.0");
  }
  expect_opus(sd.media[0]);
  expect_vp8_with_rtx(sd.media[1]);

  // Audio: one SSRC; video: primary + RTX bound by FID, all with one CNAME.
  auto audio_streams = send_streams(sd.media[0]);
  ASSERT_EQ(audio_streams.size(), 1u);
  EXPECT_FALSE(audio_streams[0].rtx_ssrc);
  auto video_streams = send_streams(sd.media[1]);
  ASSERT_EQ(video_streams.size(), 1u);
  ASSERT_TRUE(video_streams[0].ssrc && video_streams[0].rtx_ssrc);
  EXPECT_NE(*video_streams[0].ssrc, *video_streams[0].rtx_ssrc);
  ASSERT_EQ(sd.media[1].ssrc_groups.size(), 1u);
  EXPECT_EQ(sd.media[1].ssrc_groups[0].semantics, "FID");
  auto cname = ssrc_attribute(sd.media[0], *audio_streams[0].ssrc, "cname");
  ASSERT_TRUE(cname);
  EXPECT_EQ(ssrc_attribute(sd.media[1], *video_streams[0].ssrc, "cname"), cname);
  EXPECT_EQ(ssrc_attribute(sd.media[1], *video_streams[0].rtx_ssrc, "cname"), cname);

  // Attributes the parser does not interpret survive as raw name/value pairs.
  const auto& raw = sd.media[0].attributes;
  ASSERT_EQ(raw.size(), 2u);
  EXPECT_EQ(raw[0], (Attribute{"rtcp", "9 IN IP4 0.0.0.0"}));
  EXPECT_EQ(raw[1], (Attribute{"rtcp-xr", "rcvr-rtt=all"}));
}

TEST(SdpFixtures, SendRecvH264ProfilesMatchByProfileNotString) {
  auto sd = parse_fixture("a-sendrecv.sdp");
  const MediaSection& video = sd.media[1];
  // A constrained-baseline offer written differently (42c01f vs Chrome's 42e01f) still
  // maps to Chrome's constrained-baseline, packetization-mode=1 payload type.
  Codec wanted{.name = "H264", .clock_rate = 90000};
  wanted.fmtp_params = {{"profile-level-id", "42c01f"}, {"packetization-mode", "1"}};
  const Codec* match = find_matching_codec(video, wanted);
  ASSERT_NE(match, nullptr);
  EXPECT_EQ(match->pt, 108);
  EXPECT_EQ(fmtp_value(*match, "profile-level-id"), "42e01f");
  // Plain baseline, mode 1 -> 102; mode 0 -> 104; main -> 116.
  wanted.fmtp_params = {{"profile-level-id", "42001f"}, {"packetization-mode", "1"}};
  EXPECT_EQ(find_matching_codec(video, wanted)->pt, 102);
  wanted.fmtp_params = {{"profile-level-id", "42001f"}};  // mode defaults to 0
  EXPECT_EQ(find_matching_codec(video, wanted)->pt, 104);
  wanted.fmtp_params = {{"profile-level-id", "4d0032"}, {"packetization-mode", "1"}};
  EXPECT_EQ(find_matching_codec(video, wanted)->pt, 116);  // level differs, profile same
  wanted.fmtp_params = {{"profile-level-id", "640032"}, {"packetization-mode", "1"}};
  EXPECT_EQ(find_matching_codec(video, wanted), nullptr);  // High not offered here
  // The RTX for each H264 entry is found by apt.
  EXPECT_EQ(find_rtx(video, 108)->pt, 109);
  EXPECT_EQ(find_rtx(video, 102)->pt, 103);
}

TEST(SdpFixtures, SimulcastSendOnlyRids) {
  auto sd = parse_fixture("b-simulcast-sendonly.sdp");
  ASSERT_EQ(sd.media.size(), 2u);
  EXPECT_EQ(bundle_group(sd)->mids, (std::vector<std::string>{"0", "1"}));
  for (const auto& m : sd.media) {
    expect_chromium_transport(sd, m);
    EXPECT_EQ(m.direction, Direction::sendonly);
  }
  expect_opus(sd.media[0]);
  const MediaSection& video = sd.media[1];
  expect_vp8_with_rtx(video);
  EXPECT_EQ(video.codecs.front().name, "VP8");  // setCodecPreferences put it first
  EXPECT_EQ(find_extmap_id(video, ext::kDependencyDescriptor), 12);

  ASSERT_EQ(video.rids.size(), 3u);
  const char* ids[] = {"q", "h", "f"};
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(video.rids[i].id, ids[i]);
    EXPECT_EQ(video.rids[i].direction, RidDirection::send);
    EXPECT_TRUE(video.rids[i].params.empty());
  }
  ASSERT_TRUE(video.simulcast);
  EXPECT_TRUE(video.simulcast->recv.empty());
  ASSERT_EQ(video.simulcast->send.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i)
    EXPECT_EQ(video.simulcast->send[i], (std::vector<SimulcastRid>{{ids[i], false}}));
  // RID simulcast announces no SSRCs: the SFU learns them from the rid header extension.
  EXPECT_TRUE(video.ssrcs.empty());
  auto streams = send_streams(video);
  ASSERT_EQ(streams.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(streams[i].rid, ids[i]);
    EXPECT_FALSE(streams[i].ssrc);
  }
  EXPECT_EQ(send_streams(sd.media[0]).size(), 1u);  // audio keeps its SSRC line
}

TEST(SdpFixtures, RecvOnlyTransceivers) {
  auto sd = parse_fixture("c-recvonly.sdp");
  ASSERT_EQ(sd.media.size(), 2u);
  EXPECT_EQ(sd.media[0].kind, MediaKind::audio);
  EXPECT_EQ(sd.media[1].kind, MediaKind::video);
  ASSERT_TRUE(sd.msid_semantic);
  EXPECT_TRUE(sd.msid_semantic->stream_ids.empty());  // "a=msid-semantic: WMS"
  for (const auto& m : sd.media) {
    expect_chromium_transport(sd, m);
    EXPECT_EQ(m.direction, Direction::recvonly);
    EXPECT_TRUE(m.msids.empty());
    EXPECT_TRUE(m.ssrcs.empty());
    EXPECT_TRUE(send_streams(m).empty());
  }
  expect_opus(sd.media[0]);
  const MediaSection& video = sd.media[1];
  expect_vp8_with_rtx(video);
  // Receive side lists every decoder, including payload types below 96 (pion#2914).
  EXPECT_EQ(video.codecs.size(), video.payload_types.size());
  const Codec* vp9_profile1 = find_codec_by_pt(video, 35);
  ASSERT_NE(vp9_profile1, nullptr);
  EXPECT_EQ(vp9_profile1->name, "VP9");
  EXPECT_EQ(fmtp_value(*vp9_profile1, "profile-id"), "1");
  EXPECT_EQ(find_codec(video, "flexfec-03")->pt, 49);
  Codec high444{.name = "H264", .clock_rate = 90000};
  high444.fmtp_params = {{"profile-level-id", "f4001f"}, {"packetization-mode", "1"}};
  EXPECT_EQ(find_matching_codec(video, high444)->pt, 41);
}

TEST(SdpFixtures, ReofferAddsScreenShareSection) {
  auto first = parse_fixture("d-initial.sdp");
  auto second = parse_fixture("d-reoffer-screenshare.sdp");
  ASSERT_EQ(first.media.size(), 2u);
  ASSERT_EQ(second.media.size(), 3u);
  // Same session, next version (RFC 8829 §5.2.2).
  EXPECT_EQ(second.origin.session_id, first.origin.session_id);
  EXPECT_EQ(second.origin.session_version, first.origin.session_version + 1);
  EXPECT_EQ(bundle_group(second)->mids, (std::vector<std::string>{"0", "1", "2"}));
  // Existing sections are unchanged, field by field.
  EXPECT_EQ(second.media[0], first.media[0]);
  EXPECT_EQ(second.media[1], first.media[1]);
  const MediaSection& screen = second.media[2];
  EXPECT_EQ(screen.kind, MediaKind::video);
  EXPECT_EQ(screen.mid, "2");
  EXPECT_EQ(find_media(second, "2"), &screen);
  expect_chromium_transport(second, screen);
  expect_vp8_with_rtx(screen);
  ASSERT_EQ(screen.msids.size(), 1u);
  EXPECT_NE(screen.msids[0].stream_id, second.media[1].msids[0].stream_id);  // own stream
  auto camera = send_streams(second.media[1]);
  auto share = send_streams(screen);
  ASSERT_EQ(share.size(), 1u);
  ASSERT_TRUE(share[0].ssrc && share[0].rtx_ssrc);
  EXPECT_NE(share[0].ssrc, camera.at(0).ssrc);
  EXPECT_EQ(ssrc_attribute(screen, *share[0].ssrc, "cname"),
            ssrc_attribute(second.media[1], *camera.at(0).ssrc, "cname"));
}

TEST(SdpFixtures, GatheredCandidates) {
  auto sd = parse_fixture("e-candidates.sdp");
  ASSERT_EQ(sd.media.size(), 3u);
  EXPECT_EQ(bundle_group(sd)->mids, (std::vector<std::string>{"0", "1", "2"}));
  const MediaSection& data = sd.media[2];
  EXPECT_EQ(data.kind, MediaKind::application);
  EXPECT_EQ(data.proto, "UDP/DTLS/SCTP");
  EXPECT_EQ(data.formats, std::vector<std::string>{"webrtc-datachannel"});
  EXPECT_TRUE(data.codecs.empty());
  EXPECT_FALSE(data.direction);
  EXPECT_EQ(data.attributes.at(0), (Attribute{"sctp-port", "5000"}));

  for (const auto& m : sd.media) {
    expect_chromium_transport(sd, m);
    ASSERT_TRUE(m.connection);
    EXPECT_EQ(m.connection->address, "127.0.0.1");
    ASSERT_EQ(m.candidates.size(), 8u);
    const Candidate& first = m.candidates[0];
    EXPECT_EQ(first.component, 1);
    EXPECT_EQ(first.transport, "udp");
    EXPECT_EQ(first.address, "127.0.0.1");
    EXPECT_EQ(first.port, m.port);  // default candidate is on the m= line
    EXPECT_EQ(first.type, "host");
    EXPECT_FALSE(first.foundation.empty());
    ASSERT_GE(first.extensions.size(), 1u);
    EXPECT_EQ(first.extensions[0], (std::pair<std::string, std::string>{"generation", "0"}));
    std::size_t udp = 0, tcp = 0, ipv6 = 0;
    for (const auto& c : m.candidates) {
      EXPECT_EQ(c.type, "host");
      if (c.address.find(':') != std::string::npos) ++ipv6;
      if (c.transport == "udp") {
        ++udp;
        // RFC 8445 §5.1.2.1: host type preference 126, component 1 -> low byte 255.
        EXPECT_EQ(c.priority >> 24, 126u);
        EXPECT_EQ(c.priority & 0xff, 255u);
      } else {
        ++tcp;
        EXPECT_EQ(c.tcp_type, "active");
        EXPECT_EQ(c.port, 9);
      }
    }
    EXPECT_EQ(udp, 4u);
    EXPECT_EQ(tcp, 4u);
    EXPECT_EQ(ipv6, 4u);
  }
  expect_opus(sd.media[0]);
  expect_vp8_with_rtx(sd.media[1]);
}

}  // namespace
}  // namespace haven::sfu::sdp
