#include "sfu/rtcp/ntp_time.h"

#include <gtest/gtest.h>

namespace haven::sfu::rtcp {
namespace {

TEST(RtcpNtpTime, UnixEpochAndFractions) {
  EXPECT_EQ(ntp_from_unix_ns(0), kNtpUnixEpochOffset << 32);
  EXPECT_EQ(ntp_from_unix_ns(1'500'000'000), ((kNtpUnixEpochOffset + 1) << 32) | 0x80000000u);
  const std::int64_t t = 1'700'000'000'123'456'789;
  EXPECT_EQ(unix_ns_from_ntp(ntp_from_unix_ns(t)), t);
  EXPECT_EQ(compact_ntp(0x0000B71080000000ull), 0xB7108000u);
}

TEST(RtcpNtpTime, CompactDurations) {
  EXPECT_EQ(compact_from_ns(5'250'000'000), 0x00054000u);  // 5.25 s
  EXPECT_EQ(compact_from_ns(-1), 0u);
  EXPECT_EQ(compact_from_ns(100'000'000'000'000), 0xFFFFFFFFu);
  EXPECT_EQ(ns_from_compact(0x00018000), 1'500'000'000);
}

TEST(RtcpNtpTime, RoundTripFromRfc3550Figure2) {
  // A = 46864.500 s, LSR = 46853.125 s, DLSR = 5.250 s -> RTT = 6.125 s.
  EXPECT_EQ(rtt_ns(0xB7108000, 0xB7052000, 0x00054000), 6'125'000'000);
  EXPECT_EQ(rtt_ns(0xB7108000, 0, 0x00054000), -1);  // no SR echoed yet
  EXPECT_EQ(rtt_ns(0xB7052000, 0xB7108000, 0), -1);  // negative: clock skew
}

}  // namespace
}  // namespace haven::sfu::rtcp
