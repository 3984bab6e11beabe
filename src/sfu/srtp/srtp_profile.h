// SRTP protection profiles negotiated by DTLS-SRTP and the master keys derived for them.
// Shared by the DTLS transport (which exports the keys) and SrtpSession (which uses them).
#pragma once

#include <openssl/crypto.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace haven::sfu {

// Values are the IANA DTLS-SRTP protection profile identifiers (RFC 5764 §4.1.2,
// RFC 7714 §14.2), which is also what SSL_get_selected_srtp_profile()->id holds.
enum class SrtpProfile : std::uint16_t {
  aes128_cm_hmac_sha1_80 = 0x0001,
  aead_aes_128_gcm = 0x0007,
};

// Master key and salt lengths: RFC 5764 §4.1.2 (AES-CM: 128-bit key, 112-bit salt) and
// RFC 7714 §12 (AES-GCM-128: 128-bit key, 96-bit salt).
constexpr std::size_t srtp_key_length(SrtpProfile) noexcept {
  return 16;
}
constexpr std::size_t srtp_salt_length(SrtpProfile p) noexcept {
  return p == SrtpProfile::aead_aes_128_gcm ? 12 : 14;
}
constexpr std::size_t srtp_key_salt_length(SrtpProfile p) noexcept {
  return srtp_key_length(p) + srtp_salt_length(p);
}

// The name OpenSSL uses in SSL_CTX_set_tlsext_use_srtp().
constexpr std::string_view srtp_profile_openssl_name(SrtpProfile p) noexcept {
  return p == SrtpProfile::aead_aes_128_gcm ? "SRTP_AEAD_AES_128_GCM" : "SRTP_AES128_CM_SHA1_80";
}

constexpr std::optional<SrtpProfile> srtp_profile_from_id(std::uint64_t id) noexcept {
  switch (id) {
    case 0x0001:
      return SrtpProfile::aes128_cm_hmac_sha1_80;
    case 0x0007:
      return SrtpProfile::aead_aes_128_gcm;
    default:
      return std::nullopt;
  }
}

// key‖salt for one direction, in the layout libsrtp expects for policy.key. Fixed storage
// (the largest supported profile needs 30 bytes) so it copies without allocating; wiped
// on destruction.
class SrtpMasterKey {
 public:
  static constexpr std::size_t kCapacity = 32;

  SrtpMasterKey() = default;
  SrtpMasterKey(SrtpProfile profile, std::span<const std::uint8_t> key,
                std::span<const std::uint8_t> salt) noexcept
      : key_length_(key.size()), salt_length_(salt.size()) {
    if (key.size() + salt.size() > kCapacity || key.size() != srtp_key_length(profile) ||
        salt.size() != srtp_salt_length(profile)) {
      key_length_ = salt_length_ = 0;
      return;
    }
    std::size_t i = 0;
    for (auto b : key) bytes_[i++] = b;
    for (auto b : salt) bytes_[i++] = b;
  }
  SrtpMasterKey(const SrtpMasterKey&) = default;
  SrtpMasterKey& operator=(const SrtpMasterKey&) = default;
  ~SrtpMasterKey() { OPENSSL_cleanse(bytes_.data(), bytes_.size()); }

  std::span<const std::uint8_t> key_salt() const noexcept {
    return {bytes_.data(), key_length_ + salt_length_};
  }
  std::span<const std::uint8_t> key() const noexcept { return {bytes_.data(), key_length_}; }
  std::span<const std::uint8_t> salt() const noexcept {
    return {bytes_.data() + key_length_, salt_length_};
  }
  bool empty() const noexcept { return key_length_ == 0; }

 private:
  std::array<std::uint8_t, kCapacity> bytes_{};
  std::size_t key_length_ = 0;
  std::size_t salt_length_ = 0;
};

// What a connected DTLS transport hands out (RFC 5764 §4.2). "local" protects what we
// send (outbound SrtpSession); "remote" unprotects what the peer sends (inbound).
struct SrtpKeys {
  SrtpProfile profile = SrtpProfile::aes128_cm_hmac_sha1_80;
  SrtpMasterKey local;
  SrtpMasterKey remote;
};

}  // namespace haven::sfu
