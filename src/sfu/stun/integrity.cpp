#include "sfu/stun/integrity.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <string>

#include "sfu/limits.h"
#include "sfu/stun/crc32.h"
#include "sfu/stun/message.h"
#include "sfu/stun/wire.h"

namespace haven::sfu::stun {
namespace {

// ICE passwords are 22–256 characters (RFC 8839 §5.4); anything far beyond is not a key
// we would ever hold, and the bound keeps the int conversion for OpenSSL trivially safe.
constexpr std::size_t kMaxKey = 4096;

}  // namespace

std::optional<HmacSha1> compute_message_integrity(std::span<const std::uint8_t> prefix,
                                                  std::span<const std::uint8_t> key) noexcept {
  if (prefix.size() < kHeaderSize || prefix.size() % 4 != 0 ||
      prefix.size() + kIntegrityAttributeSize > kMaxDatagram || key.size() > kMaxKey) {
    return std::nullopt;
  }
  // One-shot HMAC() needs contiguous input, so patch the length in a stack copy
  // (≤ 1500 bytes) rather than allocate.
  std::array<std::uint8_t, kMaxDatagram> buf;
  std::copy(prefix.begin(), prefix.end(), buf.begin());
  wire::store16(buf, 2,
                static_cast<std::uint16_t>(prefix.size() - kHeaderSize + kIntegrityAttributeSize));
  static const std::uint8_t kEmptyKey = 0;
  HmacSha1 mac{};
  unsigned int mac_len = 0;
  if (HMAC(EVP_sha1(), key.empty() ? &kEmptyKey : key.data(), static_cast<int>(key.size()),
           buf.data(), prefix.size(), mac.data(), &mac_len) == nullptr ||
      mac_len != mac.size()) {
    ERR_clear_error();
    return std::nullopt;
  }
  return mac;
}

std::uint32_t compute_fingerprint(std::span<const std::uint8_t> prefix) noexcept {
  if (prefix.size() < kHeaderSize) return 0;
  std::array<std::uint8_t, 2> length{};
  wire::store16(
      length, 0,
      static_cast<std::uint16_t>(prefix.size() - kHeaderSize + kFingerprintAttributeSize));
  std::uint32_t crc = crc32(prefix.first(2));
  crc = crc32(length, crc);
  crc = crc32(prefix.subspan(4), crc);
  return crc ^ kFingerprintXor;
}

bool verify_message_integrity(std::span<const std::uint8_t> message,
                              std::span<const std::uint8_t> key) noexcept {
  if (message.size() < kHeaderSize || message.size() > kMaxDatagram) return false;
  if (wire::load32(message, 4) != kMagicCookie) return false;
  if (wire::load16(message, 2) != message.size() - kHeaderSize) return false;
  std::size_t pos = kHeaderSize;
  while (message.size() - pos >= kAttributeHeaderSize) {
    const std::uint16_t type = wire::load16(message, pos);
    const std::uint16_t length = wire::load16(message, pos + 2);
    const std::size_t room = message.size() - pos - kAttributeHeaderSize;
    if (wire::padded(length) > room) return false;
    if (type == attr::kFingerprint) return false;  // MI after FINGERPRINT is never valid
    if (type == attr::kMessageIntegrity) {
      if (length != kIntegritySize) return false;
      const auto expected = compute_message_integrity(message.first(pos), key);
      if (!expected) return false;
      return CRYPTO_memcmp(expected->data(), message.data() + pos + kAttributeHeaderSize,
                           kIntegritySize) == 0;
    }
    pos += kAttributeHeaderSize + wire::padded(length);
  }
  return false;
}

std::optional<std::array<std::uint8_t, 16>> long_term_key(std::string_view username,
                                                          std::string_view realm,
                                                          std::string_view password) noexcept {
  try {
    std::string input;
    input.reserve(username.size() + realm.size() + password.size() + 2);
    input.append(username).append(":").append(realm).append(":").append(password);
    std::array<std::uint8_t, 16> key{};
    unsigned int len = 0;
    if (EVP_Digest(input.data(), input.size(), key.data(), &len, EVP_md5(), nullptr) != 1 ||
        len != key.size()) {
      ERR_clear_error();  // e.g. MD5 unavailable under a FIPS-only provider
      return std::nullopt;
    }
    return key;
  } catch (...) {  // std::bad_alloc from the concatenation
    return std::nullopt;
  }
}

}  // namespace haven::sfu::stun
