// The waiting room's bookkeeping (sfu/rooms/lobby.h): who waits, per person for the host.
#include "sfu/rooms/lobby.h"

#include <gtest/gtest.h>

namespace haven::sfu::rooms {
namespace {

Waiter waiter(std::uint64_t channel, const std::string& user, std::int64_t since) {
  Waiter w;
  w.channel = channel;
  w.join.user_id = user;
  w.join.display_name = "Name " + user;
  w.since = since;
  return w;
}

TEST(Lobby, SummaryHasOneEntryPerPersonInArrivalOrderWithTheirTabs) {
  Lobby lobby;
  lobby.add(waiter(1, "alice", 100));
  lobby.add(waiter(2, "bob", 110));
  lobby.add(waiter(3, "alice", 120));  // a second tab
  const auto summary = lobby.summary();
  EXPECT_EQ(summary["type"], "room.lobby");
  EXPECT_EQ(summary["locked"], false);
  ASSERT_EQ(summary["waiting"].size(), 2u);
  EXPECT_EQ(summary["waiting"][0]["user_id"], "alice");
  EXPECT_EQ(summary["waiting"][0]["tabs"], 2);
  EXPECT_EQ(summary["waiting"][0]["since"], 100);  // the earliest
  EXPECT_EQ(summary["waiting"][0]["display_name"], "Name alice");
  EXPECT_EQ(summary["waiting"][1]["user_id"], "bob");
  EXPECT_EQ(summary["waiting"][1]["tabs"], 1);
}

TEST(Lobby, TakingAPersonTakesEveryTabOfTheirsAndNobodyElse) {
  Lobby lobby;
  lobby.add(waiter(1, "alice", 100));
  lobby.add(waiter(2, "bob", 110));
  lobby.add(waiter(3, "alice", 120));
  const auto taken = lobby.take_user("alice");
  ASSERT_EQ(taken.size(), 2u);
  EXPECT_EQ(taken[0].channel, 1u);
  EXPECT_EQ(taken[1].channel, 3u);
  EXPECT_FALSE(lobby.waiting(1));
  EXPECT_TRUE(lobby.waiting(2));
  EXPECT_TRUE(lobby.take_user("nobody").empty());
  EXPECT_EQ(lobby.channels(), std::vector<std::uint64_t>{2});
}

TEST(Lobby, AChannelLeavesOnceAndTheLockShows) {
  Lobby lobby;
  lobby.add(waiter(5, "carol", 1));
  EXPECT_TRUE(lobby.take_channel(5));
  EXPECT_FALSE(lobby.take_channel(5));
  EXPECT_TRUE(lobby.empty());
  lobby.locked = true;
  EXPECT_EQ(lobby.summary()["locked"], true);
  EXPECT_TRUE(lobby.summary()["waiting"].empty());
  lobby.add(waiter(6, "dave", 2));
  EXPECT_EQ(lobby.take_all().size(), 1u);
  EXPECT_TRUE(lobby.empty());
}

}  // namespace
}  // namespace haven::sfu::rooms
