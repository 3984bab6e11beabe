// DTLS-SRTP end to end: keys exported by two DtlsTransports drive SrtpSessions that
// interoperate in both directions (RFC 5764 §4.2 key assignment).
#include <gtest/gtest.h>

#include "dtls_test_harness.h"
#include "sfu/srtp/srtp_session.h"

namespace haven::sfu {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes rtp_packet(std::uint16_t seq, std::uint32_t ssrc) {
  Bytes p(12 + 160, 0x5a);  // V=2, PT=111, 160 payload bytes
  p[0] = 0x80;
  p[1] = 0x6f;
  p[2] = static_cast<std::uint8_t>(seq >> 8);
  p[3] = static_cast<std::uint8_t>(seq);
  p[4] = p[5] = p[7] = 0;
  p[6] = 0x10;
  for (int i = 0; i < 4; ++i) p[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  return p;
}

struct Sessions {
  SrtpSession outbound;
  SrtpSession inbound;
};

Sessions sessions_from(const SrtpKeys& keys) {
  auto out = SrtpSession::create(SrtpDirection::outbound, keys.profile, keys.local.key_salt());
  auto in = SrtpSession::create(SrtpDirection::inbound, keys.profile, keys.remote.key_salt());
  EXPECT_TRUE(out && in);
  return {std::move(*out), std::move(*in)};
}

void expect_media_flows(const std::vector<SrtpProfile>& server_profiles, SrtpProfile expected) {
  DtlsContext::Options server_options;
  server_options.srtp_profiles = server_profiles;
  dtls_test::DtlsPair p({}, {}, {}, server_options);
  p.exchange_fingerprints();
  p.client.start();
  p.run();
  ASSERT_TRUE(p.client_events.keys && p.server_events.keys);
  ASSERT_EQ(p.client_events.keys->profile, expected);

  Sessions client = sessions_from(*p.client_events.keys);
  Sessions server = sessions_from(*p.server_events.keys);
  for (std::uint16_t seq = 1; seq <= 20; ++seq) {
    const Bytes plain = rtp_packet(seq, 0xaabbccdd);
    Bytes up = plain;  // browser → SFU
    ASSERT_EQ(client.outbound.protect_rtp(up), SrtpStatus::ok);
    ASSERT_EQ(server.inbound.unprotect_rtp(up), SrtpStatus::ok);
    EXPECT_EQ(up, plain);
    Bytes down = plain;  // SFU → browser
    ASSERT_EQ(server.outbound.protect_rtp(down), SrtpStatus::ok);
    ASSERT_EQ(client.inbound.unprotect_rtp(down), SrtpStatus::ok);
    EXPECT_EQ(down, plain);
  }
  Bytes rtcp = {0x81, 0xc9, 0x00, 0x07, 0xaa, 0xbb, 0xcc, 0xdd, 0, 0, 0, 1, 0, 0, 0, 0,
                0,    0,    0,    0,    0,    0,    0,    0,    0, 0, 0, 0, 0, 0, 0, 0};
  const Bytes rtcp_plain = rtcp;
  ASSERT_EQ(server.outbound.protect_rtcp(rtcp), SrtpStatus::ok);
  ASSERT_EQ(client.inbound.unprotect_rtcp(rtcp), SrtpStatus::ok);
  EXPECT_EQ(rtcp, rtcp_plain);

  // Swapped keys (a classic integration bug) must not authenticate.
  auto swapped =
      SrtpSession::create(SrtpDirection::inbound, expected, p.server_events.keys->local.key_salt());
  ASSERT_TRUE(swapped.has_value());
  Bytes up = rtp_packet(100, 0xaabbccdd);
  ASSERT_EQ(client.outbound.protect_rtp(up), SrtpStatus::ok);
  EXPECT_EQ(swapped->unprotect_rtp(up), SrtpStatus::auth_fail);
}

TEST(DtlsSrtp, DerivedKeysProtectMediaWithAesCmSha1_80) {
  expect_media_flows({SrtpProfile::aes128_cm_hmac_sha1_80}, SrtpProfile::aes128_cm_hmac_sha1_80);
}

TEST(DtlsSrtp, DerivedKeysProtectMediaWithAeadAes128Gcm) {
  if (!gcm_supported()) GTEST_SKIP() << "libsrtp built without GCM";
  expect_media_flows({SrtpProfile::aead_aes_128_gcm, SrtpProfile::aes128_cm_hmac_sha1_80},
                     SrtpProfile::aead_aes_128_gcm);
}

}  // namespace
}  // namespace haven::sfu
