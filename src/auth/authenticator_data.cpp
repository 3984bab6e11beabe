#include "auth/authenticator_data.h"

#include <algorithm>

namespace haven::webauthn {
namespace {

constexpr std::size_t kFixedLength = 32 + 1 + 4;  // rpIdHash, flags, signCount
constexpr std::size_t kAaguidLength = 16;
// Authenticator data lives inside a CBOR byte string or a request body; the CBOR limit is
// the natural bound for the whole structure as well.
constexpr std::size_t kMaxAuthDataLength = kCborMaxInput;

AuthDataResult failure(AuthDataError error) {
  AuthDataResult r;
  r.error = error;
  return r;
}

}  // namespace

const char* auth_data_error_name(AuthDataError error) {
  switch (error) {
    case AuthDataError::none:
      return "none";
    case AuthDataError::too_short:
      return "too_short";
    case AuthDataError::too_large:
      return "too_large";
    case AuthDataError::inconsistent_flags:
      return "inconsistent_flags";
    case AuthDataError::bad_credential_id:
      return "bad_credential_id";
    case AuthDataError::bad_public_key:
      return "bad_public_key";
    case AuthDataError::bad_extensions:
      return "bad_extensions";
    case AuthDataError::trailing_bytes:
      return "trailing_bytes";
  }
  return "unknown";
}

AuthDataResult parse_authenticator_data(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < kFixedLength) return failure(AuthDataError::too_short);
  if (bytes.size() > kMaxAuthDataLength) return failure(AuthDataError::too_large);

  AuthDataResult r;
  auto& d = r.data;
  std::copy_n(bytes.begin(), d.rp_id_hash.size(), d.rp_id_hash.begin());
  d.flags = bytes[32];
  d.sign_count = (std::uint32_t{bytes[33]} << 24) | (std::uint32_t{bytes[34]} << 16) |
                 (std::uint32_t{bytes[35]} << 8) | std::uint32_t{bytes[36]};
  // §6.1.3 (Level 3): a credential that is not backup eligible can never be backed up; §7.1
  // and §7.2 both tell the RP to verify this.
  if (d.has(auth_flags::kBackedUp) && !d.has(auth_flags::kBackupEligible)) {
    return failure(AuthDataError::inconsistent_flags);
  }
  auto rest = bytes.subspan(kFixedLength);

  if (d.has(auth_flags::kAttested)) {
    AttestedCredential cred;
    if (rest.size() < kAaguidLength + 2) return failure(AuthDataError::too_short);
    std::copy_n(rest.begin(), kAaguidLength, cred.aaguid.begin());
    const std::size_t id_len = (std::size_t{rest[kAaguidLength]} << 8) | rest[kAaguidLength + 1];
    rest = rest.subspan(kAaguidLength + 2);
    // An empty id could never be named in allowCredentials, so it is refused as well.
    if (id_len == 0 || id_len > kMaxCredentialIdLength || id_len > rest.size()) {
      return failure(AuthDataError::bad_credential_id);
    }
    cred.id.assign(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(id_len));
    rest = rest.subspan(id_len);

    // The key is one CBOR item whose length is known only by decoding it (§6.5.1).
    auto key = decode_cbor_prefix(rest);
    if (!key.ok() || !key.value.is_map()) return failure(AuthDataError::bad_public_key);
    cred.public_key_cose.assign(rest.begin(),
                                rest.begin() + static_cast<std::ptrdiff_t>(key.consumed));
    cred.public_key = std::move(key.value);
    rest = rest.subspan(key.consumed);
    d.attested = std::move(cred);
  }

  if (d.has(auth_flags::kExtensions)) {
    // §6.1: the extensions map is the last thing in authenticator data.
    auto ext = decode_cbor(rest);
    if (!ext.ok() || !ext.value.is_map()) return failure(AuthDataError::bad_extensions);
    d.extensions = std::move(ext.value);
    rest = {};
  }

  if (!rest.empty()) return failure(AuthDataError::trailing_bytes);
  return r;
}

}  // namespace haven::webauthn
