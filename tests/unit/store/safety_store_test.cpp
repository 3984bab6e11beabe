// The safety check at the store (store/safety_repository.h): the location and emergency
// contact are sealed under the person's own key and bound to their row; the latest
// confirmation per person and room counts; erasing the patient deletes their rows.
#include <gtest/gtest.h>

#include "../test_support.h"
#include "store/field_sealer.h"
#include "store/sqlite_store.h"

namespace haven {
namespace {

class SafetyStoreTest : public ::testing::Test {
 protected:
  SafetyStoreTest() {
    store->create_enrollment("t", 1, 1000);
    User a;
    a.display_name = "Thea Therapistson";
    a.email = "thea@clinic.example";
    a.password_hash = "h";
    owner = *store->complete_enrollment("t", 2, a);
    invite(alice, "tok-a");
    invite(bob, "tok-b");
    room = store->create_room(owner.org_id, owner.id, {alice.id, bob.id}, 5);
    other_room = store->create_room(owner.org_id, owner.id, {alice.id}, 6);
  }
  void invite(User& who, const std::string& token) {
    store->create_invitation(
        {"inv-" + token, token, owner.org_id, Role::patient, "Pat", owner.id, 3, 1000});
    who.email = token + "@home.example";
    who.password_hash = "h";
    EXPECT_EQ(store->accept_invitation(token, 4, who), AcceptOutcome::accepted);
  }
  SafetyCheck check(const std::string& room_id, const std::string& location, std::int64_t at) {
    return {room_id, "", location, "Rowan Contact", "+44 7700 900461", at};
  }
  std::string raw(const char* column, const std::string& user_id, const std::string& room_id) {
    sql::Connection conn(dir.file("haven.db"), 1000, sql::OpenMode::read_only);
    sql::Statement q(conn, std::string("SELECT ") + column +
                               " FROM safety_checks WHERE user_id = ? AND room_id = ?");
    q.bind(1, user_id).bind(2, room_id);
    return q.step() ? q.text(0) : "";
  }

  testing::TempDir dir;
  testing::TestKeys keys{dir};
  std::unique_ptr<SqliteStore> store =
      std::make_unique<SqliteStore>(dir.file("haven.db"), 1000, keys);
  User owner, alice, bob;
  std::string room, other_room;
};

TEST_F(SafetyStoreTest, SealedUnderThePatientsKeyAndReadBack) {
  store->save_safety_check(alice, check(room, "12 Elm Row, Dunmore", 10));
  auto checks = store->safety_checks_of_room(room);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].user_id, alice.id);
  EXPECT_EQ(checks[0].location, "12 Elm Row, Dunmore");
  EXPECT_EQ(checks[0].contact_name, "Rowan Contact");
  EXPECT_EQ(checks[0].contact_phone, "+44 7700 900461");
  EXPECT_EQ(checks[0].confirmed_at, 10);
  for (const char* column : {"location", "contact_name", "contact_phone"}) {
    const auto sealed = raw(column, alice.id, room);
    EXPECT_TRUE(sealed_key_id(sealed).has_value()) << column;
    EXPECT_EQ(sealed.find("Elm"), std::string::npos);
    EXPECT_EQ(sealed.find("Rowan"), std::string::npos);
  }
  EXPECT_TRUE(store->safety_checks_of_room(other_room).empty());
}

TEST_F(SafetyStoreTest, TheLatestCountsPerRoomAndForThePrefill) {
  EXPECT_FALSE(store->latest_safety_check(alice.id));
  store->save_safety_check(alice, check(room, "First place", 10));
  store->save_safety_check(alice, check(room, "Second place", 11));
  store->save_safety_check(bob, check(room, "Bob's place", 12));
  auto checks = store->safety_checks_of_room(room);
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].location, "Second place");
  SafetyCheck later = check(other_room, "Third place", 20);
  later.contact_name = "New Contact";
  store->save_safety_check(alice, later);
  auto latest = store->latest_safety_check(alice.id);
  ASSERT_TRUE(latest);
  EXPECT_EQ(latest->room_id, other_room);
  EXPECT_EQ(latest->contact_name, "New Contact");
}

TEST_F(SafetyStoreTest, AValueMovedToAnotherRowDoesNotOpen) {
  store->save_safety_check(alice, check(room, "Alice's place", 10));
  store->save_safety_check(bob, check(room, "Bob's place", 11));
  const auto alices = raw("location", alice.id, room);
  {
    sql::Connection conn(dir.file("haven.db"), 1000);
    sql::Statement(conn, "UPDATE safety_checks SET location = ? WHERE user_id = ?")
        .bind(1, alices)
        .bind(2, bob.id)
        .run();
  }
  EXPECT_THROW(store->safety_checks_of_room(room), SealError);
}

TEST_F(SafetyStoreTest, ErasingThePatientDeletesTheirRows) {
  store->save_safety_check(alice, check(room, "Alice's place", 10));
  store->save_safety_check(alice, check(other_room, "Alice's place", 11));
  store->save_safety_check(bob, check(room, "Bob's place", 12));
  ASSERT_TRUE(store->erase_patient(alice.id, 20));
  auto checks = store->safety_checks_of_room(room);
  ASSERT_EQ(checks.size(), 1u);
  EXPECT_EQ(checks[0].user_id, bob.id);
  EXPECT_TRUE(store->safety_checks_of_room(other_room).empty());
  EXPECT_FALSE(store->latest_safety_check(alice.id));
}

}  // namespace
}  // namespace haven
