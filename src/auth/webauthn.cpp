#include "auth/webauthn.h"

#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <exception>
#include <optional>

#include "auth/authenticator_data.h"
#include "auth/cbor.h"
#include "auth/client_data.h"
#include "auth/cose_key.h"
#include "crypto/openssl_handles.h"
#include "util/secret_bytes.h"

namespace haven::webauthn {
namespace {

using Digest = std::array<std::uint8_t, crypto_hash_sha256_BYTES>;

Digest sha256(const void* data, std::size_t n) {
  Digest out{};
  crypto_hash_sha256(out.data(), static_cast<const unsigned char*>(data), n);
  return out;
}

std::string_view as_chars(const std::uint8_t* p, std::size_t n) {
  return {reinterpret_cast<const char*>(p), n};
}

// §7.1 step 13 / §7.2 step 15: rpIdHash must be SHA-256 of our RP ID. Not secret, but a
// digest comparison, so constant time like every other one in Haven.
bool rp_id_matches(const RelyingParty& rp, const AuthenticatorData& data) {
  auto expected = sha256(rp.id.data(), rp.id.size());
  return secure_equal(as_chars(expected.data(), expected.size()),
                      as_chars(data.rp_id_hash.data(), data.rp_id_hash.size()));
}

// §7.1 steps 14-15 / §7.2 steps 16-17. (BS without BE was refused by the parser, §6.1.3.)
std::optional<Error> check_user_flags(const AuthenticatorData& data, bool require_uv) {
  if (!data.has(auth_flags::kUserPresent)) return Error::user_not_present;
  if (require_uv && !data.has(auth_flags::kUserVerified)) return Error::user_not_verified;
  return std::nullopt;
}

Error from_cose_error(CoseKeyError error) {
  return error == CoseKeyError::unsupported_algorithm ? Error::unsupported_algorithm
                                                      : Error::malformed;
}

// §6.5.5 / §7.2 step 20: ES256 signatures are ASN.1 DER ECDSA-Sig-Value over SHA-256 (OpenSSL
// refuses any non-DER re-encoding); EdDSA signatures are the raw 64 bytes of RFC 8032, which
// OpenSSL's one-shot EVP_DigestVerify takes with a NULL digest.
bool signature_valid(const CoseKeyResult& key, std::span<const std::uint8_t> signed_data,
                     std::span<const std::uint8_t> signature) {
  if (key.alg == kCoseAlgEdDSA && signature.size() != 64) return false;
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  ossl::check(ctx != nullptr, "EVP_MD_CTX_new");
  const EVP_MD* md = key.alg == kCoseAlgES256 ? EVP_sha256() : nullptr;
  ossl::check(EVP_DigestVerifyInit(ctx.get(), nullptr, md, nullptr, key.key.get()) == 1,
              "EVP_DigestVerifyInit");
  int rc = EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), signed_data.data(),
                            signed_data.size());
  ossl::clear_errors();  // a bad signature leaves a reason on the queue
  return rc == 1;
}

// §7.1 step 12: the attestationObject is a CBOR map of exactly fmt, attStmt and authData
// (§6.5.4). Returns the authData bytes.
std::variant<std::vector<std::uint8_t>, Error> unpack_attestation(
    std::span<const std::uint8_t> attestation_object) {
  auto decoded = decode_cbor(attestation_object);
  if (!decoded.ok() || !decoded.value.is_map()) return Error::malformed;
  const CborValue& obj = decoded.value;
  const CborValue* fmt = obj.find("fmt");
  const CborValue* att_stmt = obj.find("attStmt");
  const CborValue* auth_data = obj.find("authData");
  if (obj.entries.size() != 3 || fmt == nullptr || !fmt->is_text() || att_stmt == nullptr ||
      !att_stmt->is_map() || auth_data == nullptr || !auth_data->is_bytes()) {
    return Error::malformed;
  }
  // §7.1 steps 21-22 and §8.7: Haven's policy is attestation "none", whose statement is the
  // empty map. Other formats would need trust anchors Haven deliberately does not keep.
  if (fmt->text != "none") return Error::attestation_unsupported;
  if (!att_stmt->entries.empty()) return Error::malformed;
  return auth_data->bytes;
}

RegistrationOutcome registration(const RelyingParty& rp, std::string_view client_data_json,
                                 std::span<const std::uint8_t> attestation_object,
                                 std::span<const std::uint8_t> expected_challenge,
                                 bool require_uv) {
  if (auto e = check_client_data(rp, client_data_json, "webauthn.create", expected_challenge)) {
    return *e;
  }
  // §7.1 step 11 hashes clientDataJSON for the attestation signature; "none" has none.
  auto unpacked = unpack_attestation(attestation_object);
  if (auto* e = std::get_if<Error>(&unpacked)) return *e;
  auto parsed = parse_authenticator_data(std::get<std::vector<std::uint8_t>>(unpacked));
  if (!parsed.ok()) return Error::malformed;
  const AuthenticatorData& data = parsed.data;

  if (!rp_id_matches(rp, data)) return Error::rp_id_mismatch;
  if (auto e = check_user_flags(data, require_uv)) return *e;
  // §7.1 step 19 needs the attested credential data: without AT there is nothing to register.
  if (!data.attested) return Error::malformed;

  // §7.1 step 20: the key's algorithm must be one we asked for in pubKeyCredParams.
  auto key = cose_key_to_pkey(data.attested->public_key);
  if (!key.ok()) return from_cose_error(key.error);

  Credential cred;
  cred.id = data.attested->id;  // §7.1 step 25: length <= 1023 checked by the parser
  cred.public_key_cose = data.attested->public_key_cose;
  cred.alg = key.alg;
  cred.sign_count = data.sign_count;
  cred.backup_eligible = data.has(auth_flags::kBackupEligible);
  cred.backed_up = data.has(auth_flags::kBackedUp);
  return cred;
}

AssertionOutcome assertion(const RelyingParty& rp, std::string_view client_data_json,
                           std::span<const std::uint8_t> authenticator_data,
                           std::span<const std::uint8_t> signature,
                           std::span<const std::uint8_t> expected_challenge,
                           std::span<const std::uint8_t> public_key_cose,
                           std::uint32_t stored_sign_count, bool require_uv) {
  if (auto e = check_client_data(rp, client_data_json, "webauthn.get", expected_challenge)) {
    return *e;
  }
  auto parsed = parse_authenticator_data(authenticator_data);
  if (!parsed.ok()) return Error::malformed;
  const AuthenticatorData& data = parsed.data;
  if (!rp_id_matches(rp, data)) return Error::rp_id_mismatch;
  if (auto e = check_user_flags(data, require_uv)) return *e;

  auto key = cose_key_to_pkey(public_key_cose);
  if (!key.ok()) return from_cose_error(key.error);

  // §7.2 steps 19-20: the signature covers authenticatorData || SHA-256(clientDataJSON).
  auto client_hash = sha256(client_data_json.data(), client_data_json.size());
  std::vector<std::uint8_t> signed_data(authenticator_data.begin(), authenticator_data.end());
  signed_data.insert(signed_data.end(), client_hash.begin(), client_hash.end());
  if (!signature_valid(key, signed_data, signature)) return Error::bad_signature;

  // §7.2 step 21 (§6.1.1): when either counter is non-zero it must strictly increase;
  // otherwise two copies of the authenticator may exist. Checked after the signature so a
  // forger learns nothing about the stored counter. Both zero means "no counter" (synced
  // passkeys).
  if ((stored_sign_count != 0 || data.sign_count != 0) && data.sign_count <= stored_sign_count) {
    return Error::counter_regressed;
  }

  AssertionResult result;
  result.new_sign_count = data.sign_count;
  result.user_verified = data.has(auth_flags::kUserVerified);
  result.backed_up = data.has(auth_flags::kBackedUp);
  return result;
}

}  // namespace

const char* error_code(Error error) {
  switch (error) {
    case Error::client_data_invalid:
      return "client_data_invalid";
    case Error::type_mismatch:
      return "type_mismatch";
    case Error::challenge_mismatch:
      return "challenge_mismatch";
    case Error::origin_mismatch:
      return "origin_mismatch";
    case Error::cross_origin:
      return "cross_origin";
    case Error::rp_id_mismatch:
      return "rp_id_mismatch";
    case Error::user_not_present:
      return "user_not_present";
    case Error::user_not_verified:
      return "user_not_verified";
    case Error::attestation_unsupported:
      return "attestation_unsupported";
    case Error::malformed:
      return "malformed";
    case Error::unsupported_algorithm:
      return "unsupported_algorithm";
    case Error::bad_signature:
      return "bad_signature";
    case Error::counter_regressed:
      return "counter_regressed";
    case Error::internal:
      return "internal";
  }
  return "internal";
}

// The public entry points only add the no-throw guarantee: ossl::check throws on an internal
// OpenSSL failure and allocation can throw; neither may escape into a request handler.
RegistrationOutcome verify_registration(const RelyingParty& rp, std::string_view client_data_json,
                                        std::span<const std::uint8_t> attestation_object,
                                        std::span<const std::uint8_t> expected_challenge,
                                        bool require_user_verification) {
  try {
    return registration(rp, client_data_json, attestation_object, expected_challenge,
                        require_user_verification);
  } catch (const std::exception&) {
    ossl::clear_errors();
    return Error::internal;
  }
}

AssertionOutcome verify_assertion(const RelyingParty& rp, std::string_view client_data_json,
                                  std::span<const std::uint8_t> authenticator_data,
                                  std::span<const std::uint8_t> signature,
                                  std::span<const std::uint8_t> expected_challenge,
                                  std::span<const std::uint8_t> public_key_cose,
                                  std::uint32_t stored_sign_count, bool require_user_verification) {
  try {
    return assertion(rp, client_data_json, authenticator_data, signature, expected_challenge,
                     public_key_cose, stored_sign_count, require_user_verification);
  } catch (const std::exception&) {
    ossl::clear_errors();
    return Error::internal;
  }
}

}  // namespace haven::webauthn
