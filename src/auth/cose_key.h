// COSE_Key (RFC 9052 §7, RFC 9053 §7) to an OpenSSL public key, for the two algorithms Haven
// accepts for passkeys:
//   ES256: kty 2 (EC2), alg -7, crv 1 (P-256), x and y 32 bytes each (RFC 9053 §2.1, §7.1.1);
//   EdDSA: kty 1 (OKP), alg -8, crv 6 (Ed25519), x 32 bytes (RFC 9053 §2.2, §7.2).
// WebAuthn §6.5.1.1 requires "alg" in a credential public key, so a key without it is malformed.
// Any other kty/alg/crv combination is unsupported_algorithm; wrong types, lengths, points off
// the curve or a private component ("d", label -4) are malformed.
#pragma once

#include <cstdint>
#include <span>

#include "auth/cbor.h"
#include "crypto/openssl_handles.h"

namespace haven::webauthn {

inline constexpr int kCoseAlgES256 = -7;
inline constexpr int kCoseAlgEdDSA = -8;

enum class CoseKeyError { none, malformed, unsupported_algorithm };

struct CoseKeyResult {
  CoseKeyError error = CoseKeyError::none;
  ossl::PKey key;  // set when error == none
  int alg = 0;     // kCoseAlgES256 or kCoseAlgEdDSA when error == none
  bool ok() const { return error == CoseKeyError::none; }
};

// Never throws: OpenSSL failures come back as `malformed` with the error queue drained.
CoseKeyResult cose_key_to_pkey(const CborValue& cose_key);

// The same from encoded bytes, which must hold exactly one CBOR map.
CoseKeyResult cose_key_to_pkey(std::span<const std::uint8_t> encoded);

}  // namespace haven::webauthn
