// MESSAGE-INTEGRITY (HMAC-SHA1, RFC 8489 §14.5) and FINGERPRINT (CRC-32, §14.7). Both
// are computed over the message up to the attribute, with the header's length field
// rewritten as if the message ended right after that attribute — the detail every
// hand-rolled STUN stack gets wrong once.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace haven::sfu::stun {

inline constexpr std::uint32_t kFingerprintXor = 0x5354554E;  // "STUN"
inline constexpr std::size_t kIntegrityAttributeSize = 24;    // 4 header + 20 HMAC
inline constexpr std::size_t kFingerprintAttributeSize = 8;   // 4 header + 4 CRC

using HmacSha1 = std::array<std::uint8_t, 20>;

// HMAC-SHA1 for a MESSAGE-INTEGRITY attribute that would start right after `prefix`
// (header + preceding attributes); the length field is taken as prefix.size() - 20 + 24.
// nullopt when prefix is not a plausible STUN prefix or OpenSSL fails (error queue
// cleared). Never throws.
std::optional<HmacSha1> compute_message_integrity(std::span<const std::uint8_t> prefix,
                                                  std::span<const std::uint8_t> key) noexcept;

// FINGERPRINT value for an attribute that would start right after `prefix`: CRC-32 of the
// prefix with the length field as prefix.size() - 20 + 8, XOR 0x5354554E. Requires
// prefix.size() >= 20.
std::uint32_t compute_fingerprint(std::span<const std::uint8_t> prefix) noexcept;

// Verifies the first MESSAGE-INTEGRITY of a raw message with `key`. Short-term
// credentials (ICE): key = the password bytes as-is — RFC 8445 §7.2.2 uses the ice-pwd
// without SASLprep/OpaqueString. Checks header and attribute framing itself, so it is
// safe on unparsed input; false when there is no (well-formed) MESSAGE-INTEGRITY.
// Constant-time comparison (CRYPTO_memcmp).
bool verify_message_integrity(std::span<const std::uint8_t> message,
                              std::span<const std::uint8_t> key) noexcept;

inline bool verify_message_integrity(std::span<const std::uint8_t> message,
                                     std::string_view password) noexcept {
  return verify_message_integrity(
      message, std::span(reinterpret_cast<const std::uint8_t*>(password.data()), password.size()));
}

// Long-term credential key, RFC 8489 §9.2.2: MD5(username ":" realm ":" password), with
// the password already OpaqueString-processed by the caller (we do no SASLprep). Only used
// to check the RFC 5769 §2.4 vector; WebRTC ICE never uses long-term credentials.
std::optional<std::array<std::uint8_t, 16>> long_term_key(std::string_view username,
                                                          std::string_view realm,
                                                          std::string_view password) noexcept;

}  // namespace haven::sfu::stun
