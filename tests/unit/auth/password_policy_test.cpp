#include "auth/password_policy.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

TEST(PasswordPolicy, RefusesGuessablePasswordsWithAReason) {
  for (auto weak : {"password123456789", "aaaaaaaaaaaaaaaa", "abcdefghijklmnopq"}) {
    auto reason = password_weakness(weak);
    ASSERT_TRUE(reason) << weak;
    EXPECT_EQ(reason->find(weak), std::string::npos) << "the reason never echoes the password";
  }
}

TEST(PasswordPolicy, AcceptsPassphrases) {
  for (auto good : {"correct horse battery staple", "a long enough passphrase",
                    "calm-harbor-0a1b2c3d4e5f-lantern"}) {
    EXPECT_FALSE(password_weakness(good)) << good;
  }
}

}  // namespace
}  // namespace haven
