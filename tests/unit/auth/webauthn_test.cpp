#include "auth/webauthn.h"

#include <gtest/gtest.h>

#include <string>

#include "auth/cose_key.h"
#include "webauthn_test_support.h"

namespace haven::webauthn {
namespace {

using namespace fixtures;
namespace f = auth_flags;

const RelyingParty kRp{"localhost", "https://localhost:8443"};
constexpr std::uint8_t kUpUv = f::kUserPresent | f::kUserVerified;

// One simulated authenticator holding one credential.
struct Authenticator {
  ossl::PKey key;
  Bytes cose;
  Bytes id;
  int alg = 0;
};

Authenticator make_authenticator(int alg) {
  Authenticator a;
  a.alg = alg;
  a.key = alg == kCoseAlgES256 ? generate_p256() : generate_ed25519();
  a.cose = alg == kCoseAlgES256 ? es256_cose(a.key.get()) : eddsa_cose(a.key.get());
  a.id = random_bytes(16);
  return a;
}

template <typename T>
Error error_of(const std::variant<T, Error>& outcome) {
  EXPECT_TRUE(std::holds_alternative<Error>(outcome)) << "expected a refusal";
  auto* e = std::get_if<Error>(&outcome);
  return e ? *e : Error::internal;
}

class WebAuthn : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override { init_sodium(); }

  Authenticator auth = make_authenticator(GetParam());
  Bytes challenge = random_bytes(32);

  // Registration inputs, each overridable before calling register_with().
  std::string reg_client_data(std::string_view extra = "") const {
    return client_data("webauthn.create", challenge, kRp.origin, extra);
  }
  Bytes reg_object(std::uint8_t flags = kUpUv | f::kAttested, std::string_view rp_id = "localhost",
                   std::uint32_t count = 0) const {
    return attestation_object(auth_data(rp_id, flags, count, auth.id, auth.cose));
  }
  RegistrationOutcome register_with(const std::string& cdata, const Bytes& object,
                                    bool require_uv = true) const {
    return verify_registration(kRp, cdata, object, challenge, require_uv);
  }

  // Assertion inputs.
  struct Signed {
    std::string client_data;
    Bytes auth_data;
    Bytes signature;
  };
  Signed sign_assertion(std::uint32_t count, std::uint8_t flags = kUpUv,
                        std::string_view rp_id = "localhost",
                        std::string_view type = "webauthn.get",
                        std::string_view origin = kRp.origin) const {
    Signed s;
    s.client_data = client_data(type, challenge, origin);
    s.auth_data = auth_data(rp_id, flags, count);
    s.signature = sign(auth.key.get(), cat({s.auth_data, sha256(s.client_data)}));
    return s;
  }
  AssertionOutcome assert_with(const Signed& s, std::uint32_t stored = 0, bool require_uv = true,
                               const Bytes* cose = nullptr) const {
    return verify_assertion(kRp, s.client_data, s.auth_data, s.signature, challenge,
                            cose ? *cose : auth.cose, stored, require_uv);
  }
};

INSTANTIATE_TEST_SUITE_P(Algorithms, WebAuthn, ::testing::Values(kCoseAlgES256, kCoseAlgEdDSA),
                         [](const auto& info) {
                           return info.param == kCoseAlgES256 ? "ES256" : "EdDSA";
                         });

// --- registration (§7.1) ------------------------------------------------------------------

TEST_P(WebAuthn, RegistersCredential) {
  auto outcome = register_with(
      reg_client_data(), reg_object(kUpUv | f::kAttested | f::kBackupEligible, "localhost", 3));
  ASSERT_TRUE(std::holds_alternative<Credential>(outcome)) << error_code(std::get<Error>(outcome));
  const auto& cred = std::get<Credential>(outcome);
  EXPECT_EQ(cred.id, auth.id);
  EXPECT_EQ(cred.public_key_cose, auth.cose);
  EXPECT_EQ(cred.alg, GetParam());
  EXPECT_EQ(cred.sign_count, 3u);
  EXPECT_TRUE(cred.backup_eligible);
  EXPECT_FALSE(cred.backed_up);
}

TEST_P(WebAuthn, RegistrationAcceptsExtensionsCrossOriginFalseAndNoUvWhenNotRequired) {
  Bytes ext = cbor_map({{cbor_text("credProtect"), cbor_int(1)}});
  Bytes object = attestation_object(auth_data(
      "localhost", f::kUserPresent | f::kAttested | f::kExtensions, 0, auth.id, auth.cose, ext));
  EXPECT_TRUE(std::holds_alternative<Credential>(register_with(
      reg_client_data(R"(,"crossOrigin":false,"other":[1,{"a":2}])"), object, false)));
}

TEST_P(WebAuthn, RegistrationRefusesBadClientData) {
  const Bytes object = reg_object();
  EXPECT_EQ(error_of(register_with("not json", object)), Error::client_data_invalid);
  EXPECT_EQ(error_of(register_with("[1,2]", object)), Error::client_data_invalid);
  EXPECT_EQ(error_of(register_with(
                R"({"type":"webauthn.create","origin":"https://localhost:8443"})", object)),
            Error::client_data_invalid);
  EXPECT_EQ(error_of(register_with(std::string(40, '[') + std::string(40, ']'), object)),
            Error::client_data_invalid);
  EXPECT_EQ(error_of(register_with(reg_client_data(R"(,"crossOrigin":"yes")"), object)),
            Error::client_data_invalid);
  EXPECT_EQ(error_of(register_with(client_data("webauthn.get", challenge, kRp.origin), object)),
            Error::type_mismatch);
  EXPECT_EQ(
      error_of(register_with(client_data("webauthn.create", random_bytes(32), kRp.origin), object)),
      Error::challenge_mismatch);
  EXPECT_EQ(error_of(register_with(
                client_data("webauthn.create", challenge, "https://localhost:8444"), object)),
            Error::origin_mismatch);
  EXPECT_EQ(error_of(register_with(
                client_data("webauthn.create", challenge, "http://localhost:8443"), object)),
            Error::origin_mismatch);
  EXPECT_EQ(error_of(register_with(
                client_data("webauthn.create", challenge, "https://localhost:8443/"), object)),
            Error::origin_mismatch);
  EXPECT_EQ(error_of(register_with(reg_client_data(R"(,"crossOrigin":true)"), object)),
            Error::cross_origin);
}

TEST_P(WebAuthn, ChallengeMustBeUnpaddedBase64UrlOfTheExpectedBytes) {
  const Bytes object = reg_object();
  std::string encoded = to_base64url(challenge.data(), challenge.size());
  auto with = [&](const std::string& c) {
    return R"({"type":"webauthn.create","challenge":")" + c + R"(","origin":")" + kRp.origin +
           "\"}";
  };
  EXPECT_TRUE(std::holds_alternative<Credential>(register_with(with(encoded), object)));
  EXPECT_EQ(error_of(register_with(with(encoded + "="), object)), Error::challenge_mismatch);
  EXPECT_EQ(error_of(register_with(with(encoded.substr(0, 40)), object)),
            Error::challenge_mismatch);
  EXPECT_EQ(error_of(register_with(with("+/+/"), object)), Error::challenge_mismatch);
  // An expected challenge under 16 bytes never matches, even when the client echoes it.
  Bytes short_challenge(8, 1);
  EXPECT_EQ(
      error_of(verify_registration(kRp, client_data("webauthn.create", short_challenge, kRp.origin),
                                   object, short_challenge, true)),
      Error::challenge_mismatch);
}

TEST_P(WebAuthn, RegistrationRefusesBadAuthenticatorData) {
  const auto cd = reg_client_data();
  EXPECT_EQ(error_of(register_with(cd, reg_object(kUpUv | f::kAttested, "evil.example"))),
            Error::rp_id_mismatch);
  EXPECT_EQ(error_of(register_with(cd, reg_object(f::kUserVerified | f::kAttested))),
            Error::user_not_present);
  EXPECT_EQ(error_of(register_with(cd, reg_object(f::kUserPresent | f::kAttested))),
            Error::user_not_verified);
  EXPECT_TRUE(std::holds_alternative<Credential>(
      register_with(cd, reg_object(f::kUserPresent | f::kAttested), false)));
  // No attested credential data, BS without BE, truncated key, id too long.
  EXPECT_EQ(error_of(register_with(cd, attestation_object(auth_data("localhost", kUpUv, 0)))),
            Error::malformed);
  EXPECT_EQ(error_of(register_with(cd, reg_object(kUpUv | f::kAttested | f::kBackedUp))),
            Error::malformed);
  Bytes cut_key(auth.cose.begin(), auth.cose.end() - 2);
  EXPECT_EQ(
      error_of(register_with(cd, attestation_object(auth_data("localhost", kUpUv | f::kAttested, 0,
                                                              auth.id, cut_key)))),
      Error::malformed);
  EXPECT_EQ(
      error_of(register_with(cd, attestation_object(auth_data("localhost", kUpUv | f::kAttested, 0,
                                                              Bytes(1024, 1), auth.cose)))),
      Error::malformed);
  // A flipped byte inside the COSE key's x coordinate: off the curve (or not a point).
  Bytes bad_key = auth.cose;
  bad_key[bad_key.size() - (GetParam() == kCoseAlgES256 ? 40 : 5)] ^= 0x01;
  Bytes reg = attestation_object(auth_data("localhost", kUpUv | f::kAttested, 0, auth.id, bad_key));
  // Flipping one Ed25519 bit can still land on a valid point; only ES256 is certain to fail.
  if (GetParam() == kCoseAlgES256) {
    EXPECT_EQ(error_of(register_with(cd, reg)), Error::malformed);
  }
}

TEST_P(WebAuthn, RegistrationRefusesUnsupportedKeysAndAttestation) {
  const auto cd = reg_client_data();
  Bytes rsa = cbor_map({{cbor_int(1), cbor_int(3)},
                        {cbor_int(3), cbor_int(-257)},
                        {cbor_int(-1), cbor_bytes(Bytes(256, 0xc5))},
                        {cbor_int(-2), cbor_bytes(Bytes{1, 0, 1})}});
  EXPECT_EQ(error_of(register_with(cd, attestation_object(auth_data(
                                           "localhost", kUpUv | f::kAttested, 0, auth.id, rsa)))),
            Error::unsupported_algorithm);

  Bytes auth_bytes = auth_data("localhost", kUpUv | f::kAttested, 0, auth.id, auth.cose);
  Bytes packed_stmt =
      cbor_map({{cbor_text("alg"), cbor_int(-7)}, {cbor_text("sig"), cbor_bytes(Bytes(70, 1))}});
  EXPECT_EQ(error_of(register_with(cd, attestation_object(auth_bytes, "packed", packed_stmt))),
            Error::attestation_unsupported);
  EXPECT_EQ(error_of(register_with(cd, attestation_object(auth_bytes, "none", packed_stmt))),
            Error::malformed);
  EXPECT_EQ(error_of(register_with(cd, Bytes{0xa0})), Error::malformed);
  EXPECT_EQ(error_of(register_with(cd, Bytes{})), Error::malformed);
  Bytes trailing = attestation_object(auth_bytes);
  trailing.push_back(0);
  EXPECT_EQ(error_of(register_with(cd, trailing)), Error::malformed);
  Bytes extra_key = cbor_map({{cbor_text("fmt"), cbor_text("none")},
                              {cbor_text("attStmt"), cbor_map({})},
                              {cbor_text("authData"), cbor_bytes(auth_bytes)},
                              {cbor_text("x"), cbor_int(1)}});
  EXPECT_EQ(error_of(register_with(cd, extra_key)), Error::malformed);
  Bytes text_auth = cbor_map({{cbor_text("fmt"), cbor_text("none")},
                              {cbor_text("attStmt"), cbor_map({})},
                              {cbor_text("authData"), cbor_text("abc")}});
  EXPECT_EQ(error_of(register_with(cd, text_auth)), Error::malformed);
}

// --- assertion (§7.2) ---------------------------------------------------------------------

TEST_P(WebAuthn, VerifiesAssertion) {
  auto outcome = assert_with(sign_assertion(5), 4);
  ASSERT_TRUE(std::holds_alternative<AssertionResult>(outcome))
      << error_code(std::get<Error>(outcome));
  EXPECT_EQ(std::get<AssertionResult>(outcome).new_sign_count, 5u);
  EXPECT_TRUE(std::get<AssertionResult>(outcome).user_verified);
  EXPECT_FALSE(std::get<AssertionResult>(outcome).backed_up);

  auto no_uv =
      assert_with(sign_assertion(0, f::kUserPresent | f::kBackupEligible | f::kBackedUp), 0, false);
  ASSERT_TRUE(std::holds_alternative<AssertionResult>(no_uv));
  EXPECT_FALSE(std::get<AssertionResult>(no_uv).user_verified);
  EXPECT_TRUE(std::get<AssertionResult>(no_uv).backed_up);
}

TEST_P(WebAuthn, AssertionRefusesTampering) {
  auto s = sign_assertion(9);
  auto sig = s;
  sig.signature[sig.signature.size() / 2] ^= 0x01;
  EXPECT_EQ(error_of(assert_with(sig)), Error::bad_signature);
  auto data = s;
  data.auth_data[36] ^= 0x02;  // the counter's last byte: still well-formed
  EXPECT_EQ(error_of(assert_with(data)), Error::bad_signature);
  auto flags = s;
  flags.auth_data[32] |= f::kBackupEligible;
  EXPECT_EQ(error_of(assert_with(flags)), Error::bad_signature);
  auto cdata = s;
  cdata.client_data.insert(cdata.client_data.size() - 1, R"(,"x":1)");
  EXPECT_EQ(error_of(assert_with(cdata)), Error::bad_signature);
  auto empty = s;
  empty.signature.clear();
  EXPECT_EQ(error_of(assert_with(empty)), Error::bad_signature);
  auto longer = s;
  longer.signature.push_back(0);
  EXPECT_EQ(error_of(assert_with(longer)), Error::bad_signature);
  // Someone else's key.
  auto other = make_authenticator(GetParam());
  EXPECT_EQ(error_of(assert_with(s, 0, true, &other.cose)), Error::bad_signature);
  EXPECT_TRUE(std::holds_alternative<AssertionResult>(assert_with(s)));
}

TEST_P(WebAuthn, AssertionRefusesWrongContext) {
  EXPECT_EQ(error_of(assert_with(sign_assertion(1, kUpUv, "localhost", "webauthn.create"))),
            Error::type_mismatch);
  EXPECT_EQ(error_of(assert_with(
                sign_assertion(1, kUpUv, "localhost", "webauthn.get", "https://evil.example"))),
            Error::origin_mismatch);
  EXPECT_EQ(error_of(assert_with(sign_assertion(1, kUpUv, "evil.example"))), Error::rp_id_mismatch);
  EXPECT_EQ(error_of(assert_with(sign_assertion(1, f::kUserVerified))), Error::user_not_present);
  EXPECT_EQ(error_of(assert_with(sign_assertion(1, f::kUserPresent))), Error::user_not_verified);
  auto s = sign_assertion(1);
  EXPECT_EQ(error_of(verify_assertion(kRp, s.client_data, s.auth_data, s.signature,
                                      random_bytes(32), auth.cose, 0, true)),
            Error::challenge_mismatch);
  EXPECT_EQ(error_of(verify_assertion(kRp, "{}", s.auth_data, s.signature, challenge, auth.cose, 0,
                                      true)),
            Error::client_data_invalid);
  Bytes truncated(s.auth_data.begin(), s.auth_data.end() - 1);
  EXPECT_EQ(error_of(verify_assertion(kRp, s.client_data, truncated, s.signature, challenge,
                                      auth.cose, 0, true)),
            Error::malformed);
  Bytes bad_cose{0xa0};
  EXPECT_EQ(error_of(assert_with(s, 0, true, &bad_cose)), Error::malformed);
  Bytes es384 = cbor_map(
      {{cbor_int(1), cbor_int(2)}, {cbor_int(3), cbor_int(-35)}, {cbor_int(-1), cbor_int(2)}});
  EXPECT_EQ(error_of(assert_with(s, 0, true, &es384)), Error::unsupported_algorithm);
}

TEST_P(WebAuthn, SignatureCounterMustIncreaseUnlessBothAreZero) {
  EXPECT_TRUE(std::holds_alternative<AssertionResult>(assert_with(sign_assertion(0), 0)));
  EXPECT_TRUE(std::holds_alternative<AssertionResult>(assert_with(sign_assertion(1), 0)));
  EXPECT_TRUE(std::holds_alternative<AssertionResult>(assert_with(sign_assertion(6), 5)));
  EXPECT_TRUE(
      std::holds_alternative<AssertionResult>(assert_with(sign_assertion(0xFFFFFFFF), 0xFFFFFFFE)));
  EXPECT_EQ(error_of(assert_with(sign_assertion(5), 5)), Error::counter_regressed);
  EXPECT_EQ(error_of(assert_with(sign_assertion(3), 5)), Error::counter_regressed);
  EXPECT_EQ(error_of(assert_with(sign_assertion(0), 5)), Error::counter_regressed);
  // A forged assertion learns nothing about the counter: the signature is checked first.
  auto forged = sign_assertion(3);
  forged.signature[forged.signature.size() - 1] ^= 0x01;
  EXPECT_EQ(error_of(assert_with(forged, 5)), Error::bad_signature);
}

TEST_P(WebAuthn, RegistrationThenAssertionRoundTrip) {
  auto reg = register_with(reg_client_data(), reg_object(kUpUv | f::kAttested, "localhost", 10));
  ASSERT_TRUE(std::holds_alternative<Credential>(reg));
  const auto& cred = std::get<Credential>(reg);
  challenge = random_bytes(32);  // a new ceremony, a new challenge
  auto s = sign_assertion(11);
  auto outcome = verify_assertion(kRp, s.client_data, s.auth_data, s.signature, challenge,
                                  cred.public_key_cose, cred.sign_count, true);
  ASSERT_TRUE(std::holds_alternative<AssertionResult>(outcome));
  EXPECT_EQ(std::get<AssertionResult>(outcome).new_sign_count, 11u);
}

TEST(WebAuthnErrors, ES256SignatureMustBeDer) {
  init_sodium();
  auto a = make_authenticator(kCoseAlgES256);
  Bytes challenge = random_bytes(32);
  std::string cd = client_data("webauthn.get", challenge, kRp.origin);
  Bytes ad = auth_data("localhost", kUpUv, 1);
  // Raw r||s (IEEE P1363) is what WebCrypto produces, but WebAuthn mandates DER (§6.5.5).
  Bytes raw_rs(64, 0x11);
  EXPECT_EQ(error_of(verify_assertion(kRp, cd, ad, raw_rs, challenge, a.cose, 0, true)),
            Error::bad_signature);
  Bytes der = sign(a.key.get(), cat({ad, sha256(cd)}));
  der.push_back(0x00);  // trailing garbage after the DER SEQUENCE
  EXPECT_EQ(error_of(verify_assertion(kRp, cd, ad, der, challenge, a.cose, 0, true)),
            Error::bad_signature);
}

TEST(WebAuthnErrors, CodesAreStableSnakeCase) {
  EXPECT_STREQ(error_code(Error::client_data_invalid), "client_data_invalid");
  EXPECT_STREQ(error_code(Error::type_mismatch), "type_mismatch");
  EXPECT_STREQ(error_code(Error::challenge_mismatch), "challenge_mismatch");
  EXPECT_STREQ(error_code(Error::origin_mismatch), "origin_mismatch");
  EXPECT_STREQ(error_code(Error::cross_origin), "cross_origin");
  EXPECT_STREQ(error_code(Error::rp_id_mismatch), "rp_id_mismatch");
  EXPECT_STREQ(error_code(Error::user_not_present), "user_not_present");
  EXPECT_STREQ(error_code(Error::user_not_verified), "user_not_verified");
  EXPECT_STREQ(error_code(Error::attestation_unsupported), "attestation_unsupported");
  EXPECT_STREQ(error_code(Error::malformed), "malformed");
  EXPECT_STREQ(error_code(Error::unsupported_algorithm), "unsupported_algorithm");
  EXPECT_STREQ(error_code(Error::bad_signature), "bad_signature");
  EXPECT_STREQ(error_code(Error::counter_regressed), "counter_regressed");
  EXPECT_STREQ(error_code(Error::internal), "internal");
}

}  // namespace
}  // namespace haven::webauthn
