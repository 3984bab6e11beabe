// The forwarding path must not allocate per packet (sfu-contracts: preallocated buffers
// only). Counts global operator new calls while packets flow through the Router.
#include <gtest/gtest.h>

#include <cstdlib>
#include <new>

#include "routing_test_util.h"
#include "sfu/routing/router.h"

// GCC 12 sees the replaced operators inlined next to std::allocator and reports malloc/free
// as mismatched with new/delete; they are the replacement pair, so silence it here.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

namespace {
thread_local bool g_counting = false;
thread_local std::size_t g_allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace haven::sfu::routing::test {
namespace {

TEST(RoutingNoAllocation, ForwardingPathDoesNotAllocate) {
  Router router(Router::Config{.random_seed = 9});
  FakeSink pub;
  router.set_sink(1, &pub);
  Producer* video = router.add_producer(1, video_producer(0x1000, 0x1001));
  Producer* audio = router.add_producer(1, audio_producer(0x2000));
  ASSERT_TRUE(video && audio);

  // Sinks that drop everything (FakeSink records, which allocates).
  struct NullSink : PeerSink {
    void send_rtp(std::span<std::uint8_t> buffer, std::size_t len) override {
      bytes += len + buffer[0];
    }
    void send_rtcp(std::span<const std::uint8_t>) override {}
    std::size_t bytes = 0;
  } sinks[3];
  for (PeerId sub = 2; sub <= 4; ++sub) {
    router.set_sink(sub, &sinks[sub - 2]);
    const auto base = static_cast<std::uint32_t>(sub << 8);
    ASSERT_TRUE(router.add_consumer(sub, video->id(), video_consumer(base + 1, base + 2, "v")));
    ASSERT_TRUE(router.add_consumer(sub, audio->id(), audio_consumer(base + 3, "a")));
  }

  Bytes vbuf, abuf;
  const auto video_packet = [&](std::uint16_t seq, bool key) {
    PacketSpec s;
    s.ssrc = 0x1000;
    s.seq = seq;
    s.ts = seq * 3000u;
    s.extensions = {{kPubExt.mid, text("1")}, {kPubExt.transport_cc, be16(seq)}};
    s.payload = key ? Bytes{0x10, 0x00, 0x00} : vp8_delta();
    s.payload.resize(1100, 0x33);
    return build_packet(s);
  };
  const auto audio_packet = [&](std::uint16_t seq) {
    PacketSpec s;
    s.pt = kPubOpus;
    s.ssrc = 0x2000;
    s.seq = seq;
    s.extensions = {{kPubExt.audio_level, {0x90}}, {kPubExt.transport_cc, be16(seq)}};
    s.payload = Bytes(80, 0x44);
    return build_packet(s);
  };
  // Warm up: first packets start every consumer.
  vbuf = video_packet(65000, true);
  auto v = rtp::RtpPacket::parse(vbuf);
  router.receive_rtp(1, *v, 0);
  abuf = audio_packet(1);
  auto a = rtp::RtpPacket::parse(abuf);
  router.receive_rtp(1, *a, 0);

  // The counter sees allocations at all (the replacement is the one in use).
  g_allocations = 0;
  g_counting = true;
  int* volatile probe = new int(1);  // volatile: the pair cannot be elided
  delete probe;
  g_counting = false;
  ASSERT_EQ(g_allocations, 1u);

  // Every packet is built first: only the Router runs while allocations are counted.
  std::vector<Bytes> packets;
  for (int i = 1; i < 2000; ++i) {
    // Across the publisher's wrap; every 50th video packet lost.
    if (i % 50 != 0)
      packets.push_back(video_packet(static_cast<std::uint16_t>(65000 + i), i % 300 == 0));
    packets.push_back(audio_packet(static_cast<std::uint16_t>(1 + i)));
  }
  g_allocations = 0;
  g_counting = true;
  std::size_t routed = 0;
  std::int64_t now = 0;
  for (auto& bytes : packets) {
    auto pkt = rtp::RtpPacket::parse(bytes);
    now += 500'000;
    routed += router.receive_rtp(1, *pkt, now) == Router::RtpResult::routed ? 1 : 0;
  }
  g_counting = false;
  EXPECT_EQ(g_allocations, 0u);
  EXPECT_EQ(routed, packets.size());
  EXPECT_GT(sinks[0].bytes, 0u);
}

}  // namespace
}  // namespace haven::sfu::routing::test
