// Encryption of single secret fields at rest (TOTP secrets now; the audit issue's
// envelope keys build on the same master key). XChaCha20-Poly1305 (libsodium) with a
// subkey derived from the master key per purpose, and the row id as associated data so
// a ciphertext cannot be moved to another row.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace haven {

class FieldCipher {
 public:
  // master: the 32-byte master key. purpose: up to 8 characters, e.g. "totp".
  FieldCipher(const std::vector<std::uint8_t>& master, const char* purpose);
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

// Reads the 32-byte master key file.
std::vector<std::uint8_t> read_master_key(const std::string& path);

}  // namespace haven
