#include "sfu/rooms/layer_cap.h"

#include <gtest/gtest.h>

namespace haven::sfu::rooms {
namespace {

constexpr std::int64_t kSecond = 1'000'000'000;

TEST(LayerCap, WishesMapToLayersUnderTheCeiling) {
  LayerCap cap;
  EXPECT_EQ(cap.layer_for(LayerWish::off), std::nullopt);
  EXPECT_EQ(cap.layer_for(LayerWish::low), 0u);
  EXPECT_EQ(cap.layer_for(LayerWish::medium), 1u);
  EXPECT_EQ(cap.layer_for(LayerWish::high), 2u);
  EXPECT_EQ(parse_layer_wish("medium"), LayerWish::medium);
  EXPECT_EQ(parse_layer_wish("huge"), std::nullopt);
}

TEST(LayerCap, HeavyLossStepsDownOneLayerAtATimeNeverBelowLow) {
  LayerCap cap;
  std::int64_t now = 10 * kSecond;
  cap.update(60, now, now);
  EXPECT_EQ(cap.ceiling(), 1u);
  EXPECT_EQ(cap.layer_for(LayerWish::high), 1u);
  cap.update(60, now + kSecond / 2, now + kSecond / 2);  // held: too soon after a change
  EXPECT_EQ(cap.ceiling(), 1u);
  now += 3 * kSecond;
  cap.update(60, now, now);
  EXPECT_EQ(cap.ceiling(), 0u);
  now += 3 * kSecond;
  cap.update(255, now, now);
  EXPECT_EQ(cap.ceiling(), 0u);
  EXPECT_EQ(cap.layer_for(LayerWish::high), 0u);
  EXPECT_EQ(cap.layer_for(LayerWish::off), std::nullopt);
}

TEST(LayerCap, CleanPathStepsBackUpAndModerateLossHolds) {
  LayerCap cap;
  std::int64_t now = 10 * kSecond;
  cap.update(100, now, now);
  now += 3 * kSecond;
  cap.update(100, now, now);
  ASSERT_EQ(cap.ceiling(), 0u);
  now += 3 * kSecond;
  cap.update(12, now, now);  // ~5 %: between the thresholds
  EXPECT_EQ(cap.ceiling(), 0u);
  cap.update(0, now, now);
  EXPECT_EQ(cap.ceiling(), 1u);
  now += 3 * kSecond;
  cap.update(0, now, now);
  EXPECT_EQ(cap.ceiling(), 2u);
  now += 3 * kSecond;
  cap.update(0, now, now);
  EXPECT_EQ(cap.ceiling(), 2u);
}

TEST(LayerCap, StaleOrMissingFeedbackChangesNothing) {
  LayerCap cap;
  const std::int64_t now = 20 * kSecond;
  cap.update(200, -1, now);
  cap.update(200, now - 4 * kSecond, now);
  EXPECT_EQ(cap.ceiling(), LayerCap::kTopLayer);
}

}  // namespace
}  // namespace haven::sfu::rooms
