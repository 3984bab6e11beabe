// Client-to-mixer audio level header extension (RFC 6464), urn:ietf:params:rtp-hdrext:
// ssrc-audio-level. The SFU proxies it to subscribers and reads it for active-speaker
// detection without touching the (possibly end-to-end encrypted) Opus payload.
#pragma once

#include <cstdint>
#include <optional>
#include <span>

namespace haven::sfu::rtp {

struct AudioLevel {
  bool voice_activity = false;  // V bit: the sender's VAD says this packet holds speech
  std::uint8_t level = 127;     // 0..127, the level in -dBov (0 = loudest, 127 = silence)

  bool operator==(const AudioLevel&) const = default;
};

// Parses the extension value (RFC 6464 §3: one byte, V bit then 7-bit level). Longer
// values (a sender padding the element) are accepted and only the first byte is read.
std::optional<AudioLevel> parse_audio_level(std::span<const std::uint8_t> value) noexcept;

// The one-byte value for `level` (levels above 127 are clamped to 127).
std::uint8_t encode_audio_level(AudioLevel level) noexcept;

}  // namespace haven::sfu::rtp
