#include "sfu/routing/codec_info.h"

#include <cctype>
#include <cstddef>

#include "sfu/rtp/vp8_descriptor.h"

namespace haven::sfu::routing {
namespace {

// RFC 9628 §4.2 payload descriptor: I P L F B E V Z, then the optional PictureID (I) and
// layer indices (L: TID U SID D). Flexible mode (F) puts reference indices after them,
// which the key-frame test does not need.
bool is_vp9_keyframe(std::span<const std::uint8_t> p) noexcept {
  if (p.empty()) return false;
  const std::uint8_t b0 = p[0];
  const bool inter_predicted = (b0 & 0x40) != 0;
  const bool has_layers = (b0 & 0x20) != 0;
  const bool begins_frame = (b0 & 0x08) != 0;
  if (inter_predicted || !begins_frame) return false;
  std::size_t pos = 1;
  if ((b0 & 0x80) != 0) {  // PictureID: 7 bits, or 15 with the M bit
    if (pos >= p.size()) return false;
    pos += (p[pos] & 0x80) != 0 ? 2 : 1;
  }
  if (!has_layers) return true;
  if (pos >= p.size()) return false;
  const std::uint8_t spatial_id = (p[pos] >> 1) & 0x07;
  return spatial_id == 0;
}

bool is_h264_key_nal(std::uint8_t nal_type) noexcept {
  return nal_type == 5 || nal_type == 7;  // IDR slice, sequence parameter set
}

bool is_h264_keyframe(std::span<const std::uint8_t> p) noexcept {
  if (p.empty()) return false;
  const std::uint8_t type = p[0] & 0x1F;
  if (type >= 1 && type <= 23) return is_h264_key_nal(type);
  if (type == 24) {  // STAP-A: (16-bit size, NAL unit)*
    std::size_t pos = 1;
    while (pos + 2 < p.size()) {
      const std::size_t size = (std::size_t{p[pos]} << 8) | p[pos + 1];
      pos += 2;
      if (size == 0 || pos + size > p.size()) return false;
      if (is_h264_key_nal(p[pos] & 0x1F)) return true;
      pos += size;
    }
    return false;
  }
  if (type == 28) {  // FU-A: FU indicator, FU header (S E R type)
    if (p.size() < 2) return false;
    const bool start = (p[1] & 0x80) != 0;
    return start && is_h264_key_nal(p[1] & 0x1F);
  }
  return false;
}

}  // namespace

bool names_equal(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

CodecKind codec_kind(std::string_view name) noexcept {
  if (names_equal(name, "opus")) return CodecKind::opus;
  if (names_equal(name, "VP8")) return CodecKind::vp8;
  if (names_equal(name, "VP9")) return CodecKind::vp9;
  if (names_equal(name, "H264")) return CodecKind::h264;
  if (names_equal(name, "AV1")) return CodecKind::av1;
  return CodecKind::other;
}

bool keyframe_detectable(CodecKind kind) noexcept {
  return kind == CodecKind::vp8 || kind == CodecKind::vp9 || kind == CodecKind::h264;
}

bool is_keyframe(CodecKind kind, std::span<const std::uint8_t> payload) noexcept {
  switch (kind) {
    case CodecKind::vp8:
      return rtp::is_vp8_keyframe(payload);
    case CodecKind::vp9:
      return is_vp9_keyframe(payload);
    case CodecKind::h264:
      return is_h264_keyframe(payload);
    default:
      return false;
  }
}

bool has_feedback(const CodecParameters& codec, std::string_view feedback) noexcept {
  for (const auto& fb : codec.rtcp_feedback) {
    if (names_equal(fb, feedback)) return true;
  }
  return false;
}

}  // namespace haven::sfu::routing
