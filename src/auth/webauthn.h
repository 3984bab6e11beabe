// Server-side WebAuthn (passkey) ceremonies: W3C WebAuthn Level 2/3 §7.1 "Registering a New
// Credential" and §7.2 "Verifying an Authentication Assertion".
//
// Policy: attestation "none" only (Haven does not trust or track authenticator makes), and
// credential keys ES256 (-7) or EdDSA (-8). Both functions never throw; they return an Error.
//
// What stays with the caller (it needs the database):
//   - issue a fresh random challenge (at least 16 bytes, §13.4.3) per ceremony, use it once;
//   - registration: refuse a credential id already registered to any user (§7.1 step 26);
//     store id, public_key_cose, sign_count, backup flags;
//   - assertion: look the credential up by the id the client sent, check it belongs to the
//     user being authenticated (and userHandle, if sent, matches, §7.2 steps 6-7), then store
//     new_sign_count and backed_up.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace haven::webauthn {

struct RelyingParty {
  std::string id;      // RP ID, a registrable domain, e.g. "localhost" (§5.1.2)
  std::string origin;  // the exact web origin, e.g. "https://localhost:8443"
};

enum class Error {
  client_data_invalid,      // clientDataJSON is not a JSON object with the required strings
  type_mismatch,            // type is not webauthn.create / webauthn.get
  challenge_mismatch,       // challenge differs (or the expected one is shorter than 16 bytes)
  origin_mismatch,          // origin differs from RelyingParty::origin
  cross_origin,             // crossOrigin is true: Haven is never embedded in another site
  rp_id_mismatch,           // rpIdHash != SHA-256(RelyingParty::id)
  user_not_present,         // UP flag clear
  user_not_verified,        // UV flag clear while required
  attestation_unsupported,  // attestation format other than "none"
  malformed,                // CBOR, authenticator data or COSE key structure is wrong
  unsupported_algorithm,    // credential key is not ES256 or EdDSA
  bad_signature,            // assertion signature does not verify
  counter_regressed,        // signCount did not increase: possible cloned authenticator
  internal,                 // OpenSSL or allocation failure; not the client's fault
};

// Stable snake_case codes for logs and API answers, e.g. "challenge_mismatch".
const char* error_code(Error error);

struct Credential {
  std::vector<std::uint8_t> id;
  std::vector<std::uint8_t> public_key_cose;  // store as-is; pass to verify_assertion
  int alg = 0;                                // -7 (ES256) or -8 (EdDSA)
  std::uint32_t sign_count = 0;
  bool backup_eligible = false;  // BE: a multi-device (synced) credential
  bool backed_up = false;        // BS
};

struct AssertionResult {
  std::uint32_t new_sign_count = 0;
  bool user_verified = false;
  bool backed_up = false;  // BS may change over a credential's life (§6.1.3): store it
};

using RegistrationOutcome = std::variant<Credential, Error>;
using AssertionOutcome = std::variant<AssertionResult, Error>;

// §7.1. client_data_json is the raw response.clientDataJSON (UTF-8 bytes as sent),
// attestation_object the raw response.attestationObject.
RegistrationOutcome verify_registration(const RelyingParty& rp, std::string_view client_data_json,
                                        std::span<const std::uint8_t> attestation_object,
                                        std::span<const std::uint8_t> expected_challenge,
                                        bool require_user_verification);

// §7.2. public_key_cose and stored_sign_count are what verify_registration returned (and the
// last successful assertion updated).
AssertionOutcome verify_assertion(const RelyingParty& rp, std::string_view client_data_json,
                                  std::span<const std::uint8_t> authenticator_data,
                                  std::span<const std::uint8_t> signature,
                                  std::span<const std::uint8_t> expected_challenge,
                                  std::span<const std::uint8_t> public_key_cose,
                                  std::uint32_t stored_sign_count, bool require_user_verification);

}  // namespace haven::webauthn
