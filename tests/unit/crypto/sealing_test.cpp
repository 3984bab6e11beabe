// Field sealing, key wrapping and the email blind index (crypto/sealing.h).
#include "crypto/sealing.h"

#include <gtest/gtest.h>

#include "util/secret_bytes.h"

namespace haven {
namespace {

constexpr const char* kKeyId = "0123456789abcdef0123456789abcdef";
constexpr const char* kOtherKeyId = "fedcba9876543210fedcba9876543210";

class SealingTest : public ::testing::Test {
 protected:
  SealingTest() : key((init_sodium(), SecretKey::random())), other(SecretKey::random()) {}
  SecretKey key;
  SecretKey other;
  const FieldRef here{"users", "display_name", "u1"};
};

TEST_F(SealingTest, RoundTripAndFormat) {
  const std::string name = "Robin Ashgrove — Ærø";
  auto sealed = seal_field(key, kKeyId, here, name);
  EXPECT_EQ(sealed.rfind(std::string("hv1:") + kKeyId + ":", 0), 0u);
  EXPECT_EQ(sealed.find("Robin"), std::string::npos);
  EXPECT_EQ(sealed_key_id(sealed), kKeyId);
  EXPECT_EQ(open_field(key, kKeyId, here, sealed), name);
  EXPECT_EQ(open_field(key, kKeyId, here, seal_field(key, kKeyId, here, "")), "");
}

TEST_F(SealingTest, EveryValueHasAFreshNonce) {
  EXPECT_NE(seal_field(key, kKeyId, here, "same"), seal_field(key, kKeyId, here, "same"));
}

TEST_F(SealingTest, AValueMovedToAnotherRowColumnOrTableDoesNotOpen) {
  auto sealed = seal_field(key, kKeyId, here, "ann@example.org");
  EXPECT_FALSE(open_field(key, kKeyId, {"users", "display_name", "u2"}, sealed));
  EXPECT_FALSE(open_field(key, kKeyId, {"users", "email", "u1"}, sealed));
  EXPECT_FALSE(open_field(key, kKeyId, {"invitations", "display_name", "u1"}, sealed));
  // Boundaries between the parts are unambiguous: "user"+"sdisplay_name" is another place.
  EXPECT_FALSE(open_field(key, kKeyId, {"user", "sdisplay_name", "u1"}, sealed));
}

TEST_F(SealingTest, RelabellingTheKeyIdOrUsingAnotherKeyFails) {
  auto sealed = seal_field(key, kKeyId, here, "secret");
  auto relabelled = sealed;
  relabelled.replace(4, 32, kOtherKeyId);
  EXPECT_FALSE(open_field(key, kOtherKeyId, here, relabelled));
  EXPECT_FALSE(open_field(key, kOtherKeyId, here, sealed));  // id in the text disagrees
  EXPECT_FALSE(open_field(other, kKeyId, here, sealed));     // wrong key
}

TEST_F(SealingTest, AlteredOrMalformedValuesDoNotOpen) {
  auto sealed = seal_field(key, kKeyId, here, "secret value");
  auto flipped = sealed;
  flipped[flipped.size() - 5] = flipped[flipped.size() - 5] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(open_field(key, kKeyId, here, flipped));
  EXPECT_FALSE(open_field(key, kKeyId, here, sealed.substr(0, sealed.size() - 4)));
  EXPECT_FALSE(open_field(key, kKeyId, here, "Robin Ashgrove"));
  EXPECT_FALSE(sealed_key_id("Robin Ashgrove"));
  EXPECT_FALSE(sealed_key_id("hv1:notahexkeyid:abc"));
  EXPECT_FALSE(sealed_key_id(""));
}

TEST_F(SealingTest, WrappedKeysUnwrapOnlyForTheirIdSubjectAndKek) {
  auto data_key = SecretKey::random();
  auto wrapped = wrap_key(key, kKeyId, "user:p1", data_key);
  auto back = unwrap_key(key, kKeyId, "user:p1", wrapped);
  ASSERT_TRUE(back);
  EXPECT_EQ(std::vector<std::uint8_t>(back->bytes().begin(), back->bytes().end()),
            std::vector<std::uint8_t>(data_key.bytes().begin(), data_key.bytes().end()));
  EXPECT_FALSE(unwrap_key(key, kKeyId, "user:p2", wrapped));       // moved to another subject
  EXPECT_FALSE(unwrap_key(key, kOtherKeyId, "user:p1", wrapped));  // relabelled
  EXPECT_FALSE(unwrap_key(other, kKeyId, "user:p1", wrapped));     // another master key
  EXPECT_FALSE(unwrap_key(key, kKeyId, "user:p1", "AAAA"));
}

TEST_F(SealingTest, BlindIndexIsStableKeyedAndCaseNormalised) {
  const auto a = blind_index(key, "ann@example.org");
  EXPECT_EQ(a.size(), 64u);
  EXPECT_EQ(a, blind_index(key, "ann@example.org"));
  EXPECT_EQ(a, blind_index(key, "  Ann@EXAMPLE.org\t"));
  EXPECT_NE(a, blind_index(key, "ann@example.com"));
  EXPECT_NE(a, blind_index(other, "ann@example.org"));  // without the key it is meaningless
  EXPECT_EQ(a.find("ann"), std::string::npos);
  EXPECT_EQ(normalise_for_index(" Ann@X.Org "), "ann@x.org");
}

TEST_F(SealingTest, KekIdNamesTheKeyStably) {
  EXPECT_EQ(kek_id_of(key), kek_id_of(key));
  EXPECT_EQ(kek_id_of(key).size(), 16u);
  EXPECT_NE(kek_id_of(key), kek_id_of(other));
}

}  // namespace
}  // namespace haven
