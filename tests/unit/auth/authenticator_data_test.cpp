#include "auth/authenticator_data.h"

#include <gtest/gtest.h>

#include "webauthn_test_support.h"

namespace haven::webauthn {
namespace {

using namespace fixtures;
namespace f = auth_flags;

const Bytes kKey = es256_cose_from_point(Bytes(32, 1), Bytes(32, 2));  // structure only
const Bytes kId{9, 8, 7, 6};

TEST(AuthenticatorData, ParsesFixedPart) {
  auto r = parse_authenticator_data(
      auth_data("localhost", f::kUserPresent | f::kUserVerified, 0x01020304));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(Bytes(r.data.rp_id_hash.begin(), r.data.rp_id_hash.end()), sha256("localhost"));
  EXPECT_EQ(r.data.flags, f::kUserPresent | f::kUserVerified);
  EXPECT_EQ(r.data.sign_count, 0x01020304u);
  EXPECT_FALSE(r.data.attested);
  EXPECT_FALSE(r.data.extensions);
}

TEST(AuthenticatorData, ParsesAttestedCredentialAndExtensions) {
  Bytes ext = cbor_map({{cbor_text("credProtect"), cbor_int(2)}});
  auto r = parse_authenticator_data(
      auth_data("localhost", f::kUserPresent | f::kAttested | f::kExtensions, 7, kId, kKey, ext));
  ASSERT_TRUE(r.ok()) << auth_data_error_name(r.error);
  ASSERT_TRUE(r.data.attested);
  EXPECT_EQ(r.data.attested->id, kId);
  EXPECT_EQ(r.data.attested->public_key_cose, kKey);
  EXPECT_TRUE(r.data.attested->public_key.is_map());
  ASSERT_TRUE(r.data.extensions);
  EXPECT_TRUE(r.data.extensions->find("credProtect"));
}

TEST(AuthenticatorData, AcceptsMaximumCredentialIdLength) {
  Bytes id(kMaxCredentialIdLength, 0x5a);
  auto r = parse_authenticator_data(auth_data("x", f::kUserPresent | f::kAttested, 0, id, kKey));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.data.attested->id.size(), kMaxCredentialIdLength);
}

AuthDataError error_of(const Bytes& b) {
  return parse_authenticator_data(b).error;
}

TEST(AuthenticatorData, RefusesBadStructure) {
  const std::uint8_t up_at = f::kUserPresent | f::kAttested;
  Bytes fixed = auth_data("x", f::kUserPresent, 0);
  EXPECT_EQ(error_of(Bytes(fixed.begin(), fixed.end() - 1)), AuthDataError::too_short);
  EXPECT_EQ(error_of({}), AuthDataError::too_short);
  // AT set but the attested data is cut inside the aaguid.
  Bytes cut = auth_data("x", f::kUserPresent, 0);
  cut[32] = up_at;
  cut.insert(cut.end(), 10, 0);
  EXPECT_EQ(error_of(cut), AuthDataError::too_short);

  EXPECT_EQ(error_of(auth_data("x", up_at, 0, Bytes(kMaxCredentialIdLength + 1, 1), kKey)),
            AuthDataError::bad_credential_id);
  EXPECT_EQ(error_of(auth_data("x", up_at, 0, Bytes{}, kKey)), AuthDataError::bad_credential_id);
  // Credential id length pointing past the end.
  Bytes long_claim = auth_data("x", up_at, 0, kId, {});
  long_claim[37 + 16 + 1] = 200;
  EXPECT_EQ(error_of(long_claim), AuthDataError::bad_credential_id);

  EXPECT_EQ(error_of(auth_data("x", up_at, 0, kId, {})), AuthDataError::bad_public_key);
  EXPECT_EQ(error_of(auth_data("x", up_at, 0, kId, cbor_int(5))), AuthDataError::bad_public_key);
  Bytes cut_key(kKey.begin(), kKey.end() - 1);
  EXPECT_EQ(error_of(auth_data("x", up_at, 0, kId, cut_key)), AuthDataError::bad_public_key);

  // Bytes after the key without ED, after the fixed part without AT, and after extensions.
  EXPECT_EQ(error_of(auth_data("x", up_at, 0, kId, kKey, Bytes{0xa0})),
            AuthDataError::trailing_bytes);
  EXPECT_EQ(error_of(auth_data("x", f::kUserPresent, 0, {}, {}, Bytes{0x00})),
            AuthDataError::trailing_bytes);
  EXPECT_EQ(
      error_of(auth_data("x", f::kUserPresent | f::kExtensions, 0, {}, {}, Bytes{0xa0, 0x00})),
      AuthDataError::bad_extensions);
  EXPECT_EQ(error_of(auth_data("x", f::kUserPresent | f::kExtensions, 0)),
            AuthDataError::bad_extensions);
  EXPECT_EQ(error_of(auth_data("x", f::kUserPresent | f::kExtensions, 0, {}, {}, Bytes{0x80})),
            AuthDataError::bad_extensions);

  // §6.1.3: BS without BE.
  EXPECT_EQ(error_of(auth_data("x", f::kUserPresent | f::kBackedUp, 0)),
            AuthDataError::inconsistent_flags);
  EXPECT_TRUE(parse_authenticator_data(
                  auth_data("x", f::kUserPresent | f::kBackedUp | f::kBackupEligible, 0))
                  .ok());

  Bytes huge = auth_data("x", f::kUserPresent, 0);
  huge.resize(kCborMaxInput + 1);
  EXPECT_EQ(error_of(huge), AuthDataError::too_large);
  EXPECT_STREQ(auth_data_error_name(AuthDataError::trailing_bytes), "trailing_bytes");
}

}  // namespace
}  // namespace haven::webauthn
