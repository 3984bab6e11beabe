// Time in a call: overlapping joins (two tabs) count once, gaps count nothing.
#include "sessions/presence.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

TEST(SecondsPresent, UnionOfJoins) {
  EXPECT_EQ(seconds_present({}), 0);
  EXPECT_EQ(seconds_present({{100, 160}}), 60);
  // Two tabs at once: 100-160 and 130-200 → 100-200.
  EXPECT_EQ(seconds_present({{130, 200}, {100, 160}}), 100);
  // Adjacent and separate joins: 100-160, 160-170, then 300-330.
  EXPECT_EQ(seconds_present({{300, 330}, {100, 160}, {160, 170}}), 100);
  // One inside another, and an empty one.
  EXPECT_EQ(seconds_present({{100, 400}, {150, 200}, {500, 500}}), 300);
}

}  // namespace
}  // namespace haven
