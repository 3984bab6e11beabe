#include "sfu/rtcp/receiver_stats.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "sfu/rtcp/ntp_time.h"

namespace haven::sfu::rtcp {
namespace {

constexpr std::int64_t kMs = 1'000'000;  // ns
constexpr std::uint32_t kVideo = 90'000;

TEST(RtcpReceiverStats, PerfectStreamHasNoJitterOrLoss) {
  ReceiverStats stats(0x1234, kVideo, 1);
  for (int i = 0; i < 700; ++i) {
    // 20 ms apart on the wire and in timestamps (1800 ticks at 90 kHz).
    stats.on_packet(static_cast<std::uint16_t>(65000 + i), 1800u * i, 5'000 * kMs + 20 * kMs * i);
  }
  const ReportBlock b = stats.make_report_block(10'000 * kMs);
  EXPECT_EQ(b.ssrc, 0x1234u);
  EXPECT_EQ(b.fraction_lost, 0);
  EXPECT_EQ(b.cumulative_lost, 0);
  EXPECT_EQ(b.extended_highest_seq, 65000u + 699);  // one cycle: 65536 + 163
  EXPECT_EQ(b.jitter, 0u);
  EXPECT_EQ(b.lsr, 0u);  // no SR received yet
  EXPECT_EQ(b.dlsr, 0u);
}

TEST(RtcpReceiverStats, JitterConvergesToTransitDeviation) {
  ReceiverStats stats(1, kVideo, 1);
  // Arrivals alternate 1 ms early / 1 ms late: |D| = 2 ms = 180 ticks every packet, so
  // A.8's J converges to 180.
  for (int i = 0; i < 500; ++i) {
    const std::int64_t wobble = (i % 2 == 0) ? -kMs : kMs;
    stats.on_packet(static_cast<std::uint16_t>(i), 1800u * i, 1'000 * kMs + 20 * kMs * i + wobble);
  }
  EXPECT_NEAR(static_cast<double>(stats.jitter()), 180.0, 2.0);
  // A retransmitted old packet arriving very late does not move jitter.
  const std::uint32_t before = stats.jitter();
  stats.on_packet(10, 18'000, 100'000 * kMs);
  EXPECT_EQ(stats.jitter(), before);
}

TEST(RtcpReceiverStats, LossFractionPerInterval) {
  ReceiverStats stats(1, kVideo, 1);
  std::int64_t t = 0;
  // Interval 1: seqs 0..99 with 10 missing (every seq ending in 7).
  for (int s = 0; s < 100; ++s) {
    if (s % 10 == 7) continue;
    stats.on_packet(static_cast<std::uint16_t>(s), 1800u * s, t += 20 * kMs);
  }
  ReportBlock first = stats.make_report_block(t);
  EXPECT_EQ(first.cumulative_lost, 10);
  EXPECT_EQ(first.fraction_lost, 10 * 256 / 100);  // 25
  EXPECT_EQ(first.extended_highest_seq, 99u);
  // Interval 2: 100..199, all received, plus a duplicate.
  for (int s = 100; s < 200; ++s)
    stats.on_packet(static_cast<std::uint16_t>(s), 1800u * s, t += 20 * kMs);
  stats.on_packet(150, 1800u * 150, t += kMs);
  ReportBlock second = stats.make_report_block(t);
  EXPECT_EQ(second.fraction_lost, 0);
  EXPECT_EQ(second.cumulative_lost, 9);  // the duplicate counts as received (A.3)
  // Interval 3: 200..299, half lost.
  for (int s = 200; s < 300; s += 2)
    stats.on_packet(static_cast<std::uint16_t>(s), 1800u * s, t += 40 * kMs);
  stats.on_packet(299, 1800u * 299, t += 20 * kMs);
  ReportBlock third = stats.make_report_block(t);
  EXPECT_EQ(third.fraction_lost, 49 * 256 / 100);
  EXPECT_EQ(third.cumulative_lost, 9 + 49);
}

TEST(RtcpReceiverStats, LsrAndDlsrFromLastSenderReport) {
  ReceiverStats stats(1, 48'000, 1);
  stats.on_packet(1, 960, 0);
  const std::uint64_t ntp = 0xE1234567'89ABCDEFull;
  stats.on_sender_report(ntp, 2'000 * kMs);
  const ReportBlock b = stats.make_report_block(2'000 * kMs + 1'500 * kMs);
  EXPECT_EQ(b.lsr, 0x456789ABu);
  EXPECT_EQ(b.dlsr, 0x00018000u);  // 1.5 s in 1/65536 s
}

TEST(RtcpReceiverStats, ProbationDelaysCounting) {
  ReceiverStats stats(1, kVideo);  // RFC default: two in-order packets validate
  stats.on_packet(500, 0, 0);
  EXPECT_EQ(stats.sequence().received(), 0u);
  stats.on_packet(501, 1800, 20 * kMs);
  EXPECT_EQ(stats.sequence().received(), 1u);
  EXPECT_EQ(stats.make_report_block(40 * kMs).extended_highest_seq, 501u);
}

}  // namespace
}  // namespace haven::sfu::rtcp
