#include "auth/cose_key.h"

#include <gtest/gtest.h>

#include <string>

#include "webauthn_test_support.h"

namespace haven::webauthn {
namespace {

using namespace fixtures;

Bytes from_hex(const std::string& hex) {
  Bytes out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<std::uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

CoseKeyError error_of(const Bytes& encoded) {
  return cose_key_to_pkey(encoded).error;
}

TEST(CoseKey, ImportsGeneratedEs256Key) {
  auto key = generate_p256();
  auto r = cose_key_to_pkey(es256_cose(key.get()));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.alg, kCoseAlgES256);
  EXPECT_EQ(EVP_PKEY_eq(r.key.get(), key.get()), 1);
}

TEST(CoseKey, ImportsGeneratedEd25519Key) {
  auto key = generate_ed25519();
  auto r = cose_key_to_pkey(eddsa_cose(key.get()));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.alg, kCoseAlgEdDSA);
  EXPECT_EQ(EVP_PKEY_eq(r.key.get(), key.get()), 1);
}

// The P-256 public key of RFC 9052 Appendix C.7.1 (kid "meriadoc.brandybuck@buckland.example").
const Bytes kRfc9052X =
    from_hex("65eda5a12577c2bae829437fe338701a10aaa375e1bb5b5de108de439c08551d");
const Bytes kRfc9052Y =
    from_hex("1e52ed75701163f7f9e40ddf9f341b3dc9ba860af7e0ca7ca7e9eecd0084d19c");

TEST(CoseKey, ImportsPublishedP256Key) {
  auto r = cose_key_to_pkey(es256_cose_from_point(kRfc9052X, kRfc9052Y));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.alg, kCoseAlgES256);
}

// RFC 8032 §7.1 TEST 1: the public key, and its signature over the empty message.
TEST(CoseKey, ImportsPublishedEd25519KeyThatVerifiesItsTestVector) {
  auto r = cose_key_to_pkey(eddsa_cose_from_x(
      from_hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")));
  ASSERT_TRUE(r.ok());
  Bytes sig = from_hex(
      "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9"
      "b"
      "46bd25bf5f0595bbe24655141438e7a100b");
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, r.key.get()), 1);
  std::uint8_t empty = 0;
  EXPECT_EQ(EVP_DigestVerify(ctx.get(), sig.data(), sig.size(), &empty, 0), 1);
}

TEST(CoseKey, RefusesPointsOffTheCurve) {
  Bytes y = kRfc9052Y;
  y[31] ^= 0x01;
  EXPECT_EQ(error_of(es256_cose_from_point(kRfc9052X, y)), CoseKeyError::malformed);
  EXPECT_EQ(error_of(es256_cose_from_point(Bytes(32, 0), Bytes(32, 0))), CoseKeyError::malformed);
  EXPECT_EQ(error_of(es256_cose_from_point(Bytes(32, 0xff), Bytes(32, 0xff))),
            CoseKeyError::malformed);
  // Ed25519: the identity (small order) and a non-canonical y >= p.
  Bytes identity(32, 0);
  identity[0] = 0x01;
  EXPECT_EQ(error_of(eddsa_cose_from_x(identity)), CoseKeyError::malformed);
  Bytes non_canonical(32, 0xff);
  non_canonical[31] = 0x7f;
  EXPECT_EQ(error_of(eddsa_cose_from_x(non_canonical)), CoseKeyError::malformed);
}

TEST(CoseKey, RefusesWrongShapes) {
  EXPECT_EQ(error_of(cbor_int(1)), CoseKeyError::malformed);  // not a map
  EXPECT_EQ(error_of(Bytes{0xff}), CoseKeyError::malformed);  // not CBOR
  Bytes trailing = es256_cose_from_point(kRfc9052X, kRfc9052Y);
  trailing.push_back(0x00);
  EXPECT_EQ(error_of(trailing), CoseKeyError::malformed);
  // alg missing (§6.5.1.1 makes it mandatory).
  EXPECT_EQ(error_of(cbor_map({{cbor_int(1), cbor_int(2)},
                               {cbor_int(-1), cbor_int(1)},
                               {cbor_int(-2), cbor_bytes(kRfc9052X)},
                               {cbor_int(-3), cbor_bytes(kRfc9052Y)}})),
            CoseKeyError::malformed);
  // Short x, missing y, compressed y (a boolean), private scalar present, OKP with a y.
  EXPECT_EQ(error_of(es256_cose_from_point(Bytes(31, 1), kRfc9052Y)), CoseKeyError::malformed);
  EXPECT_EQ(error_of(cbor_map({{cbor_int(1), cbor_int(2)},
                               {cbor_int(3), cbor_int(-7)},
                               {cbor_int(-1), cbor_int(1)},
                               {cbor_int(-2), cbor_bytes(kRfc9052X)}})),
            CoseKeyError::malformed);
  EXPECT_EQ(error_of(cbor_map({{cbor_int(1), cbor_int(2)},
                               {cbor_int(3), cbor_int(-7)},
                               {cbor_int(-1), cbor_int(1)},
                               {cbor_int(-2), cbor_bytes(kRfc9052X)},
                               {cbor_int(-3), Bytes{0xf5}}})),
            CoseKeyError::malformed);
  EXPECT_EQ(error_of(cbor_map({{cbor_int(1), cbor_int(2)},
                               {cbor_int(3), cbor_int(-7)},
                               {cbor_int(-1), cbor_int(1)},
                               {cbor_int(-2), cbor_bytes(kRfc9052X)},
                               {cbor_int(-3), cbor_bytes(kRfc9052Y)},
                               {cbor_int(-4), cbor_bytes(Bytes(32, 7))}})),
            CoseKeyError::malformed);
  auto ed = generate_ed25519();
  Bytes ed_x(32);
  std::size_t len = 32;
  ASSERT_EQ(EVP_PKEY_get_raw_public_key(ed.get(), ed_x.data(), &len), 1);
  EXPECT_EQ(error_of(cbor_map({{cbor_int(1), cbor_int(1)},
                               {cbor_int(3), cbor_int(-8)},
                               {cbor_int(-1), cbor_int(6)},
                               {cbor_int(-2), cbor_bytes(ed_x)},
                               {cbor_int(-3), cbor_bytes(ed_x)}})),
            CoseKeyError::malformed);
}

Bytes key_with(std::int64_t kty, std::int64_t alg, std::int64_t crv) {
  return cbor_map({{cbor_int(1), cbor_int(kty)},
                   {cbor_int(3), cbor_int(alg)},
                   {cbor_int(-1), cbor_int(crv)},
                   {cbor_int(-2), cbor_bytes(kRfc9052X)},
                   {cbor_int(-3), cbor_bytes(kRfc9052Y)}});
}

TEST(CoseKey, RefusesOtherAlgorithms) {
  EXPECT_EQ(error_of(key_with(2, -35, 2)), CoseKeyError::unsupported_algorithm);  // ES384
  EXPECT_EQ(error_of(key_with(2, -7, 2)), CoseKeyError::unsupported_algorithm);   // P-384
  EXPECT_EQ(error_of(key_with(2, -8, 1)), CoseKeyError::unsupported_algorithm);   // mixed up
  EXPECT_EQ(error_of(key_with(1, -8, 4)), CoseKeyError::unsupported_algorithm);   // X25519
  EXPECT_EQ(error_of(key_with(1, -7, 6)), CoseKeyError::unsupported_algorithm);
  EXPECT_EQ(error_of(key_with(3, -257, 1)), CoseKeyError::unsupported_algorithm);  // RS256
  // RSA keys carry n (-1) and e (-2) as byte strings, so no curve integer at all.
  EXPECT_EQ(error_of(cbor_map({{cbor_int(1), cbor_int(3)},
                               {cbor_int(3), cbor_int(-257)},
                               {cbor_int(-1), cbor_bytes(Bytes(256, 0xab))},
                               {cbor_int(-2), cbor_bytes(Bytes{1, 0, 1})}})),
            CoseKeyError::unsupported_algorithm);
  EXPECT_EQ(error_of(cbor_map({{cbor_int(1), cbor_text("EC2")},
                               {cbor_int(3), cbor_int(-7)},
                               {cbor_int(-1), cbor_int(1)}})),
            CoseKeyError::unsupported_algorithm);
}

}  // namespace
}  // namespace haven::webauthn
