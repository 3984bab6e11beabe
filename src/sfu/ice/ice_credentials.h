// ICE username fragment and password (RFC 8445 §5.3, syntax RFC 8839 §5.4).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace haven::sfu::ice {

// mediasoup uses 32 random ice-chars for both; 32 × 6 bits makes ufrag collisions between
// transports (the UDP demuxer routes first packets by ufrag) practically impossible.
inline constexpr std::size_t kGeneratedCredentialLength = 32;

struct IceCredentials {
  std::string ufrag;  // 4–256 ice-chars
  std::string pwd;    // 22–256 ice-chars

  // Fresh random credentials from libsodium. Setup path: throws if libsodium is unusable.
  static IceCredentials generate();

  friend bool operator==(const IceCredentials&, const IceCredentials&) = default;
};

// `n` characters uniformly from ice-char = ALPHA / DIGIT / "+" / "/".
std::string random_ice_chars(std::size_t n);

bool is_ice_chars(std::string_view s) noexcept;
inline bool is_valid_ufrag(std::string_view s) noexcept {
  return s.size() >= 4 && s.size() <= 256 && is_ice_chars(s);
}
inline bool is_valid_pwd(std::string_view s) noexcept {
  return s.size() >= 22 && s.size() <= 256 && is_ice_chars(s);
}

}  // namespace haven::sfu::ice
