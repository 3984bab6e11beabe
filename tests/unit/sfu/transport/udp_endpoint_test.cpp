// UdpEndpoint: real datagrams on 127.0.0.1, oversized truncation, draining more than one
// turn's worth, and safe destruction with a receive pending. Plus the RateLimiter and
// SafeTimer it is used with.
#include "sfu/transport/udp_endpoint.h"

#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "sfu/transport/rate_limiter.h"
#include "sfu/transport/safe_timer.h"

namespace haven::sfu {
namespace {

using namespace std::chrono_literals;

struct Inbox : UdpEndpoint::Listener {
  std::vector<std::pair<Tuple, std::vector<std::uint8_t>>> got;
  void on_datagram(const Tuple& from, std::span<std::uint8_t> data) noexcept override {
    got.emplace_back(from, std::vector<std::uint8_t>(data.begin(), data.end()));
  }
};

bool run_until(boost::asio::io_context& ioc, const std::function<bool()>& pred) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!pred() && std::chrono::steady_clock::now() < deadline) {
    if (ioc.stopped()) ioc.restart();
    ioc.run_for(5ms);
  }
  return pred();
}

TEST(UdpEndpoint, ExchangesDatagramsAndReportsTheSender) {
  boost::asio::io_context ioc;
  Inbox a_in, b_in;
  UdpEndpoint a(ioc, "127.0.0.1", 0, a_in);
  UdpEndpoint b(ioc, "127.0.0.1", 0, b_in);
  ASSERT_NE(a.local_port(), 0);
  EXPECT_EQ(a.local_tuple(), Tuple::v4({127, 0, 0, 1}, a.local_port()));
  a.start();
  b.start();
  const std::vector<std::uint8_t> hello{1, 2, 3, 4, 5};
  ASSERT_TRUE(a.send(b.local_tuple(), hello));
  ASSERT_TRUE(run_until(ioc, [&] { return b_in.got.size() == 1; }));
  EXPECT_EQ(b_in.got[0].first, a.local_tuple());
  EXPECT_EQ(b_in.got[0].second, hello);
  EXPECT_EQ(a.stats().datagrams_sent, 1u);
  EXPECT_EQ(b.stats().bytes_received, 5u);
}

// Sends are queued and go out in one sendmmsg: across the 64-slot batch boundary, and what
// is still queued when the socket closes (a DTLS close_notify) is sent, not lost.
TEST(UdpEndpoint, QueuedSendsGoOutInOrderAndCloseFlushesThem) {
  boost::asio::io_context ioc;
  Inbox in, ignored;
  UdpEndpoint rx(ioc, "127.0.0.1", 0, in);
  UdpEndpoint tx(ioc, "127.0.0.1", 0, ignored);
  rx.start();
  constexpr int kCount = 150;  // two full batches and a part
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE(tx.send(rx.local_tuple(), std::vector<std::uint8_t>{static_cast<std::uint8_t>(i)}));
  }
  tx.close();  // before the posted flush could run
  EXPECT_EQ(tx.stats().datagrams_sent, static_cast<std::uint64_t>(kCount));
  ASSERT_TRUE(run_until(ioc, [&] { return in.got.size() == kCount; }));
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(in.got[i].second[0], static_cast<std::uint8_t>(i));
  EXPECT_FALSE(tx.send(rx.local_tuple(), std::vector<std::uint8_t>{1}));  // closed
}

TEST(UdpEndpoint, OversizedDatagramsArriveTruncatedOneBytePastTheLimit) {
  boost::asio::io_context ioc;
  Inbox in, ignored;
  UdpEndpoint rx(ioc, "127.0.0.1", 0, in);
  UdpEndpoint tx(ioc, "127.0.0.1", 0, ignored);
  rx.start();
  const std::vector<std::uint8_t> big(4000, 0xAB);
  ASSERT_TRUE(tx.send(rx.local_tuple(), big));
  ASSERT_TRUE(run_until(ioc, [&] { return in.got.size() == 1; }));
  EXPECT_EQ(in.got[0].second.size(), kMaxDatagram + 1);
}

TEST(UdpEndpoint, DrainsMoreThanOneTurnWithoutLosingAny) {
  boost::asio::io_context ioc;
  Inbox in, ignored;
  UdpEndpoint rx(ioc, "127.0.0.1", 0, in);
  UdpEndpoint tx(ioc, "127.0.0.1", 0, ignored);
  rx.start();
  constexpr int kCount = UdpEndpoint::kMaxDatagramsPerTurn * 3 + 7;
  for (int i = 0; i < kCount; ++i) {
    const std::vector<std::uint8_t> d{static_cast<std::uint8_t>(i),
                                      static_cast<std::uint8_t>(i >> 8)};
    ASSERT_TRUE(tx.send(rx.local_tuple(), d));
  }
  ASSERT_TRUE(run_until(ioc, [&] { return in.got.size() == kCount; }));
  for (int i = 0; i < kCount; ++i) EXPECT_EQ(in.got[i].second[0], static_cast<std::uint8_t>(i));
}

TEST(UdpEndpoint, SendFailsWhenClosedOrTheFamilyIsUnreachable) {
  boost::asio::io_context ioc;
  Inbox in;
  UdpEndpoint ep(ioc, "127.0.0.1", 0, in);
  const std::vector<std::uint8_t> d{1};
  EXPECT_FALSE(ep.send(Tuple::v6({}, 9), d));  // an IPv4 socket cannot reach IPv6
  ep.close();
  EXPECT_FALSE(ep.send(Tuple::v4({127, 0, 0, 1}, 9), d));
  EXPECT_EQ(ep.stats().send_errors, 2u);
  EXPECT_THROW(UdpEndpoint(ioc, "not-an-address", 0, in), std::runtime_error);
}

TEST(UdpEndpoint, DestroyedWithAPendingReceiveIsSafe) {
  boost::asio::io_context ioc;
  Inbox in, ignored;
  auto rx = std::make_unique<UdpEndpoint>(ioc, "127.0.0.1", 0, in);
  UdpEndpoint tx(ioc, "127.0.0.1", 0, ignored);
  rx->start();
  const Tuple to = rx->local_tuple();
  const std::vector<std::uint8_t> d{1, 2};
  ASSERT_TRUE(tx.send(to, d));
  ioc.poll();  // readiness may be queued now
  rx.reset();
  ioc.restart();
  ioc.run_for(20ms);  // queued handlers run against the expired guard
  SUCCEED();
}

// measure_dwell(): every received datagram gets the kernel's stamp, and the time from it
// to the end of its handling lands in the histogram (here the listener sleeps 2 ms for one
// of them, which the upper quantile must show).
TEST(UdpEndpoint, MeasuresHowLongDatagramsStay) {
  boost::asio::io_context ioc;
  struct Slow : UdpEndpoint::Listener {
    int seen = 0;
    void on_datagram(const Tuple&, std::span<std::uint8_t>) noexcept override {
      if (++seen == 10) std::this_thread::sleep_for(2ms);
    }
  } slow;
  Inbox unused;
  UdpEndpoint sender(ioc, "127.0.0.1", 0, unused);
  UdpEndpoint receiver(ioc, "127.0.0.1", 0, slow);
  ASSERT_TRUE(receiver.measure_dwell());
  receiver.start();
  const auto before = receiver.dwell().snapshot();
  const std::vector<std::uint8_t> payload(100, 7);
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(sender.send(receiver.local_tuple(), payload));
    sender.flush();
  }
  ASSERT_TRUE(run_until(ioc, [&] { return slow.seen == 20; }));
  const auto after = receiver.dwell().snapshot();
  std::uint64_t recorded = 0;
  for (std::size_t i = 0; i < after.size(); ++i) recorded += after[i] - before[i];
  EXPECT_EQ(recorded, 20u);
  EXPECT_GE(DwellHistogram::quantile_ns(before, after, 1.0), 2'000'000);
  EXPECT_GT(DwellHistogram::quantile_ns(before, after, 0.5), 0);
  EXPECT_EQ(DwellHistogram::quantile_ns(after, after, 0.5), -1);  // nothing in between
}

TEST(DwellHistogram, QuantilesAreBucketUpperEdgesAndOverflowIsKept) {
  DwellHistogram h;
  const auto empty = h.snapshot();
  for (int i = 0; i < 98; ++i) h.record(25'000);  // the 20–30 µs bucket
  h.record(-5);                                   // clock step: counted in the first bucket
  h.record(50'000'000);                           // 50 ms: the overflow bucket
  const auto full = h.snapshot();
  EXPECT_EQ(DwellHistogram::quantile_ns(empty, full, 0.5), 30'000);
  EXPECT_EQ(DwellHistogram::quantile_ns(empty, full, 0.01), 10'000);
  EXPECT_EQ(DwellHistogram::quantile_ns(empty, full, 1.0),
            static_cast<std::int64_t>(DwellHistogram::kBuckets + 1) * DwellHistogram::kBucketNs);
}

TEST(RateLimiter, AllowsOneSecondOfBurstThenTheRate) {
  RateLimiter limiter(100);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  int allowed = 0;
  for (int i = 0; i < 250; ++i) allowed += limiter.allow(t0) ? 1 : 0;
  EXPECT_EQ(allowed, 100);
  // 50 ms later: 5 more tokens.
  allowed = 0;
  for (int i = 0; i < 20; ++i) allowed += limiter.allow(t0 + 50ms) ? 1 : 0;
  EXPECT_EQ(allowed, 5);
  // A long pause refills to the one-second cap, not more.
  allowed = 0;
  for (int i = 0; i < 500; ++i) allowed += limiter.allow(t0 + 1h) ? 1 : 0;
  EXPECT_EQ(allowed, 100);
  // Time going backwards (it cannot with steady_clock, but be safe) grants nothing.
  EXPECT_FALSE(limiter.allow(t0));
}

TEST(RateLimiter, ZeroMeansUnlimited) {
  RateLimiter limiter(0);
  const auto t0 = RateLimiter::Clock::time_point{} + 1h;
  for (int i = 0; i < 100000; ++i) ASSERT_TRUE(limiter.allow(t0));
}

TEST(SafeTimer, FiresOnceAndNeverAfterCancelRearmOrDestruction) {
  boost::asio::io_context ioc;
  int fired = 0;
  SafeTimer timer(ioc);
  timer.arm_after(1ms, [&] { ++fired; });
  EXPECT_TRUE(timer.armed());
  ASSERT_TRUE(run_until(ioc, [&] { return fired == 1; }));
  EXPECT_FALSE(timer.armed());

  int first = 0, second = 0;
  timer.arm_after(1ms, [&] { ++first; });
  timer.arm_after(2ms, [&] { ++second; });  // replaces the first
  ASSERT_TRUE(run_until(ioc, [&] { return second == 1; }));
  EXPECT_EQ(first, 0);

  timer.arm_after(0ms, [&] { ++fired; });
  std::this_thread::sleep_for(2ms);
  timer.cancel();
  ioc.restart();
  ioc.run_for(10ms);
  EXPECT_EQ(fired, 1);

  auto doomed = std::make_unique<SafeTimer>(ioc);
  doomed->arm_after(0ms, [&] { ++fired; });
  std::this_thread::sleep_for(2ms);
  doomed.reset();
  ioc.restart();
  ioc.run_for(10ms);
  EXPECT_EQ(fired, 1);
}

}  // namespace
}  // namespace haven::sfu
