// Shared by the GcmRtpProtector and GcmRtpUnprotector tests: master keys, RTP packets and
// SrtpSessions with the OpenSSL GCM path on or off (off: libsrtp alone, the reference).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <iterator>
#include <vector>

#include "sfu/srtp/gcm_rtp.h"
#include "sfu/srtp/srtp_session.h"

namespace haven::sfu::gcm_test {

using Bytes = std::vector<std::uint8_t>;

inline Bytes master_key(std::uint8_t seed) {
  Bytes key(gcm_rtp::kKeySize + gcm_rtp::kSaltSize);
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(seed + i * 13);
  return key;
}

// An RTP packet with `csrcs` CSRCs and, when `extension_words` > 0, a one-byte-header
// extension block of that many 32-bit words (RFC 8285 §4.2).
inline Bytes rtp(std::uint16_t seq, std::uint32_t ssrc, std::size_t payload = 80,
                 unsigned csrcs = 0, unsigned extension_words = 0) {
  Bytes p(12);
  p[0] = static_cast<std::uint8_t>(0x80 | (extension_words > 0 ? 0x10 : 0) | csrcs);
  p[1] = 0x60;
  p[2] = static_cast<std::uint8_t>(seq >> 8);
  p[3] = static_cast<std::uint8_t>(seq);
  for (int i = 0; i < 4; ++i) {
    p[4 + i] = static_cast<std::uint8_t>(seq * 3 + i);
    p[8 + i] = static_cast<std::uint8_t>(ssrc >> (24 - 8 * i));
  }
  for (unsigned c = 0; c < csrcs * 4; ++c) p.push_back(static_cast<std::uint8_t>(0xc0 + c));
  if (extension_words > 0) {
    const std::uint8_t block_header[] = {0xbe, 0xde, 0x00,
                                         static_cast<std::uint8_t>(extension_words)};
    p.insert(p.end(), std::begin(block_header), std::end(block_header));
    for (unsigned e = 0; e < extension_words * 4; ++e) p.push_back(static_cast<std::uint8_t>(e));
  }
  for (std::size_t i = 0; i < payload; ++i) p.push_back(static_cast<std::uint8_t>(i ^ seq));
  return p;
}

inline SrtpSession session(SrtpDirection direction, const Bytes& key, bool openssl_gcm) {
  SrtpSession::Options options;
  options.openssl_gcm = openssl_gcm;
  auto made = SrtpSession::create(direction, SrtpProfile::aead_aes_128_gcm, key, options);
  EXPECT_TRUE(made.has_value());
  return std::move(*made);
}

}  // namespace haven::sfu::gcm_test
