#include "sfu/routing/packet_store.h"

#include <gtest/gtest.h>

#include <vector>

#include "sfu/limits.h"

namespace haven::sfu::routing {
namespace {

constexpr std::int64_t kMs = 1'000'000;

std::vector<std::uint8_t> packet(std::uint8_t fill, std::size_t size) {
  return std::vector<std::uint8_t>(size, fill);
}

TEST(PacketStore, StoresFindsAndForgetsByAgeAndSeq) {
  PacketStore store(16, 64 * 1024, 1000 * kMs);
  store.store(100, packet(1, 200), 0);
  store.store(101, packet(2, 900), 10 * kMs);
  auto hit = store.find(101, 20 * kMs);
  ASSERT_EQ(hit.size(), 900u);
  EXPECT_EQ(hit[0], 2);
  EXPECT_EQ(store.find(100, 20 * kMs).size(), 200u);
  EXPECT_TRUE(store.find(102, 20 * kMs).empty());     // never stored
  EXPECT_TRUE(store.find(100 + 16, 20 * kMs).empty());  // same slot, other seq
  EXPECT_TRUE(store.find(100, 1001 * kMs).empty());   // too old
  store.store(116, packet(3, 50), 30 * kMs);          // takes 100's slot
  EXPECT_TRUE(store.find(100, 40 * kMs).empty());
  EXPECT_EQ(store.find(116, 40 * kMs)[0], 3);
}

TEST(PacketStore, BytesOverwrittenByNewerPacketsAreNotServed) {
  // Room for three full datagrams: the fourth overwrites the first's bytes.
  PacketStore store(64, 3 * kMaxDatagram, 10'000 * kMs);
  for (std::uint16_t seq = 0; seq < 4; ++seq) store.store(seq, packet(static_cast<std::uint8_t>(seq), kMaxDatagram), 0);
  EXPECT_TRUE(store.find(0, 1).empty());
  for (std::uint16_t seq = 1; seq < 4; ++seq) {
    auto hit = store.find(seq, 1);
    ASSERT_EQ(hit.size(), kMaxDatagram) << seq;
    EXPECT_EQ(hit.front(), seq);
    EXPECT_EQ(hit.back(), seq);
  }
  // Small packets pack densely: many more fit than slots of a datagram each would allow.
  PacketStore dense(1024, 64 * 1024, 10'000 * kMs);
  for (std::uint16_t seq = 0; seq < 500; ++seq) dense.store(seq, packet(7, 100), 0);
  for (std::uint16_t seq = 0; seq < 500; ++seq) EXPECT_EQ(dense.find(seq, 1).size(), 100u);
}

TEST(PacketStore, OversizeOrEmptyPacketEvictsWithoutStoring) {
  PacketStore store(16, 64 * 1024, 1000 * kMs);
  store.store(5, packet(1, 100), 0);
  store.store(5, packet(2, kMaxDatagram + 1), 0);
  EXPECT_TRUE(store.find(5, 0).empty());
  store.store(6, packet(1, 100), 0);
  store.store(6, {}, 0);
  EXPECT_TRUE(store.find(6, 0).empty());
}

TEST(SentLog, RecordsBySeqAndAge) {
  SentLog log(16, 1000 * kMs);
  auto& r = log.next(500);
  r.source_seq = 7;
  r.sent_ns = 0;
  ASSERT_NE(log.find(500, 10 * kMs), nullptr);
  EXPECT_EQ(log.find(500, 10 * kMs)->source_seq, 7);
  EXPECT_EQ(log.find(501, 10 * kMs), nullptr);
  EXPECT_EQ(log.find(500 + 16, 10 * kMs), nullptr);
  EXPECT_EQ(log.find(500, 1001 * kMs), nullptr);
  log.next(516).sent_ns = 5;  // the same slot: 500 is gone
  EXPECT_EQ(log.find(500, 10 * kMs), nullptr);
}

}  // namespace
}  // namespace haven::sfu::routing
