#include "util/secret_bytes.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

TEST(SecretBytes, TokensAre256BitBase64UrlAndDistinct) {
  init_sodium();
  auto a = random_token(), b = random_token();
  EXPECT_EQ(a.size(), 43u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  auto decoded = from_base64url(a);
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->size(), 32u);
}

TEST(SecretBytes, Base64UrlRejectsGarbage) {
  EXPECT_FALSE(from_base64url("not base64!"));
}

TEST(SecretBytes, TokenHashIsSha256Hex) {
  // SHA-256("abc"), FIPS 180-2 appendix B.1.
  EXPECT_EQ(token_hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(SecretBytes, SecureEqual) {
  EXPECT_TRUE(secure_equal("abc", "abc"));
  EXPECT_FALSE(secure_equal("abc", "abd"));
  EXPECT_FALSE(secure_equal("abc", "abcd"));
}

}  // namespace
}  // namespace haven
