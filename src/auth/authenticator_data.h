// Authenticator data (W3C WebAuthn §6.1): the structure an authenticator signs.
//
//   rpIdHash      32 bytes   SHA-256 of the RP ID
//   flags          1 byte    UP 0x01, UV 0x04, BE 0x08, BS 0x10, AT 0x40, ED 0x80
//   signCount      4 bytes   big-endian
//   [AT] attestedCredentialData (§6.5.1): aaguid(16) credentialIdLength(2, big-endian)
//        credentialId credentialPublicKey (one COSE_Key CBOR item)
//   [ED] extensions: one CBOR map
//
// The parser consumes exactly to the end; anything left over is refused.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "auth/cbor.h"

namespace haven::webauthn {

namespace auth_flags {
inline constexpr std::uint8_t kUserPresent = 0x01;     // UP
inline constexpr std::uint8_t kUserVerified = 0x04;    // UV
inline constexpr std::uint8_t kBackupEligible = 0x08;  // BE
inline constexpr std::uint8_t kBackedUp = 0x10;        // BS
inline constexpr std::uint8_t kAttested = 0x40;        // AT
inline constexpr std::uint8_t kExtensions = 0x80;      // ED
}  // namespace auth_flags

// §6.5.1 (Level 3): credentialIdLength MUST be at most 1023.
inline constexpr std::size_t kMaxCredentialIdLength = 1023;

struct AttestedCredential {
  std::array<std::uint8_t, 16> aaguid{};
  std::vector<std::uint8_t> id;
  std::vector<std::uint8_t> public_key_cose;  // the exact encoded bytes, for storage
  CborValue public_key;                       // the same, decoded (a map)
};

struct AuthenticatorData {
  std::array<std::uint8_t, 32> rp_id_hash{};
  std::uint8_t flags = 0;
  std::uint32_t sign_count = 0;
  std::optional<AttestedCredential> attested;  // present exactly when AT is set
  std::optional<CborValue> extensions;         // present exactly when ED is set (a map)

  bool has(std::uint8_t flag) const { return (flags & flag) != 0; }
};

enum class AuthDataError {
  none,
  too_short,
  too_large,
  inconsistent_flags,  // BS without BE (§6.1.3)
  bad_credential_id,   // length 0, above 1023, or past the end
  bad_public_key,      // not one well-formed CBOR map
  bad_extensions,      // not one well-formed CBOR map
  trailing_bytes,
};

const char* auth_data_error_name(AuthDataError error);

struct AuthDataResult {
  AuthDataError error = AuthDataError::none;
  AuthenticatorData data;
  bool ok() const { return error == AuthDataError::none; }
};

// Structure only: it does not check the RP ID hash, flags policy or the key's algorithm.
AuthDataResult parse_authenticator_data(std::span<const std::uint8_t> bytes);

}  // namespace haven::webauthn
