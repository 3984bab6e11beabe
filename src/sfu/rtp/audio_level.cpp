#include "sfu/rtp/audio_level.h"

namespace haven::sfu::rtp {

std::optional<AudioLevel> parse_audio_level(std::span<const std::uint8_t> value) noexcept {
  if (value.empty()) return std::nullopt;
  return AudioLevel{(value[0] & 0x80) != 0, static_cast<std::uint8_t>(value[0] & 0x7F)};
}

std::uint8_t encode_audio_level(AudioLevel level) noexcept {
  const std::uint8_t clamped = level.level > 127 ? 127 : level.level;
  return static_cast<std::uint8_t>((level.voice_activity ? 0x80 : 0) | clamped);
}

}  // namespace haven::sfu::rtp
