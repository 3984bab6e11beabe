// GcmRtpProtector: RFC 7714's published vector, byte-for-byte agreement with libsrtp (the
// path it replaces) over sequence wraps, repeats, reordering, CSRCs and extensions, and
// never an index (a GCM nonce) twice.
#include "sfu/srtp/gcm_rtp_protector.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <vector>

#include "gcm_test_support.h"
#include "sfu/srtp/srtp_session.h"

namespace haven::sfu {
namespace {

using namespace gcm_test;

// RFC 7714 §16: session key 00..0f, session salt "Quid pro quo", and the RTP packet
// (SSRC 0x5501a0b2, SEQ 0xf17b, ROC 0) with the payload "Gallia est omnis divisa in
// partes tres"; §16.1.1 gives its encrypted and tagged form.
const Bytes kSessionKey = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                           0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f};
const Bytes kSessionSalt = {0x51, 0x75, 0x69, 0x64, 0x20, 0x70, 0x72, 0x6f, 0x20, 0x71, 0x75, 0x6f};
const Bytes kRfc7714Plain = {0x80, 0x40, 0xf1, 0x7b, 0x80, 0x41, 0xf8, 0xd3, 0x55, 0x01,
                             0xa0, 0xb2, 0x47, 0x61, 0x6c, 0x6c, 0x69, 0x61, 0x20, 0x65,
                             0x73, 0x74, 0x20, 0x6f, 0x6d, 0x6e, 0x69, 0x73, 0x20, 0x64,
                             0x69, 0x76, 0x69, 0x73, 0x61, 0x20, 0x69, 0x6e, 0x20, 0x70,
                             0x61, 0x72, 0x74, 0x65, 0x73, 0x20, 0x74, 0x72, 0x65, 0x73};
const Bytes kRfc7714Protected = {0x80, 0x40, 0xf1, 0x7b, 0x80, 0x41, 0xf8, 0xd3, 0x55, 0x01, 0xa0,
                                 0xb2, 0xf2, 0x4d, 0xe3, 0xa3, 0xfb, 0x34, 0xde, 0x6c, 0xac, 0xba,
                                 0x86, 0x1c, 0x9d, 0x7e, 0x4b, 0xca, 0xbe, 0x63, 0x3b, 0xd5, 0x0d,
                                 0x29, 0x4e, 0x6f, 0x42, 0xa5, 0xf4, 0x7a, 0x51, 0xc7, 0xd1, 0x9b,
                                 0x36, 0xde, 0x3a, 0xdf, 0x88, 0x33, 0x89, 0x9d, 0x7f, 0x27, 0xbe,
                                 0xb1, 0x6a, 0x91, 0x52, 0xcf, 0x76, 0x5e, 0xe4, 0x39, 0x0c, 0xce};

// Protects `plain` with both paths and expects the same status and bytes; a refused packet
// is left as it was. `wire`, when given, receives our protected packet.
void expect_same(SrtpSession& ours, SrtpSession& libsrtp, const Bytes& plain,
                 Bytes* wire = nullptr) {
  Bytes a = plain;
  Bytes b = plain;
  const SrtpStatus sa = ours.protect_rtp(a);
  const SrtpStatus sb = libsrtp.protect_rtp(b);
  ASSERT_EQ(sa, sb) << "seq " << (plain[2] << 8 | plain[3]);
  if (sa == SrtpStatus::ok) {
    ASSERT_EQ(a, b) << "seq " << (plain[2] << 8 | plain[3]);
  } else {
    ASSERT_EQ(a, plain) << "seq " << (plain[2] << 8 | plain[3]);
  }
  if (wire != nullptr) *wire = a;
}

TEST(GcmRtpProtector, Rfc7714Section16_1_1) {
  auto protector = GcmRtpProtector::from_session(kSessionKey, kSessionSalt, 1024);
  ASSERT_TRUE(protector.has_value());
  Bytes buffer = kRfc7714Plain;
  std::size_t length = buffer.size();
  buffer.resize(length + GcmRtpProtector::kTagSize);
  ASSERT_EQ(protector->protect(buffer, length), SrtpStatus::ok);
  buffer.resize(length);
  EXPECT_EQ(buffer, kRfc7714Protected);
}

TEST(GcmRtpProtector, MatchesLibsrtpAcrossWrapsRepeatsAndReordering) {
  if (!gcm_supported()) GTEST_SKIP() << "this libsrtp has no GCM to compare with";
  const Bytes key = master_key(0x21);
  SrtpSession ours = session(SrtpDirection::outbound, key, true);
  SrtpSession libsrtp = session(SrtpDirection::outbound, key, false);
  SrtpSession in = session(SrtpDirection::inbound, key, true);
  // Two SSRCs: one starts just below the wrap, one at a high sequence number (its first
  // packets are still ROC 0 in libsrtp's estimate), both run past 2^16 twice.
  for (std::uint32_t n = 0; n < 140'000; ++n) {
    const auto a = static_cast<std::uint16_t>(0xff00 + n);
    const auto b = static_cast<std::uint16_t>(0xc000 + n);
    const Bytes pa = rtp(a, 0x0a0b0c0d, 40 + n % 1000, n % 3, n % 7);
    Bytes wire;
    expect_same(ours, libsrtp, pa, &wire);
    expect_same(ours, libsrtp, rtp(b, 0x01020304, 1100));
    if (n % 97 == 0) expect_same(ours, libsrtp, pa);  // again: refused by both
    if (n % 101 == 0 && n > 600) expect_same(ours, libsrtp, rtp(a - 500, 0x0a0b0c0d, 60));
    if (n % 1009 == 0 && n > 2000) expect_same(ours, libsrtp, rtp(a - 1500, 0x0a0b0c0d, 60));
    if (HasFatalFailure()) return;
    if (n % 1000 == 0) {  // and what we send, libsrtp's receiver accepts
      ASSERT_EQ(in.unprotect_rtp(wire), SrtpStatus::ok) << n;
      EXPECT_EQ(wire, pa);
    }
  }
}

// The attack this prevents: two packets under one index (one GCM nonce) whose
// authenticated headers differ, as a resend is once the SFU has stamped a new
// transport-wide sequence number on it, give away GCM's authentication key. Neither path
// may protect the second, whatever allow_repeat_tx says.
TEST(GcmRtpProtector, NeverProtectsAnIndexTwice) {
  if (!gcm_supported()) GTEST_SKIP() << "this libsrtp has no GCM to compare with";
  const Bytes key = master_key(0x19);
  SrtpSession::Options repeat;
  repeat.allow_repeat_tx = true;
  for (const bool openssl : {true, false}) {
    repeat.openssl_gcm = openssl;
    auto out =
        SrtpSession::create(SrtpDirection::outbound, SrtpProfile::aead_aes_128_gcm, key, repeat);
    ASSERT_TRUE(out.has_value());
    const Bytes first = rtp(700, 0x51, 200, 0, 2);
    Bytes restamped = first;
    restamped[restamped.size() - 200 - 1] ^= 0x01;  // another extension value, same payload
    Bytes wire = first;
    ASSERT_EQ(out->protect_rtp(wire), SrtpStatus::ok) << openssl;
    Bytes again = restamped;
    EXPECT_EQ(out->protect_rtp(again), SrtpStatus::replay_fail) << openssl;
    EXPECT_EQ(again, restamped) << openssl;  // left as it was: nothing to send
    Bytes same = first;
    EXPECT_EQ(out->protect_rtp(same), SrtpStatus::replay_fail) << openssl;
    // An older index never used is still fine (reordered forwarding), once.
    Bytes older = rtp(650, 0x51, 50);
    EXPECT_EQ(out->protect_rtp(older), SrtpStatus::ok) << openssl;
    older = rtp(650, 0x51, 50);
    EXPECT_EQ(out->protect_rtp(older), SrtpStatus::replay_fail) << openssl;
  }
}

TEST(GcmRtpProtector, RefusesWhatLibsrtpRefuses) {
  const Bytes key = master_key(0x42);
  auto protector = GcmRtpProtector::from_master(key, 1024);
  ASSERT_TRUE(protector.has_value());
  auto protect = [&](Bytes packet, std::size_t room = GcmRtpProtector::kTagSize) {
    std::size_t length = packet.size();
    packet.resize(length + room);
    return protector->protect(packet, length);
  };
  EXPECT_EQ(protect(Bytes(11, 0x80)), SrtpStatus::other);  // shorter than a header
  Bytes csrcs = rtp(1, 7, 0, 15);
  csrcs.resize(40);  // says 15 CSRCs (72 bytes of header), has 40 bytes
  EXPECT_EQ(protect(csrcs), SrtpStatus::other);
  Bytes extension = rtp(1, 7, 0, 0, 3);
  extension.resize(20);  // the extension block says 12 bytes follow its header
  EXPECT_EQ(protect(extension), SrtpStatus::other);
  EXPECT_EQ(protect(rtp(1, 7, 20), GcmRtpProtector::kTagSize - 1), SrtpStatus::other);
  EXPECT_EQ(protect(rtp(3000, 7, 20)), SrtpStatus::ok);
  EXPECT_EQ(protect(rtp(3000, 7, 20)), SrtpStatus::replay_fail);
  EXPECT_EQ(protect(rtp(3000 - 1024, 7, 20)), SrtpStatus::replay_old);
  EXPECT_EQ(protect(rtp(3000 - 1023, 7, 20)), SrtpStatus::ok);
  EXPECT_EQ(protect(rtp(3000 - 1023, 7, 20)), SrtpStatus::replay_fail);
  EXPECT_FALSE(GcmRtpProtector::from_master(Bytes(27), 1024).has_value());
  EXPECT_FALSE(GcmRtpProtector::from_session(kSessionKey, kSessionSalt, 63).has_value());
}

TEST(GcmRtpProtector, AnOutboundStreamIsNeverForgotten) {
  if (!gcm_supported()) GTEST_SKIP() << "this libsrtp has no GCM to compare with";
  const Bytes key = master_key(0x07);
  SrtpSession ours = session(SrtpDirection::outbound, key, true);
  SrtpSession libsrtp = session(SrtpDirection::outbound, key, false);
  for (std::uint16_t seq = 40000; seq < 42000; ++seq) expect_same(ours, libsrtp, rtp(seq, 9, 50));
  // Starting the SSRC over would use its indices, i.e. its nonces, again.
  EXPECT_FALSE(ours.remove_stream(9));
  EXPECT_FALSE(libsrtp.remove_stream(9));
  Bytes last = rtp(41999, 9, 50);
  EXPECT_EQ(ours.protect_rtp(last), SrtpStatus::replay_fail);
  Bytes old = rtp(40000, 9, 50);
  EXPECT_EQ(ours.protect_rtp(old), SrtpStatus::replay_old);
}

}  // namespace
}  // namespace haven::sfu
