#include "sfu/routing/retransmission_buffer.h"

#include <gtest/gtest.h>

#include <vector>

#include "sfu/limits.h"

namespace haven::sfu::routing {
namespace {

constexpr std::int64_t kMs = 1'000'000;

TEST(RetransmissionBuffer, StoresFindsAndEvicts) {
  RetransmissionBuffer buf(20, 1000 * kMs);
  EXPECT_EQ(buf.capacity(), 32u);  // rounded to a power of two
  const std::vector<std::uint8_t> a = {1, 2, 3};
  buf.store(65535, a, 0);
  RetransmissionBuffer::Hit hit;
  ASSERT_TRUE(buf.find(65535, 10 * kMs, hit));
  EXPECT_EQ(std::vector<std::uint8_t>(hit.packet.begin(), hit.packet.end()), a);
  EXPECT_EQ(hit.last_resent_ns, -1);
  buf.mark_resent(65535, 20 * kMs);
  ASSERT_TRUE(buf.find(65535, 30 * kMs, hit));
  EXPECT_EQ(hit.last_resent_ns, 20 * kMs);
  EXPECT_FALSE(buf.find(65534, 10 * kMs, hit));    // never stored
  EXPECT_FALSE(buf.find(65535, 1001 * kMs, hit));  // too old
  // 32 later seqs wrap the ring and evict 65535.
  for (std::uint16_t s = 0; s < 32; ++s) buf.store(s, a, 5 * kMs);
  EXPECT_FALSE(buf.find(65535, 10 * kMs, hit));
  EXPECT_TRUE(buf.find(31, 10 * kMs, hit));
}

TEST(RetransmissionBuffer, OversizePacketEvictsWithoutStoring) {
  RetransmissionBuffer buf(16, 1000 * kMs);
  const std::vector<std::uint8_t> small = {1};
  const std::vector<std::uint8_t> big(kMaxDatagram + 1, 0);
  buf.store(7, small, 0);
  buf.store(7 + 16, big, 0);
  RetransmissionBuffer::Hit hit;
  EXPECT_FALSE(buf.find(7, 0, hit));
  EXPECT_FALSE(buf.find(7 + 16, 0, hit));
}

}  // namespace
}  // namespace haven::sfu::routing
