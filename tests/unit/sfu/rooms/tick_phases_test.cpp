#include "sfu/rooms/tick_phases.h"

#include <gtest/gtest.h>

namespace haven::sfu::rooms {
namespace {

TEST(TickPhases, RoomsOpenedTogetherGetDifferentPhases) {
  TickPhases::Counts open{};
  for (unsigned expected = 0; expected < TickPhases::kCount; ++expected) {
    const unsigned phase = TickPhases::least_used(open);
    EXPECT_EQ(phase, expected);
    ++open[phase];
  }
  // Every phase has one room: the fifth shares the first.
  EXPECT_EQ(TickPhases::least_used(open), 0u);
}

TEST(TickPhases, ANewRoomFillsThePhaseARoomLeft) {
  TickPhases::Counts open{2, 2, 1, 2};
  EXPECT_EQ(TickPhases::least_used(open), 2u);
  open = {3, 0, 1, 0};
  EXPECT_EQ(TickPhases::least_used(open), 1u);
}

TEST(TickPhases, EveryPhaseComesRoundOncePerPeriod) {
  TickPhases phases;
  TickPhases::Counts due{};
  for (unsigned firing = 0; firing < 3 * TickPhases::kCount; ++firing) ++due[phases.next()];
  for (std::size_t n : due) EXPECT_EQ(n, 3u);
  EXPECT_EQ(TickPhases::kStep * TickPhases::kCount, TickPhases::kPeriod);
}

}  // namespace
}  // namespace haven::sfu::rooms
