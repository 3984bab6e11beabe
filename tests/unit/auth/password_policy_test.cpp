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

TEST(PasswordPolicy, RefusesKeyboardWalksCracklibLetThrough) {
  for (auto walk : {"qwertyuiopasdfgh", "1qaz2wsx3edc4rfv", "QWERTYUIOP[]ASDF", "zxcvbnm,./asdfgh",
                    "1234567890-=qwer", "9876543210poiuyt"}) {
    auto reason = password_weakness(walk);
    ASSERT_TRUE(reason) << walk;
    EXPECT_EQ(*reason, "it is a keyboard pattern or a sequence");
  }
}

TEST(PasswordPolicy, AcceptsPassphrases) {
  for (auto good : {"correct horse battery staple", "a long enough passphrase",
                    "calm-harbor-0a1b2c3d4e5f-lantern", "trees sway as rivers bend"}) {
    EXPECT_FALSE(password_weakness(good)) << good;
  }
}

}  // namespace
}  // namespace haven
