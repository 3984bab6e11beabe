#include "sfu/routing/nack_generator.h"

#include <gtest/gtest.h>

#include <vector>

namespace haven::sfu::routing {
namespace {

constexpr std::int64_t kMs = 1'000'000;
using Seqs = std::vector<std::uint16_t>;

TEST(NackGenerator, NacksGapsRetriesAndForgetsRecovered) {
  NackGenerator g;
  g.on_packet(65533, 0);
  EXPECT_FALSE(g.on_packet(65537, kMs));  // 65534..65536 missing, across the wrap
  Seqs out;
  g.poll(2 * kMs, 10 * kMs, out);
  EXPECT_EQ(out, (Seqs{65534, 65535, 0}));
  out.clear();
  g.poll(20 * kMs, 10 * kMs, out);  // before max(RTT, 40 ms)
  EXPECT_TRUE(out.empty());
  g.on_packet(65535, 30 * kMs);  // recovered
  EXPECT_EQ(g.recovered(), 1u);
  g.poll(42 * kMs, 10 * kMs, out);
  EXPECT_EQ(out, (Seqs{65534, 0}));
  out.clear();
  g.poll(100 * kMs, 200 * kMs, out);  // RTT 200 ms: not yet
  EXPECT_TRUE(out.empty());
}

TEST(NackGenerator, StopsAfterMaxRetries) {
  NackGenerator g;
  g.on_packet(1, 0);
  g.on_packet(3, 0);
  int sent = 0;
  for (int i = 0; i < 30; ++i) {
    Seqs out;
    g.poll(i * 50 * kMs, 0, out);
    sent += static_cast<int>(out.size());
  }
  EXPECT_EQ(sent, NackGenerator::kMaxRetries);
  EXPECT_EQ(g.pending(), 0u);
}

TEST(NackGenerator, HugeGapAsksForAKeyFrameInstead) {
  NackGenerator g;
  g.on_packet(1, 0);
  EXPECT_TRUE(g.on_packet(1 + NackGenerator::kMaxPending + 2, 0));
  EXPECT_EQ(g.pending(), 0u);
  // Many small gaps: the oldest entries make room.
  const std::int64_t start = 1 + NackGenerator::kMaxPending + 2;
  const auto limit = static_cast<std::int64_t>(3 * NackGenerator::kMaxPending);
  for (std::int64_t s = start + 3; s < start + limit; s += 3) EXPECT_FALSE(g.on_packet(s, 0));
  EXPECT_EQ(g.pending(), NackGenerator::kMaxPending);
}

}  // namespace
}  // namespace haven::sfu::routing
