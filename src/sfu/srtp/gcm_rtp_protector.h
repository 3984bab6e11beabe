// Outbound SRTP for RTP packets under AEAD_AES_128_GCM (RFC 7714), done with OpenSSL's
// EVP AES-GCM instead of libsrtp. Why: protecting is the SFU's hottest crypto (every
// forwarded packet, once per subscriber), and Debian's libsrtp2 runs GCM through NSS,
// which creates a PKCS#11 context per packet: a calloc, a free and two lock round trips
// per protect, about 15 % of the media thread (docs/PERFORMANCE.md "Tuning the packet
// path"). Here one cipher context is keyed once per session and each packet only sets its
// IV. Inbound packets, RTCP and the AES-CM profile stay with libsrtp (SrtpSession).
//
// Output is byte for byte what libsrtp produces for the same master key and packets
// (tests/unit/sfu/srtp/gcm_rtp_protector_test.cpp and the gcm_rtp fuzz target compare
// the two), including libsrtp's rollover-counter estimate and its sender-side replay
// window without allow_repeat_tx: an index is never protected twice. Under GCM the index
// is the nonce (RFC 7714 §8.1), and two different packets under one nonce give away the
// GHASH key, with which anyone on the path could forge packets (RFC 7714 §14). The SFU
// stamps a new transport-wide sequence number and abs-send-time on every send, so even a
// resend of the "same" packet differs in its authenticated header: a repeat is refused
// (`replay_fail`), never sent. A stream's state is never forgotten either, for the same
// reason (no remove_stream).
//
// One thread, no locks; protect() never throws and never allocates, except the first
// packet of a new SSRC, which adds that stream's state.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "crypto/openssl_handles.h"
#include "sfu/srtp/gcm_rtp.h"
#include "sfu/srtp/srtp_session.h"

namespace haven::sfu {

class GcmRtpProtector {
 public:
  static constexpr std::size_t kKeySize = gcm_rtp::kKeySize;
  static constexpr std::size_t kSaltSize = gcm_rtp::kSaltSize;
  static constexpr std::size_t kTagSize = gcm_rtp::kTagSize;

  // From the DTLS-SRTP master key ‖ master salt (16 + 12 bytes; gcm_rtp::
  // derive_session_keys). `window`: the replay window libsrtp would use (packets).
  static std::optional<GcmRtpProtector> from_master(std::span<const std::uint8_t> key_salt,
                                                    unsigned long window) noexcept;
  // From an already derived session key and salt (RFC 7714 §16's test vectors give these).
  static std::optional<GcmRtpProtector> from_session(std::span<const std::uint8_t> key,
                                                     std::span<const std::uint8_t> salt,
                                                     unsigned long window) noexcept;

  GcmRtpProtector(GcmRtpProtector&&) noexcept = default;
  GcmRtpProtector& operator=(GcmRtpProtector&&) noexcept = default;
  ~GcmRtpProtector();  // wipes the salt (the key lives in the cipher context)

  // Protects the RTP packet in buffer[0, length) in place and appends the tag; on ok,
  // `length` grows by kTagSize. Otherwise the packet must not be sent: `other` for a
  // header that does not fit the packet, no room for the tag or a cipher failure;
  // `replay_fail` for an index already protected and `replay_old` for one older than the
  // window (both leave the buffer as it was).
  SrtpStatus protect(std::span<std::uint8_t> buffer, std::size_t& length) noexcept;

 private:
  struct Stream {
    std::uint32_t ssrc;
    gcm_rtp::ReplayWindow used;  // which indices (ROC << 16 | SEQ) were protected
  };

  GcmRtpProtector(ossl::CipherCtx ctx, std::span<const std::uint8_t> salt, std::int64_t window);
  Stream* stream_for(std::uint32_t ssrc) noexcept;

  ossl::CipherCtx ctx_;  // AES-128-GCM, session key set, IV set per packet
  std::array<std::uint8_t, kSaltSize> salt_{};
  std::int64_t window_ = 1024;
  std::vector<Stream> streams_;  // a handful per session: a linear search beats a hash
};

}  // namespace haven::sfu
