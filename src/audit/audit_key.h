// The audit signing key: an Ed25519 key pair (RFC 8032, libsodium) whose 32-byte seed is
// the file <data_dir>/audit-signing.key (mode 0600, outside the database). It signs the
// log's checkpoints. From the same seed a second key is derived (crypto_kdf, context
// "havenaud") for the authentication code stored with every entry, which lets
// `haven audit verify` name the exact entry that was changed, even after the latest
// checkpoint. Secrets live in sodium_malloc'd memory (guard pages, zeroed when freed).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "audit/merkle.h"

namespace haven::audit {

using PublicKey = std::array<std::uint8_t, 32>;
using Signature = std::array<std::uint8_t, 64>;

inline constexpr const char* kAuditKeyFile = "audit-signing.key";

class AuditKey {
 public:
  // Reads the key file. When it is missing and create is true, makes a new one (0600).
  // Refuses, with an error naming the path, a file that group or others may access, that
  // is not a regular file, or that is not exactly 32 bytes.
  static AuditKey load(const std::string& path, bool create);
  static AuditKey from_seed(const std::array<std::uint8_t, 32>& seed);

  AuditKey(AuditKey&&) noexcept = default;
  AuditKey& operator=(AuditKey&&) noexcept = default;
  AuditKey(const AuditKey&) = delete;
  AuditKey& operator=(const AuditKey&) = delete;
  ~AuditKey();

  const PublicKey& public_key() const { return public_key_; }
  Signature sign(std::string_view message) const;
  // HMAC-SHA-256 of an entry's leaf hash under the derived entry key.
  Hash entry_mac(const Hash& leaf_hash) const;
  // Constant-time check of a stored code (any length; only 32 bytes can match).
  bool entry_mac_matches(const Hash& leaf_hash, std::string_view mac) const;

 private:
  struct Secrets;
  struct Free {
    void operator()(Secrets* p) const noexcept;
  };
  explicit AuditKey(const std::uint8_t* seed);

  std::unique_ptr<Secrets, Free> secrets_;
  PublicKey public_key_{};
};

bool ed25519_verify(const PublicKey& key, std::string_view message, const std::uint8_t* sig64);

}  // namespace haven::audit
