// GcmRtpUnprotector: libsrtp's verdicts and bytes (the path it replaces) over wraps,
// reordering, replays, old packets, tampering and forged SSRCs; forged packets change no
// state.
#include "sfu/srtp/gcm_rtp_unprotector.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "gcm_test_support.h"
#include "sfu/srtp/srtp_session.h"

namespace haven::sfu {
namespace {

using namespace gcm_test;

class GcmRtpUnprotectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!gcm_supported()) GTEST_SKIP() << "this libsrtp has no GCM to compare with";
  }
  // What the (libsrtp) sender puts on the wire for `plain`.
  Bytes wire(const Bytes& plain) {
    Bytes w = plain;
    EXPECT_EQ(sender_.protect_rtp(w), SrtpStatus::ok);
    return w;
  }
  // Both receivers take `w`; returns their common status (and expects the same bytes).
  SrtpStatus receive(const Bytes& w) {
    Bytes a = w;
    Bytes b = w;
    const SrtpStatus sa = ours_.unprotect_rtp(a);
    const SrtpStatus sb = libsrtp_.unprotect_rtp(b);
    EXPECT_EQ(sa, sb) << "seq " << (w[2] << 8 | w[3]);
    if (sa == SrtpStatus::ok && sb == SrtpStatus::ok) {
      EXPECT_EQ(a, b);
    }
    return sa;
  }

  Bytes key_ = master_key(0x35);
  SrtpSession sender_ = session(SrtpDirection::outbound, key_, false);
  SrtpSession ours_ = session(SrtpDirection::inbound, key_, true);
  SrtpSession libsrtp_ = session(SrtpDirection::inbound, key_, false);
};

TEST_F(GcmRtpUnprotectorTest, AgreesWithLibsrtpAcrossWrapsReorderingAndReplays) {
  std::vector<Bytes> sent;
  for (std::uint32_t n = 0; n < 140'000; ++n) {
    const auto seq = static_cast<std::uint16_t>(0xfe00 + n);
    sent.push_back(wire(rtp(seq, 0x0badcafe, 20 + n % 900)));
  }
  for (std::size_t n = 0; n < sent.size(); ++n) {
    // Every 7th packet arrives after the next one; every 50th is replayed; every 333rd an
    // old one (1024 back) turns up; every 211th comes tampered.
    if (n % 7 == 0 && n + 1 < sent.size()) {
      ASSERT_EQ(receive(sent[n + 1]), SrtpStatus::ok) << n;
      ASSERT_EQ(receive(sent[n]), SrtpStatus::ok) << n;
      ++n;
    } else {
      ASSERT_EQ(receive(sent[n]), SrtpStatus::ok) << n;
    }
    if (n % 50 == 0) {
      ASSERT_EQ(receive(sent[n]), SrtpStatus::replay_fail) << n;
    }
    if (n % 333 == 0 && n >= 1024) {
      ASSERT_EQ(receive(sent[n - 1024]), SrtpStatus::replay_old) << n;
    }
    if (n % 211 == 0 && n + 2 < sent.size()) {
      Bytes tampered = sent[n + 2];
      tampered[tampered.size() - 3] ^= 0x40;
      ASSERT_EQ(receive(tampered), SrtpStatus::auth_fail) << n;
    }
  }
}

TEST_F(GcmRtpUnprotectorTest, ForgedPacketsChangeNothing) {
  ASSERT_EQ(receive(wire(rtp(100, 7))), SrtpStatus::ok);
  // A forged packet far ahead: had it moved the window, 101 would be replay_old.
  Bytes forged = rtp(100 + 30'000, 7, 40);
  forged.resize(forged.size() + gcm_rtp::kTagSize, 0x5a);
  EXPECT_EQ(receive(forged), SrtpStatus::auth_fail);
  EXPECT_EQ(receive(wire(rtp(101, 7))), SrtpStatus::ok);
  // A forged new SSRC at a high sequence number: had it created the stream, the real first
  // packet of that SSRC (sequence 5) would land in another rollover period and fail.
  Bytes stranger = rtp(60'000, 99, 40);
  stranger.resize(stranger.size() + gcm_rtp::kTagSize, 0x11);
  EXPECT_EQ(receive(stranger), SrtpStatus::auth_fail);
  for (std::uint16_t seq = 5; seq < 40; ++seq)
    EXPECT_EQ(receive(wire(rtp(seq, 99))), SrtpStatus::ok);
  // Too short to hold a tag; a header that overruns the packet.
  Bytes short_packet = rtp(41, 99, 4);
  EXPECT_EQ(receive(short_packet), SrtpStatus::other);
  Bytes overrun = rtp(42, 99, 0);
  overrun[0] = 0x8f;  // 15 CSRCs, none there
  EXPECT_EQ(receive(overrun), SrtpStatus::other);
}

TEST_F(GcmRtpUnprotectorTest, RemoveStreamLetsASsrcStartOver) {
  for (std::uint16_t seq = 30000; seq < 30100; ++seq)
    ASSERT_EQ(receive(wire(rtp(seq, 3))), SrtpStatus::ok);
  EXPECT_TRUE(ours_.remove_stream(3));
  EXPECT_TRUE(libsrtp_.remove_stream(3));
  sender_ = session(SrtpDirection::outbound, key_, false);  // a restarted sender
  for (std::uint16_t seq = 1; seq < 50; ++seq)
    ASSERT_EQ(receive(wire(rtp(seq, 3))), SrtpStatus::ok);
}

// Every byte of the header (fixed part, CSRCs, extension block) is authenticated (RFC 7714
// §8.2), and a packet with CSRCs and extensions comes back as it was sent.
TEST_F(GcmRtpUnprotectorTest, TheWholeHeaderIsAuthenticated) {
  const Bytes plain = rtp(900, 0x77, 120, 2, 3);  // 12 + 8 + 4 + 12 header bytes
  const Bytes sent = wire(plain);
  Bytes back = sent;
  ASSERT_EQ(ours_.unprotect_rtp(back), SrtpStatus::ok);
  EXPECT_EQ(back, plain);
  const std::size_t header = 12 + 2 * 4 + 4 + 3 * 4;
  for (std::size_t i = 0; i < header; ++i) {
    if (i >= 2 && i < 4) continue;  // the sequence number: another index, also refused below
    Bytes tampered = sent;
    tampered[i] ^= 0x01;
    Bytes a = tampered;
    EXPECT_NE(ours_.unprotect_rtp(a), SrtpStatus::ok) << "header byte " << i;
  }
  Bytes other_seq = sent;
  other_seq[3] ^= 0x01;
  EXPECT_EQ(ours_.unprotect_rtp(other_seq), SrtpStatus::auth_fail);
}

// A peer that sends many SSRCs cannot grow our state without bound: past kMaxStreams an
// authentic packet of yet another SSRC is refused (the ones we track still work).
TEST_F(GcmRtpUnprotectorTest, TracksAtMostMaxStreamsSsrcs) {
  for (std::uint32_t ssrc = 1; ssrc <= GcmRtpUnprotector::kMaxStreams; ++ssrc) {
    Bytes w = wire(rtp(10, ssrc));
    ASSERT_EQ(ours_.unprotect_rtp(w), SrtpStatus::ok) << ssrc;
  }
  Bytes one_more = wire(rtp(10, 100'000));
  EXPECT_EQ(ours_.unprotect_rtp(one_more), SrtpStatus::other);
  Bytes known = wire(rtp(11, 7));
  EXPECT_EQ(ours_.unprotect_rtp(known), SrtpStatus::ok);
}

TEST(GcmRtpUnprotector, RefusesBadKeysAndWindows) {
  EXPECT_FALSE(GcmRtpUnprotector::from_master(Bytes(27), 1024).has_value());
  EXPECT_FALSE(GcmRtpUnprotector::from_master(master_key(1), 63).has_value());
  EXPECT_FALSE(GcmRtpUnprotector::from_master(master_key(1), 32768).has_value());
  EXPECT_TRUE(GcmRtpUnprotector::from_master(master_key(1), 64).has_value());
}

}  // namespace
}  // namespace haven::sfu
