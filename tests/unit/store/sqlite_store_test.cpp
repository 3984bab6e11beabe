#include "store/sqlite_store.h"

#include <gtest/gtest.h>

#include "../test_support.h"
#include "store/migrations.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

User admin_named(const std::string& email) {
  User u;
  u.display_name = "Test Admin";
  u.email = email;
  u.password_hash = "hash";
  return u;
}

TEST(SqliteStore, MigrationsApplyOnceAndReady) {
  testing::TempDir dir;
  testing::TestKeys keys(dir);
  {
    SqliteStore store(dir.file("h.db"), 1000, keys);
    EXPECT_TRUE(store.ready());
  }
  sql::Connection conn(dir.file("h.db"), 1000);
  EXPECT_EQ(apply_migrations(conn), 0);  // nothing pending the second time
  sql::Statement q(conn, "PRAGMA journal_mode");
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.text(0), "wal");
}

TEST(SqliteStore, EnrollmentIsSingleUseAndExpires) {
  testing::TempDir dir;
  testing::TestKeys keys(dir);
  SqliteStore store(dir.file("h.db"), 1000, keys);
  store.create_enrollment("t1", 100, 200);
  EXPECT_EQ(store.enrollment_status("t1", 150), EnrollmentStatus::valid);
  EXPECT_EQ(store.enrollment_status("t1", 200), EnrollmentStatus::invalid);  // expired
  auto user = store.complete_enrollment("t1", 150, admin_named("a@x.org"));
  ASSERT_TRUE(user);
  EXPECT_EQ(user->role, Role::admin);
  EXPECT_EQ(user->id.size(), 32u);
  EXPECT_FALSE(store.complete_enrollment("t1", 151, admin_named("b@x.org")));  // used
  EXPECT_EQ(store.count_users(), 1);
  auto found = store.find_user_by_email("a@x.org");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, user->id);
}

TEST(SqliteStore, NewEnrollmentRevokesEarlierUnusedOnes) {
  testing::TempDir dir;
  testing::TestKeys keys(dir);
  SqliteStore store(dir.file("h.db"), 1000, keys);
  store.create_enrollment("old", 100, 1000);
  store.create_enrollment("new", 101, 1000);
  EXPECT_EQ(store.enrollment_status("old", 150), EnrollmentStatus::invalid);
  EXPECT_EQ(store.enrollment_status("new", 150), EnrollmentStatus::valid);
}

TEST(SqliteStore, FailedEnrollmentChangesNothing) {
  testing::TempDir dir;
  testing::TestKeys keys(dir);
  SqliteStore store(dir.file("h.db"), 1000, keys);
  store.create_enrollment("t1", 100, 1000);
  ASSERT_TRUE(store.complete_enrollment("t1", 150, admin_named("a@x.org")));
  store.create_enrollment("t2", 160, 1000);
  // Email already taken: the transaction rolls back, so the token stays usable.
  EXPECT_FALSE(store.complete_enrollment("t2", 170, admin_named("a@x.org")));
  EXPECT_EQ(store.enrollment_status("t2", 171), EnrollmentStatus::valid);
  EXPECT_EQ(store.count_users(), 1);
}

TEST(SqliteStore, Sessions) {
  testing::TempDir dir;
  testing::TestKeys keys(dir);
  SqliteStore store(dir.file("h.db"), 1000, keys);
  store.create_enrollment("t", 1, 1000);
  auto user = store.complete_enrollment("t", 2, admin_named("a@x.org"));
  ASSERT_TRUE(user);
  store.create_session({"h1", user->id, 10, 10, 100});
  auto s = store.find_session("h1");
  ASSERT_TRUE(s);
  EXPECT_EQ(s->user_id, user->id);
  store.touch_session("h1", 50);
  EXPECT_EQ(store.find_session("h1")->last_seen_at, 50);
  store.delete_session("h1");
  EXPECT_FALSE(store.find_session("h1"));
}

}  // namespace
}  // namespace haven
