// SrtpSession: known answers, round trips, authentication and replay rejection.
#include "sfu/srtp/srtp_session.h"

#include <gtest/gtest.h>

#include <array>
#include <vector>

namespace haven::sfu {
namespace {

using Bytes = std::vector<std::uint8_t>;

// RFC 3711 Appendix B.3 master key and salt; the packets and their protected forms are
// libsrtp's own validation vectors (test/srtp_driver.c srtp_validate()), which use them.
const Bytes kRfc3711KeySalt = {0xe1, 0xf9, 0x7a, 0x0d, 0x3e, 0x01, 0x8b, 0xe0, 0xd6, 0x4f,
                               0xa3, 0x2c, 0x06, 0xde, 0x41, 0x39, 0x0e, 0xc6, 0x75, 0xad,
                               0x49, 0x8a, 0xfe, 0xeb, 0xb6, 0x96, 0x0b, 0x3a, 0xab, 0xe6};
// V=2, PT=15, seq 0x1234, ts 0xdecafbad, SSRC 0xcafebabe, 16 payload bytes 0xab.
const Bytes kRtpPlain = {0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe,
                         0xba, 0xbe, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
                         0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab};
const Bytes kSrtpSha1_80 = {0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe,
                            0xba, 0xbe, 0x4e, 0x55, 0xdc, 0x4c, 0xe7, 0x99, 0x78, 0xd8,
                            0x8c, 0xa4, 0xd2, 0x15, 0x94, 0x9d, 0x24, 0x02, 0xb7, 0x8d,
                            0x6a, 0xcc, 0x99, 0xea, 0x17, 0x9b, 0x8d, 0xbb};
// SR header from SSRC 0xcafebabe, 16 bytes 0xab.
const Bytes kRtcpPlain = {0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0xab, 0xab, 0xab, 0xab,
                          0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab};
const Bytes kSrtcpSha1_80 = {0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0x71, 0x28,
                             0x03, 0x5b, 0xe4, 0x87, 0xb9, 0xbd, 0xbe, 0xf8, 0x90, 0x41,
                             0xf9, 0x77, 0xa5, 0xa8, 0x80, 0x00, 0x00, 0x01, 0x99, 0x3e,
                             0x08, 0xcd, 0x54, 0xd6, 0xc1, 0x23, 0x07, 0x98};
// libsrtp srtp_validate_gcm(): key 00..0f, salt a0..ab.
const Bytes kGcmKeySalt = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09,
                           0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0xa0, 0xa1, 0xa2, 0xa3,
                           0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xab};
const Bytes kSrtpGcm = {0x80, 0x0f, 0x12, 0x34, 0xde, 0xca, 0xfb, 0xad, 0xca, 0xfe, 0xba,
                        0xbe, 0xc5, 0x00, 0x2e, 0xde, 0x04, 0xcf, 0xdd, 0x2e, 0xb9, 0x11,
                        0x59, 0xe0, 0x88, 0x0a, 0xa0, 0x6e, 0xd2, 0x97, 0x68, 0x26, 0xf7,
                        0x96, 0xb2, 0x01, 0xdf, 0x31, 0x31, 0xa1, 0x27, 0xe8, 0xa3, 0x92};
const Bytes kSrtcpGcm = {0x81, 0xc8, 0x00, 0x0b, 0xca, 0xfe, 0xba, 0xbe, 0xc9, 0x8b, 0x8b,
                         0x5d, 0xf0, 0x39, 0x2a, 0x55, 0x85, 0x2b, 0x6c, 0x21, 0xac, 0x8e,
                         0x70, 0x25, 0xc5, 0x2c, 0x6f, 0xbe, 0xa2, 0xb3, 0xb4, 0x46, 0xea,
                         0x31, 0x12, 0x3b, 0xa8, 0x8c, 0xe6, 0x1e, 0x80, 0x00, 0x00, 0x01};

SrtpSession make(SrtpDirection dir, SrtpProfile profile, const Bytes& key,
                 SrtpSession::Options options = {}) {
  auto s = SrtpSession::create(dir, profile, key, options);
  EXPECT_TRUE(s.has_value());
  return std::move(*s);
}

Bytes key_for(SrtpProfile profile, std::uint8_t seed) {
  Bytes key(srtp_key_salt_length(profile));
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(seed + i * 7);
  return key;
}

Bytes rtp_packet(std::uint16_t seq, std::uint32_t ssrc = 0x11223344, std::size_t payload = 100) {
  Bytes p(12 + payload);  // V=2, PT=96, ts 0x00010203
  p[0] = 0x80;
  p[1] = 0x60;
  p[2] = static_cast<std::uint8_t>(seq >> 8);
  p[3] = static_cast<std::uint8_t>(seq);
  for (int i = 0; i < 4; ++i) {
    p[4 + i] = static_cast<std::uint8_t>(i);
    p[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  }
  for (std::size_t i = 0; i < payload; ++i) p[12 + i] = static_cast<std::uint8_t>(i ^ seq);
  return p;
}

std::vector<SrtpProfile> all_profiles() {
  std::vector<SrtpProfile> profiles{SrtpProfile::aes128_cm_hmac_sha1_80};
  if (gcm_supported()) profiles.push_back(SrtpProfile::aead_aes_128_gcm);
  return profiles;
}

std::size_t tag_length(SrtpProfile profile) {
  return profile == SrtpProfile::aead_aes_128_gcm ? 16 : 10;
}

TEST(SrtpSession, LibraryInitialisesAndListsProfiles) {
  EXPECT_TRUE(srtp_library_ready());
  const auto profiles = supported_srtp_profiles();
  ASSERT_FALSE(profiles.empty());
  EXPECT_EQ(profiles.back(), SrtpProfile::aes128_cm_hmac_sha1_80);
  EXPECT_EQ(profiles.front() == SrtpProfile::aead_aes_128_gcm, gcm_supported());
}

TEST(SrtpSession, KnownAnswerAesCm128HmacSha1_80) {
  SrtpSession out =
      make(SrtpDirection::outbound, SrtpProfile::aes128_cm_hmac_sha1_80, kRfc3711KeySalt);
  SrtpSession in =
      make(SrtpDirection::inbound, SrtpProfile::aes128_cm_hmac_sha1_80, kRfc3711KeySalt);

  Bytes rtp = kRtpPlain;
  ASSERT_EQ(out.protect_rtp(rtp), SrtpStatus::ok);
  EXPECT_EQ(rtp, kSrtpSha1_80);  // +10 bytes: 80-bit HMAC-SHA1 tag
  ASSERT_EQ(in.unprotect_rtp(rtp), SrtpStatus::ok);
  EXPECT_EQ(rtp, kRtpPlain);

  Bytes rtcp = kRtcpPlain;
  ASSERT_EQ(out.protect_rtcp(rtcp), SrtpStatus::ok);
  EXPECT_EQ(rtcp, kSrtcpSha1_80);  // +4 E|index, +10 tag
  ASSERT_EQ(in.unprotect_rtcp(rtcp), SrtpStatus::ok);
  EXPECT_EQ(rtcp, kRtcpPlain);
}

TEST(SrtpSession, KnownAnswerAeadAes128Gcm) {
  if (!gcm_supported()) GTEST_SKIP() << "libsrtp built without GCM";
  SrtpSession out = make(SrtpDirection::outbound, SrtpProfile::aead_aes_128_gcm, kGcmKeySalt);
  SrtpSession in = make(SrtpDirection::inbound, SrtpProfile::aead_aes_128_gcm, kGcmKeySalt);
  Bytes rtp = kRtpPlain;
  ASSERT_EQ(out.protect_rtp(rtp), SrtpStatus::ok);
  EXPECT_EQ(rtp, kSrtpGcm);
  ASSERT_EQ(in.unprotect_rtp(rtp), SrtpStatus::ok);
  EXPECT_EQ(rtp, kRtpPlain);
  Bytes rtcp = kRtcpPlain;
  ASSERT_EQ(out.protect_rtcp(rtcp), SrtpStatus::ok);
  EXPECT_EQ(rtcp, kSrtcpGcm);
  ASSERT_EQ(in.unprotect_rtcp(rtcp), SrtpStatus::ok);
  EXPECT_EQ(rtcp, kRtcpPlain);
}

TEST(SrtpSession, InPlaceRoundTripForEveryProfile) {
  for (SrtpProfile profile : all_profiles()) {
    const Bytes key = key_for(profile, 3);
    SrtpSession out = make(SrtpDirection::outbound, profile, key);
    SrtpSession in = make(SrtpDirection::inbound, profile, key);
    std::array<std::uint8_t, 1500> buffer{};
    for (std::uint16_t seq = 65530; seq != 10; ++seq) {  // crosses the ROC wrap
      const Bytes plain = rtp_packet(seq);
      std::copy(plain.begin(), plain.end(), buffer.begin());
      std::size_t length = plain.size();
      ASSERT_EQ(out.protect_rtp(buffer, length), SrtpStatus::ok);
      EXPECT_EQ(length, plain.size() + tag_length(profile));
      EXPECT_FALSE(std::equal(plain.begin() + 12, plain.end(), buffer.begin() + 12));
      ASSERT_EQ(in.unprotect_rtp(buffer, length), SrtpStatus::ok) << seq;
      ASSERT_EQ(length, plain.size());
      EXPECT_TRUE(std::equal(plain.begin(), plain.end(), buffer.begin()));
    }
  }
}

TEST(SrtpSession, RtcpRoundTrip) {
  for (SrtpProfile profile : all_profiles()) {
    const Bytes key = key_for(profile, 9);
    SrtpSession out = make(SrtpDirection::outbound, profile, key);
    SrtpSession in = make(SrtpDirection::inbound, profile, key);
    // Receiver report + PLI compound.
    const Bytes rr = {0x80, 0xc9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07, 0x81, 0xce,
                      0x00, 0x02, 0x00, 0x00, 0x00, 0x07, 0x11, 0x22, 0x33, 0x44};
    for (int i = 0; i < 3; ++i) {
      Bytes p = rr;
      ASSERT_EQ(out.protect_rtcp(p), SrtpStatus::ok);
      EXPECT_EQ(p.size(), rr.size() + 4 + tag_length(profile));
      const Bytes srtcp = p;
      ASSERT_EQ(in.unprotect_rtcp(p), SrtpStatus::ok);
      EXPECT_EQ(p, rr);
      p = srtcp;  // the same SRTCP index again
      EXPECT_EQ(in.unprotect_rtcp(p), SrtpStatus::replay_fail);
    }
    Bytes tampered = rr;
    ASSERT_EQ(out.protect_rtcp(tampered), SrtpStatus::ok);
    tampered[10] ^= 0x01;
    EXPECT_EQ(in.unprotect_rtcp(tampered), SrtpStatus::auth_fail);
  }
}

TEST(SrtpSession, TamperingIsAnAuthFailure) {
  for (SrtpProfile profile : all_profiles()) {
    const Bytes key = key_for(profile, 1);
    SrtpSession out = make(SrtpDirection::outbound, profile, key);
    SrtpSession in = make(SrtpDirection::inbound, profile, key);
    Bytes p = rtp_packet(100);
    ASSERT_EQ(out.protect_rtp(p), SrtpStatus::ok);
    const Bytes good = p;
    for (std::size_t at : {std::size_t{3}, std::size_t{20}, p.size() - 1}) {  // hdr, payload, tag
      Bytes bad = good;
      bad[at] ^= 0x40;
      EXPECT_EQ(in.unprotect_rtp(bad), SrtpStatus::auth_fail) << at;
    }
    // A session with another key rejects it too; the right one still accepts it.
    SrtpSession wrong = make(SrtpDirection::inbound, profile, key_for(profile, 2));
    Bytes copy = good;
    EXPECT_EQ(wrong.unprotect_rtp(copy), SrtpStatus::auth_fail);
    copy = good;
    EXPECT_EQ(in.unprotect_rtp(copy), SrtpStatus::ok);
  }
}

TEST(SrtpSession, ReplaysAreRejected) {
  for (SrtpProfile profile : all_profiles()) {
    const Bytes key = key_for(profile, 5);
    SrtpSession out = make(SrtpDirection::outbound, profile, key);
    SrtpSession in = make(SrtpDirection::inbound, profile, key);
    Bytes old_packet = rtp_packet(1000);
    Bytes p = rtp_packet(1001);
    ASSERT_EQ(out.protect_rtp(old_packet), SrtpStatus::ok);
    ASSERT_EQ(out.protect_rtp(p), SrtpStatus::ok);
    Bytes copy = p;
    ASSERT_EQ(in.unprotect_rtp(copy), SrtpStatus::ok);
    copy = p;
    EXPECT_EQ(in.unprotect_rtp(copy), SrtpStatus::replay_fail);

    // Beyond the 1024-packet window: too old.
    Bytes far = rtp_packet(3000);
    ASSERT_EQ(out.protect_rtp(far), SrtpStatus::ok);
    ASSERT_EQ(in.unprotect_rtp(far), SrtpStatus::ok);
    EXPECT_EQ(in.unprotect_rtp(old_packet), SrtpStatus::replay_old);
  }
}

TEST(SrtpSession, RepeatTransmissionIsAllowedOnlyWhenConfigured) {
  const SrtpProfile profile = SrtpProfile::aes128_cm_hmac_sha1_80;
  const Bytes key = key_for(profile, 11);
  SrtpSession repeat = make(SrtpDirection::outbound, profile, key);
  Bytes a = rtp_packet(7);
  Bytes b = rtp_packet(7);
  ASSERT_EQ(repeat.protect_rtp(a), SrtpStatus::ok);
  ASSERT_EQ(repeat.protect_rtp(b), SrtpStatus::ok);
  EXPECT_EQ(a, b);  // deterministic: same key, index and payload

  SrtpSession::Options strict;
  strict.allow_repeat_tx = false;
  SrtpSession once = make(SrtpDirection::outbound, profile, key, strict);
  Bytes c = rtp_packet(7);
  Bytes d = rtp_packet(7);
  ASSERT_EQ(once.protect_rtp(c), SrtpStatus::ok);
  EXPECT_EQ(c, a);
  EXPECT_EQ(once.protect_rtp(d), SrtpStatus::replay_fail);
  EXPECT_EQ(d, rtp_packet(7));  // the vector is left as it was
}

TEST(SrtpSession, RemoveStreamLetsASsrcStartOver) {
  const SrtpProfile profile = SrtpProfile::aes128_cm_hmac_sha1_80;
  const Bytes key = key_for(profile, 13);
  SrtpSession in = make(SrtpDirection::inbound, profile, key);
  EXPECT_FALSE(in.remove_stream(0x11223344));  // no stream yet

  {
    SrtpSession out = make(SrtpDirection::outbound, profile, key);
    Bytes p = rtp_packet(500);
    ASSERT_EQ(out.protect_rtp(p), SrtpStatus::ok);
    ASSERT_EQ(in.unprotect_rtp(p), SrtpStatus::ok);
  }
  // A restarted sender reusing the SSRC and sequence numbers (ms#428).
  SrtpSession restarted = make(SrtpDirection::outbound, profile, key);
  Bytes again = rtp_packet(500);
  ASSERT_EQ(restarted.protect_rtp(again), SrtpStatus::ok);
  Bytes copy = again;
  EXPECT_EQ(in.unprotect_rtp(copy), SrtpStatus::replay_fail);
  EXPECT_TRUE(in.remove_stream(0x11223344));
  copy = again;
  EXPECT_EQ(in.unprotect_rtp(copy), SrtpStatus::ok);
  // A sender never forgets its own stream: it would use the same keystream again.
  EXPECT_FALSE(restarted.remove_stream(0x11223344));
  Bytes repeat = rtp_packet(500);
  EXPECT_EQ(restarted.protect_rtp(repeat), SrtpStatus::ok);  // AES_CM allows a repeat
  Bytes later = rtp_packet(3000);
  EXPECT_EQ(restarted.protect_rtp(later), SrtpStatus::ok);
  Bytes older = rtp_packet(500);
  EXPECT_EQ(restarted.protect_rtp(older), SrtpStatus::replay_old);
}

TEST(SrtpSession, MisuseIsReportedNotThrown) {
  const SrtpProfile profile = SrtpProfile::aes128_cm_hmac_sha1_80;
  const Bytes key = key_for(profile, 17);
  EXPECT_FALSE(SrtpSession::create(SrtpDirection::inbound, profile, Bytes(29)).has_value());
  EXPECT_FALSE(
      SrtpSession::create(SrtpDirection::inbound, SrtpProfile::aead_aes_128_gcm, key).has_value());
  SrtpSession::Options bad_window;
  bad_window.window_size = 10;
  EXPECT_FALSE(SrtpSession::create(SrtpDirection::inbound, profile, key, bad_window).has_value());

  SrtpSession out = make(SrtpDirection::outbound, profile, key);
  SrtpSession in = make(SrtpDirection::inbound, profile, key);
  Bytes p = rtp_packet(1);
  EXPECT_EQ(in.protect_rtp(p), SrtpStatus::other);     // wrong direction
  EXPECT_EQ(out.unprotect_rtp(p), SrtpStatus::other);  // wrong direction

  // No room for the trailer in a caller buffer.
  std::array<std::uint8_t, 200> buffer{};
  std::size_t length = 100;
  EXPECT_EQ(out.protect_rtp(buffer, length), SrtpStatus::other);
  length = 300;  // longer than the buffer
  EXPECT_EQ(in.unprotect_rtp(buffer, length), SrtpStatus::other);

  // Truncated, empty and oversized packets.
  for (std::size_t size : {std::size_t{0}, std::size_t{5}, std::size_t{11}, std::size_t{1501}}) {
    Bytes junk(size, 0x80);
    EXPECT_NE(in.unprotect_rtp(junk), SrtpStatus::ok) << size;
    junk.assign(size, 0x80);
    EXPECT_NE(in.unprotect_rtcp(junk), SrtpStatus::ok) << size;
  }
  Bytes huge(1501, 0x80);
  EXPECT_EQ(out.protect_rtp(huge), SrtpStatus::other);
  EXPECT_STREQ(to_string(SrtpStatus::replay_old), "replay_old");

  // A moved-from session reports errors instead of crashing.
  SrtpSession moved = std::move(out);
  Bytes q = rtp_packet(2);
  EXPECT_EQ(out.protect_rtp(q), SrtpStatus::other);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(moved.protect_rtp(q), SrtpStatus::ok);
}

}  // namespace
}  // namespace haven::sfu
