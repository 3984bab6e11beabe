// Inbound SRTP for RTP packets under AEAD_AES_128_GCM (RFC 7714) with OpenSSL's EVP AES-GCM,
// the receiving half of GcmRtpProtector and for the same reason: Debian's libsrtp2 runs GCM
// through NSS, which allocates and locks per packet. One cipher context keyed once; per
// packet only the IV is set.
//
// Accepts and refuses exactly what libsrtp does for up to kMaxStreams SSRCs
// (tests/unit/sfu/srtp/gcm_rtp_unprotector_test.cpp and the gcm_rtp fuzz target compare
// the two): the same index estimate, and the same replay window (RFC 3711 §3.3.2): an
// index newer than any seen is fine, one older than the window is `replay_old`, one seen
// is `replay_fail`.
// The window only moves for a packet that authenticated, and a new SSRC gets its state only
// then, so forged packets change nothing.
//
// One thread, no locks; unprotect() never throws and never allocates, except for the first
// authenticated packet of a new SSRC.
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

class GcmRtpUnprotector {
 public:
  // At most this many SSRCs are tracked at once; an authenticated packet of one more is
  // refused (`other`). A peer's streams are a handful; the bound keeps a peer that sends
  // many SSRCs from growing our memory without limit.
  static constexpr std::size_t kMaxStreams = 256;

  // From the DTLS-SRTP master key ‖ master salt (16 + 12 bytes) and libsrtp's replay
  // window size in packets (64..32767).
  static std::optional<GcmRtpUnprotector> from_master(std::span<const std::uint8_t> key_salt,
                                                      unsigned long window) noexcept;

  GcmRtpUnprotector(GcmRtpUnprotector&&) noexcept = default;
  GcmRtpUnprotector& operator=(GcmRtpUnprotector&&) noexcept = default;
  ~GcmRtpUnprotector();  // wipes the salt (the key lives in the cipher context)

  // Authenticates and decrypts the SRTP packet in buffer[0, length) in place; on ok,
  // `length` is the RTP packet's. On failure the buffer's contents are unspecified.
  SrtpStatus unprotect(std::span<std::uint8_t> buffer, std::size_t& length) noexcept;

  bool remove_stream(std::uint32_t ssrc) noexcept;

 private:
  using ReplayWindow = gcm_rtp::ReplayWindow;
  struct Stream {
    std::uint32_t ssrc;
    ReplayWindow window;
  };

  GcmRtpUnprotector(ossl::CipherCtx ctx, const std::array<std::uint8_t, gcm_rtp::kSaltSize>& salt,
                    std::int64_t window)
      : ctx_(std::move(ctx)), salt_(salt), fresh_(window) {}
  Stream* find(std::uint32_t ssrc) noexcept;

  ossl::CipherCtx ctx_;  // AES-128-GCM for decryption, session key set, IV set per packet
  std::array<std::uint8_t, gcm_rtp::kSaltSize> salt_{};
  ReplayWindow fresh_;  // the state of a not yet seen SSRC (libsrtp's stream template)
  std::vector<Stream> streams_;
};

}  // namespace haven::sfu
