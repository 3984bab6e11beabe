#include "auth/session_manager.h"

#include <gtest/gtest.h>

#include "../test_support.h"
#include "auth/password.h"
#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

class SessionManagerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    init_sodium();
    store = std::make_unique<SqliteStore>(dir.file("h.db"), 1000, keys);
    store->create_enrollment("t", 1, 100000);
    User u;
    u.display_name = "A";
    u.email = "a@x.org";
    u.password_hash = "x";
    user = *store->complete_enrollment("t", 2, u);
  }
  testing::TempDir dir;
  testing::TestKeys keys{dir};
  std::unique_ptr<SqliteStore> store;
  User user;
};

TEST_F(SessionManagerTest, IdleAndAbsoluteTimeouts) {
  SessionManager sessions(*store, *store, /*idle*/ 900, /*absolute*/ 3600);
  auto token = sessions.start(user, 1000);
  EXPECT_TRUE(sessions.resolve(token, 1100));
  EXPECT_TRUE(sessions.resolve(token, 1900));  // activity at 1900 refreshes the idle clock
  EXPECT_TRUE(sessions.resolve(token, 2700));
  EXPECT_FALSE(sessions.resolve(token, 4600));  // past the absolute limit
  auto idle = sessions.start(user, 5000);
  EXPECT_FALSE(sessions.resolve(idle, 5900));  // 15 minutes idle
  EXPECT_FALSE(sessions.resolve(idle, 5001));  // and it was deleted
}

TEST_F(SessionManagerTest, TokenIsNotStoredInClear) {
  SessionManager sessions(*store, *store, 900, 3600);
  auto token = sessions.start(user, 1000);
  EXPECT_FALSE(store->find_session(token));
  EXPECT_TRUE(store->find_session(token_hash(token)));
  EXPECT_FALSE(sessions.resolve("short", 1000));
  EXPECT_FALSE(sessions.resolve(random_token(), 1000));
}

TEST(Cookies, FlagsAndParsing) {
  auto cookie = session_cookie("tok", 60);
  for (auto flag : {"Secure", "HttpOnly", "SameSite=Strict", "Path=/"}) {
    EXPECT_NE(cookie.find(flag), std::string::npos) << flag;
  }
  EXPECT_EQ(cookie_value("a=1; haven_session=xyz; b=2", "haven_session"), "xyz");
  EXPECT_FALSE(cookie_value("a=1", "haven_session"));
  EXPECT_FALSE(cookie_value("haven_session=1; haven_session=2", "haven_session"));
}

TEST(Password, HashVerifyAndUnknownAccount) {
  init_sodium();
  auto hash = hash_password("correct horse battery staple");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password("correct horse battery staple", hash));
  EXPECT_FALSE(verify_password("wrong horse battery staple!", hash));
  EXPECT_FALSE(verify_password("anything", ""));
  EXPECT_EQ(utf8_length("\xc3\xa9t\xc3\xa9"), 3u);
}

}  // namespace
}  // namespace haven

namespace haven {
namespace {

TEST(DeviceLabel, NamesCommonBrowsersAndSystemsCoarsely) {
  EXPECT_EQ(device_label("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, "
                         "like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"),
            "Chrome on Android");
  EXPECT_EQ(device_label("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/"
                         "605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"),
            "Safari on iPhone");
  EXPECT_EQ(device_label("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 "
                         "Firefox/133.0"),
            "Firefox on Windows");
  EXPECT_EQ(device_label("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, "
                         "like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"),
            "Edge on Windows");
  EXPECT_EQ(device_label("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                         "(KHTML, like Gecko) Version/18.1 Safari/605.1.15"),
            "Safari on macOS");
  EXPECT_EQ(device_label(""), "Browser");
  EXPECT_EQ(device_label("curl/8.5.0"), "Browser");
}

}  // namespace
}  // namespace haven
