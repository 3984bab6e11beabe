#include "crypto/field_cipher.h"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "util/secret_bytes.h"

namespace haven {

FieldCipher::FieldCipher(std::span<const std::uint8_t> key, const char* purpose) {
  if (key.size() != crypto_kdf_KEYBYTES) throw std::runtime_error("field cipher key size");
  char context[crypto_kdf_CONTEXTBYTES] = {};
  std::memcpy(context, purpose, std::min(std::strlen(purpose), sizeof context));
  crypto_kdf_derive_from_key(key_, sizeof key_, 1, context, key.data());
}

FieldCipher::~FieldCipher() {
  sodium_memzero(key_, sizeof key_);
}

std::string FieldCipher::seal(const std::vector<std::uint8_t>& plaintext,
                              const std::string& row_id) const {
  constexpr auto nonce_len = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::vector<std::uint8_t> out(nonce_len + plaintext.size() +
                                crypto_aead_xchacha20poly1305_ietf_ABYTES);
  randombytes_buf(out.data(), nonce_len);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + nonce_len, &len, plaintext.data(),
                                             plaintext.size(),
                                             reinterpret_cast<const unsigned char*>(row_id.data()),
                                             row_id.size(), nullptr, out.data(), key_);
  return to_base64url(out.data(), nonce_len + len);
}

std::optional<std::vector<std::uint8_t>> FieldCipher::open(const std::string& sealed,
                                                           const std::string& row_id) const {
  constexpr auto nonce_len = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  constexpr auto tag_len = crypto_aead_xchacha20poly1305_ietf_ABYTES;
  auto bytes = from_base64url(sealed);
  if (!bytes || bytes->size() < nonce_len + tag_len) return std::nullopt;
  std::vector<std::uint8_t> plain(bytes->size() - nonce_len - tag_len);
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          plain.data(), &len, nullptr, bytes->data() + nonce_len, bytes->size() - nonce_len,
          reinterpret_cast<const unsigned char*>(row_id.data()), row_id.size(), bytes->data(),
          key_) != 0) {
    return std::nullopt;
  }
  plain.resize(len);
  return plain;
}

}  // namespace haven
