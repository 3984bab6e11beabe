// What SRTP's AEAD_AES_128_GCM transform for RTP packets (RFC 7714) needs in both
// directions, done the way libsrtp does it so the two interoperate byte for byte: session
// key derivation, the authenticated header, the packet index estimate, the IV and the
// OpenSSL cipher context. GcmRtpProtector (send) and GcmRtpUnprotector (receive) are built
// on it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "crypto/openssl_handles.h"
#include "sfu/rtp/seen_bits.h"
#include "sfu/srtp/srtp_session.h"

namespace haven::sfu::gcm_rtp {

inline constexpr std::size_t kKeySize = 16;
inline constexpr std::size_t kSaltSize = 12;
inline constexpr std::size_t kTagSize = 16;

struct SessionKeys {
  std::array<std::uint8_t, kKeySize> key{};
  std::array<std::uint8_t, kSaltSize> salt{};
  SessionKeys() = default;
  SessionKeys(const SessionKeys&) = delete;
  SessionKeys& operator=(const SessionKeys&) = delete;
  ~SessionKeys();  // wipes both
};

// From the DTLS-SRTP master key ‖ master salt (16 + 12 bytes): the session encryption key
// and salt by the AES-CM PRF (RFC 3711 §4.3.1, §4.3.3; RFC 7714 §11 with erratum 4938: the
// 96-bit master salt is multiplied by 2^16 to make the PRF's 112-bit salt). False for a
// wrong length or a cipher failure.
bool derive_session_keys(std::span<const std::uint8_t> key_salt, SessionKeys& out) noexcept;

// An AES-128-GCM context keyed with `key`, for encrypting or decrypting; the IV is set per
// packet. Null on failure.
ossl::CipherCtx make_context(std::span<const std::uint8_t, kKeySize> key, bool encrypt) noexcept;

// The header SRTP authenticates (fixed part, CSRCs, extension block: RFC 3550 §5.1,
// §5.3.1). 0 when the packet is shorter than its header says, libsrtp's
// srtp_validate_rtp_header() check (which does not look at the version either).
std::size_t header_length(std::span<const std::uint8_t> packet) noexcept;

inline std::uint16_t sequence_number(const std::uint8_t* packet) noexcept {
  return static_cast<std::uint16_t>(packet[2] << 8 | packet[3]);
}
inline std::uint32_t ssrc(const std::uint8_t* packet) noexcept {
  return static_cast<std::uint32_t>(packet[8]) << 24 | static_cast<std::uint32_t>(packet[9]) << 16 |
         static_cast<std::uint32_t>(packet[10]) << 8 | packet[11];
}

// libsrtp's packet index estimate (rdbx.c srtp_rdbx_estimate_index and srtp_index_guess,
// after RFC 3711 §3.3.1): the 48-bit index (ROC << 16 | SEQ) with SEQ `seq` nearest to the
// newest index `highest`, and how far ahead of it that is (≤ 0: the same or older).
std::int64_t estimate_index(std::uint64_t highest, std::uint16_t seq,
                            std::uint64_t& guess) noexcept;

// The replay window libsrtp keeps for `window` packets: its bit vector rounds up to whole
// 32-bit words. Zero when libsrtp would refuse the size (srtp_create: 64..32767).
inline std::int64_t replay_window(unsigned long window) noexcept {
  if (window < 64 || window > 32767) return 0;
  return static_cast<std::int64_t>((window + 31) & ~31UL);
}

// libsrtp's rdbx (RFC 3711 §3.3.2): the newest index and which of the `size` indices up to
// it were used. The receiver uses it against replays; the sender against ever using an
// index twice, because under GCM the index is the nonce (RFC 7714 §8.1) and two packets
// with one nonce give away the authentication key (the GHASH key H).
class ReplayWindow {
 public:
  // `size` from replay_window(); allocates its bits (may throw std::bad_alloc).
  explicit ReplayWindow(std::int64_t size) : size_(size), seen_(static_cast<std::size_t>(size)) {}
  std::uint64_t highest() const noexcept { return highest_; }
  // libsrtp srtp_rdbx_check, for `delta` and `index` from estimate_index against
  // highest(): newer than any used is ok; older than the window is replay_old; used
  // within it, replay_fail.
  SrtpStatus check(std::int64_t delta, std::uint64_t index) const noexcept;
  // libsrtp srtp_rdbx_add_index: a newer index moves the window (the indices it passes over
  // were not used); an older one is marked used.
  void add(std::int64_t delta, std::uint64_t index) noexcept;

 private:
  std::int64_t size_;
  std::uint64_t highest_ = 0;
  SeenBits seen_;  // for the last size_ indices
};

// Drops the state kept for `ssrc` from `streams` (elements with an `ssrc` member), for
// SrtpSession::remove_stream. False when there was none.
template <typename Streams>
bool erase_stream(Streams& streams, std::uint32_t ssrc) noexcept {
  for (auto it = streams.begin(); it != streams.end(); ++it) {
    if (it->ssrc == ssrc) {
      streams.erase(it);
      return true;
    }
  }
  return false;
}

// RFC 7714 §8.1: IV = (00 00 ‖ SSRC ‖ ROC ‖ SEQ) XOR the session salt, for `packet` at
// 48-bit `index`.
std::array<std::uint8_t, kSaltSize> make_iv(const std::array<std::uint8_t, kSaltSize>& salt,
                                            const std::uint8_t* packet,
                                            std::uint64_t index) noexcept;

}  // namespace haven::sfu::gcm_rtp
