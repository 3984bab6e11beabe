// Encryption of single secret fields at rest that handlers seal themselves (TOTP
// secrets). XChaCha20-Poly1305 (libsodium) with a subkey derived per purpose from an
// installation key the keyring keeps wrapped (store/field_sealer.h, "system:fields"),
// so a master key rotation does not change it; the row id is the associated data so a
// ciphertext cannot be moved to another row. PHI fields are sealed at the store boundary
// instead (crypto/sealing.h), under per-patient and per-practice data keys.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace haven {

class FieldCipher {
 public:
  // key: 32 bytes (crypto_kdf_KEYBYTES). purpose: up to 8 characters, e.g. "totp".
  FieldCipher(std::span<const std::uint8_t> key, const char* purpose);
  ~FieldCipher();
  FieldCipher(const FieldCipher&) = delete;
  FieldCipher& operator=(const FieldCipher&) = delete;

  // base64url(nonce || ciphertext || tag)
  std::string seal(const std::vector<std::uint8_t>& plaintext, const std::string& row_id) const;
  std::optional<std::vector<std::uint8_t>> open(const std::string& sealed,
                                                const std::string& row_id) const;

 private:
  std::uint8_t key_[32];
};

}  // namespace haven
