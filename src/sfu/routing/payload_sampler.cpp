#include "sfu/routing/payload_sampler.h"

#include <algorithm>
#include <cstring>

#include "util/secret_bytes.h"

namespace haven::sfu::routing {
namespace {

const char* codec_name(CodecKind codec) noexcept {
  switch (codec) {
    case CodecKind::opus:
      return "opus";
    case CodecKind::vp8:
      return "vp8";
    case CodecKind::vp9:
      return "vp9";
    case CodecKind::h264:
      return "h264";
    case CodecKind::av1:
      return "av1";
    case CodecKind::other:
      break;
  }
  return "other";
}

}  // namespace

void PayloadSampler::offer(MediaKind kind, CodecKind codec, std::uint32_t ssrc,
                           std::span<const std::uint8_t> payload) noexcept {
  Sample& s = ring_[written_ % kCapacity];
  s.kind = kind;
  s.codec = codec;
  s.ssrc = ssrc;
  s.size = static_cast<std::uint16_t>(std::min<std::size_t>(payload.size(), 0xFFFF));
  s.length = static_cast<std::uint8_t>(std::min(payload.size(), kHeadBytes));
  std::memcpy(s.head.data(), payload.data(), s.length);
  ++written_;
}

std::string PayloadSampler::drain_json_lines() {
  drained_ = std::max(drained_, written_ > kCapacity ? written_ - kCapacity : 0);
  std::string out;
  for (; drained_ < written_; ++drained_) {
    const Sample& s = ring_[drained_ % kCapacity];
    out += R"({"kind":")";
    out += s.kind == MediaKind::video ? "video" : "audio";
    out += R"(","codec":")";
    out += codec_name(s.codec);
    out += R"(","ssrc":)" + std::to_string(s.ssrc) + R"(,"size":)" + std::to_string(s.size) +
           R"(,"head":")";
    out += to_hex(s.head.data(), s.length);
    out += "\"}\n";
  }
  return out;
}

}  // namespace haven::sfu::routing
