// A unit of work: an action's writes and its audit record commit together or not at all.
#include "store/unit_of_work.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "../test_support.h"
#include "store/sqlite_store.h"

namespace haven {
namespace {

User admin_named(const std::string& email) {
  User u;
  u.display_name = "Unit Admin";
  u.email = email;
  u.password_hash = "hash";
  return u;
}

// Counted through a second connection: only committed rows are visible there.
std::int64_t audit_rows(const std::string& dbfile) {
  sql::Connection conn(dbfile, 1000);
  sql::Statement q(conn, "SELECT COUNT(*) FROM audit_events");
  q.step();
  return q.integer(0);
}

class UnitOfWorkTest : public ::testing::Test {
 protected:
  UnitOfWorkTest() : store(dir.file("u.db"), 1000, keys) {
    store.create_enrollment("t", 100, 1000);
    admin = *store.complete_enrollment("t", 150, admin_named("a@x.org"));
  }
  testing::TempDir dir;
  testing::TestKeys keys{dir};
  SqliteStore store;
  User admin;
};

TEST_F(UnitOfWorkTest, CommitKeepsTheActionAndItsAuditRecord) {
  {
    UnitOfWork unit(store);
    store.set_disabled(admin.id, true);
    store.append_audit({200, admin.id, "user.disabled", "user", admin.id, "success", "r1"});
    unit.commit();
  }
  EXPECT_TRUE(store.find_user(admin.id)->disabled);
  EXPECT_EQ(audit_rows(dir.file("u.db")), 1);
}

TEST_F(UnitOfWorkTest, WithoutCommitNothingHappened) {
  {
    UnitOfWork unit(store);
    store.set_disabled(admin.id, true);                     // a transaction inside
    store.create_session({"h1", admin.id, 200, 200, 900});  // a single statement
    store.append_audit({200, admin.id, "x", "user", admin.id, "success", "r1"});
    EXPECT_TRUE(store.find_user(admin.id)->disabled) << "the unit sees its own writes";
  }
  EXPECT_FALSE(store.find_user(admin.id)->disabled);
  EXPECT_FALSE(store.find_session("h1"));
  EXPECT_EQ(audit_rows(dir.file("u.db")), 0);
}

TEST_F(UnitOfWorkTest, AnInnerRollbackUndoesOnlyItsOwnWrites) {
  {
    UnitOfWork unit(store);
    store.create_session({"h1", admin.id, 200, 200, 900});
    // email_taken: accept_invitation rolls its own transaction back (a savepoint here).
    store.create_invitation({"i1", "th", admin.org_id, Role::staff, "Staff", admin.id, 100, 9999});
    User taken = admin_named("a@x.org");
    EXPECT_EQ(store.accept_invitation("th", 200, taken), AcceptOutcome::email_taken);
    unit.commit();
  }
  EXPECT_TRUE(store.find_session("h1"));
  EXPECT_TRUE(store.find_valid_invitation("th", 200)) << "the invitation is still unused";
}

TEST_F(UnitOfWorkTest, ReadsBeforeTheFirstWriteHoldNoLock) {
  UnitOfWork unit(store);
  EXPECT_TRUE(store.find_user(admin.id));  // a read: no transaction, no lock kept
  std::atomic<bool> done{false};
  std::thread other([&] {
    store.create_session({"h2", admin.id, 200, 200, 900});
    done = true;
  });
  other.join();
  EXPECT_TRUE(done);
  unit.commit();
}

TEST_F(UnitOfWorkTest, OtherThreadsWaitForAnOpenUnit) {
  std::atomic<bool> other_wrote{false};
  std::thread other;
  {
    UnitOfWork unit(store);
    store.create_session({"h1", admin.id, 200, 200, 900});  // the unit's transaction begins
    other = std::thread([&] {
      store.create_session({"h2", admin.id, 200, 200, 900});
      other_wrote = true;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_FALSE(other_wrote) << "the other thread must wait for the commit";
    unit.commit();
  }
  other.join();
  EXPECT_TRUE(other_wrote);
  EXPECT_TRUE(store.find_session("h1"));
  EXPECT_TRUE(store.find_session("h2"));
}

}  // namespace
}  // namespace haven
