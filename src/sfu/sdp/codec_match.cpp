// Codec equivalence rules; see codec_match.h for the why of each.
#include "sfu/sdp/codec_match.h"

#include <array>

#include "sfu/sdp/text.h"

namespace haven::sfu::sdp {

namespace {

// profile-iop bit pattern, most significant bit first; 'x' = don't care.
struct ProfilePattern {
  std::uint8_t profile_idc;
  const char* iop_bits;
  H264Profile profile;
};

// Order matters: constrained variants are checked before the plain ones they overlap.
// Source: RFC 6184 §8.1 table 5 as encoded in webrtc/api/video_codecs/h264_profile_level_id.cc.
constexpr std::array<ProfilePattern, 9> kProfilePatterns{{
    {0x42, "x1xx0000", H264Profile::constrained_baseline},
    {0x4D, "1xxx0000", H264Profile::constrained_baseline},
    {0x58, "11xx0000", H264Profile::constrained_baseline},
    {0x42, "x0xx0000", H264Profile::baseline},
    {0x58, "10xx0000", H264Profile::baseline},
    {0x4D, "0x0x0000", H264Profile::main},
    {0x64, "00000000", H264Profile::high},
    {0x64, "00001100", H264Profile::constrained_high},
    {0xF4, "00000000", H264Profile::predictive_high_444},
}};

bool matches_bits(const char* pattern, std::uint8_t value) {
  for (int i = 0; i < 8; ++i) {
    bool bit = (value >> (7 - i)) & 1;
    if (pattern[i] == 'x') continue;
    if ((pattern[i] == '1') != bit) return false;
  }
  return true;
}

std::string_view value_or(const Codec& c, std::string_view key, std::string_view fallback) {
  auto v = fmtp_value(c, key);
  return v ? *v : fallback;
}

}  // namespace

std::optional<H264ProfileLevel> parse_h264_profile_level_id(std::string_view hex) {
  if (hex.size() != 6) return std::nullopt;
  std::array<std::uint8_t, 3> bytes{};
  for (std::size_t i = 0; i < 3; ++i) {
    int hi = text::hex_value(hex[2 * i]);
    int lo = text::hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
  for (const auto& p : kProfilePatterns)
    if (p.profile_idc == bytes[0] && matches_bits(p.iop_bits, bytes[1]))
      return H264ProfileLevel{p.profile, bytes[2]};
  return std::nullopt;
}

std::optional<std::string_view> fmtp_value(const Codec& codec, std::string_view key) {
  for (const auto& [k, v] : codec.fmtp_params)
    if (text::iequals(k, key)) return std::string_view(v);
  return std::nullopt;
}

bool codecs_match(const Codec& a, const Codec& b) {
  if (!text::iequals(a.name, b.name) || a.clock_rate != b.clock_rate) return false;
  if (a.channels.value_or(1) != b.channels.value_or(1)) return false;
  if (text::iequals(a.name, "H264")) {
    // RFC 6184 §8.1: packetization-mode defaults to 0, profile-level-id to 420010.
    if (value_or(a, "packetization-mode", "0") != value_or(b, "packetization-mode", "0"))
      return false;
    auto pa = parse_h264_profile_level_id(value_or(a, "profile-level-id", "420010"));
    auto pb = parse_h264_profile_level_id(value_or(b, "profile-level-id", "420010"));
    return pa && pb && pa->profile == pb->profile;
  }
  if (text::iequals(a.name, "VP9"))  // draft-ietf-payload-vp9 §6: profile-id defaults to 0
    return value_or(a, "profile-id", "0") == value_or(b, "profile-id", "0");
  if (text::iequals(a.name, "AV1"))  // AV1 RTP spec §7.2: profile defaults to 0
    return value_or(a, "profile", "0") == value_or(b, "profile", "0");
  return true;
}

const Codec* find_codec(const MediaSection& m, std::string_view name) {
  for (const auto& c : m.codecs)
    if (text::iequals(c.name, name)) return &c;
  return nullptr;
}

const Codec* find_matching_codec(const MediaSection& m, const Codec& like) {
  for (const auto& c : m.codecs)
    if (codecs_match(c, like)) return &c;
  return nullptr;
}

const Codec* find_codec_by_pt(const MediaSection& m, std::uint8_t pt) {
  for (const auto& c : m.codecs)
    if (c.pt == pt) return &c;
  return nullptr;
}

std::optional<std::uint8_t> rtx_apt(const Codec& codec) {
  if (!text::iequals(codec.name, "rtx")) return std::nullopt;
  auto apt = fmtp_value(codec, "apt");
  if (!apt) return std::nullopt;
  auto pt = text::parse_uint<unsigned>(*apt);
  if (!pt || *pt > 127) return std::nullopt;
  return static_cast<std::uint8_t>(*pt);
}

const Codec* find_rtx(const MediaSection& m, std::uint8_t pt) {
  for (const auto& c : m.codecs)
    if (rtx_apt(c) == pt) return &c;
  return nullptr;
}

bool has_rtcp_fb(const MediaSection& m, const Codec& codec, std::string_view type,
                 std::string_view parameter) {
  auto same = [&](const RtcpFeedback& fb) { return fb.type == type && fb.parameter == parameter; };
  for (const auto& fb : codec.rtcp_fb)
    if (same(fb)) return true;
  for (const auto& fb : m.rtcp_fb_all)
    if (same(fb)) return true;
  return false;
}

}  // namespace haven::sfu::sdp
