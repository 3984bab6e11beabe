// One libsrtp2 session per direction of a transport (MS SrtpSession.cpp; JG dtls.c): an
// outbound session keyed with our DTLS-SRTP key (ssrc_any_outbound) and an inbound one
// keyed with the peer's (ssrc_any_inbound). libsrtp clones a per-SSRC stream lazily from
// the wildcard template on the first packet of each SSRC.
//
// Packet methods work in place on the caller's buffer, never throw and never allocate
// (beyond libsrtp's first-packet stream clone). `buffer` is the whole writable area and
// `length` the packet length inside it: protect needs buffer.size() >= length +
// kSrtpMaxTrailer (srtp_protect writes the auth tag/SRTCP index past the end).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "sfu/srtp/srtp_profile.h"

struct srtp_ctx_t_;

namespace haven::sfu {

class GcmRtpProtector;
class GcmRtpUnprotector;

// SRTP_MAX_TRAILER_LEN from srtp.h (16-byte tag + 128-byte MKI), kept here so callers
// need not include libsrtp headers; srtp_session.cpp static_asserts they agree.
inline constexpr std::size_t kSrtpMaxTrailer = 144;

enum class SrtpDirection { inbound, outbound };

enum class SrtpStatus {
  ok,
  auth_fail,    // srtp_err_status_auth_fail (7): wrong key, tampered, ROC mismatch
  replay_fail,  // srtp_err_status_replay_fail (9): index already seen
  replay_old,   // srtp_err_status_replay_old (10): index left the replay window
  other,        // anything else, including bad arguments and wrong direction
};

const char* to_string(SrtpStatus status) noexcept;

// Calls srtp_init() once per process (thread-safe). Returns false if it failed; sessions
// cannot be created then. Never calls srtp_shutdown(): the library lives as long as the
// process, like OpenSSL's.
bool srtp_library_ready() noexcept;

// Whether this libsrtp build can do AEAD_AES_128_GCM (Debian's is built on NSS and does;
// a build without GCM does not). Probed once (LDC IsGcmSupported): the policy call
// succeeds and a session can actually be created.
bool gcm_supported() noexcept;

// What to offer in DTLS use_srtp, most preferred first: GCM (when supported) then
// AES_CM_128_HMAC_SHA1_80 (mandatory to implement, RFC 8827 §6.5).
std::vector<SrtpProfile> supported_srtp_profiles();

class SrtpSession {
 public:
  struct Options {
    // Replay window in packets (libsrtp: 64..32767, default 128); MS and LDC use 1024 so
    // that NACK-recovered packets up to ~1 s late at 1000 pps are still accepted.
    unsigned long window_size = 1024;
    // Outbound AES_CM only: allow protecting the same sequence number twice (resending a
    // packet for NACK without RTX). Safe there because the payload is the same (one
    // keystream over the same bytes) and HMAC has no nonce. Never under GCM, whatever this
    // says: the index is GCM's nonce, and a resend's header differs (new transport-wide
    // sequence number and abs-send-time), which would give away the authentication key
    // (gcm_rtp_protector.h).
    bool allow_repeat_tx = true;
    // AEAD_AES_128_GCM RTP through GcmRtpProtector / GcmRtpUnprotector (OpenSSL) rather
    // than libsrtp: the same bytes and verdicts, without libsrtp's per-packet NSS context
    // and allocation (issue 8). False: libsrtp for everything, which the tests compare it
    // with.
    bool openssl_gcm = true;
  };

  // Returns nullopt if key_salt has the wrong length for the profile, the profile is not
  // supported by this libsrtp build, or libsrtp fails. Never throws.
  static std::optional<SrtpSession> create(SrtpDirection direction, SrtpProfile profile,
                                           std::span<const std::uint8_t> key_salt, Options options);
  static std::optional<SrtpSession> create(SrtpDirection direction, SrtpProfile profile,
                                           std::span<const std::uint8_t> key_salt) {
    return create(direction, profile, key_salt, Options{});
  }

  SrtpSession(SrtpSession&& other) noexcept;
  SrtpSession& operator=(SrtpSession&& other) noexcept;
  SrtpSession(const SrtpSession&) = delete;
  SrtpSession& operator=(const SrtpSession&) = delete;
  ~SrtpSession();

  SrtpDirection direction() const noexcept { return direction_; }
  SrtpProfile profile() const noexcept { return profile_; }

  // Outbound sessions only. On ok, `length` is the SRTP/SRTCP length.
  SrtpStatus protect_rtp(std::span<std::uint8_t> buffer, std::size_t& length) noexcept;
  SrtpStatus protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& length) noexcept;
  // Inbound sessions only. On ok, `length` is the plain RTP/RTCP length. On failure the
  // buffer's contents are unspecified (GCM decrypts in place before the tag check): drop it.
  SrtpStatus unprotect_rtp(std::span<std::uint8_t> buffer, std::size_t& length) noexcept;
  SrtpStatus unprotect_rtcp(std::span<std::uint8_t> buffer, std::size_t& length) noexcept;

  // Convenience for control-plane callers holding a vector: grows it by the trailer room
  // before protecting and shrinks it to the resulting length.
  SrtpStatus protect_rtp(std::vector<std::uint8_t>& packet) noexcept;
  SrtpStatus protect_rtcp(std::vector<std::uint8_t>& packet) noexcept;
  SrtpStatus unprotect_rtp(std::vector<std::uint8_t>& packet) noexcept;
  SrtpStatus unprotect_rtcp(std::vector<std::uint8_t>& packet) noexcept;

  // Inbound: forgets the per-SSRC stream (its ROC and replay window) so a peer that reuses
  // an SSRC starts fresh instead of being replay-rejected (ms#428). False if no stream
  // existed for it. Outbound: always false and nothing changes; a forgotten stream would
  // use its indices again, i.e. repeat GCM nonces or AES-CM keystream.
  bool remove_stream(std::uint32_t ssrc) noexcept;

 private:
  enum class Op { protect_rtp, protect_rtcp, unprotect_rtp, unprotect_rtcp };

  SrtpSession(srtp_ctx_t_* ctx, SrtpDirection direction, SrtpProfile profile,
              std::unique_ptr<GcmRtpProtector> gcm_out,
              std::unique_ptr<GcmRtpUnprotector> gcm_in) noexcept;
  SrtpStatus run(Op op, std::span<std::uint8_t> buffer, std::size_t& length) noexcept;
  SrtpStatus run(Op op, std::vector<std::uint8_t>& packet) noexcept;

  srtp_ctx_t_* ctx_ = nullptr;
  SrtpDirection direction_ = SrtpDirection::inbound;
  SrtpProfile profile_ = SrtpProfile::aes128_cm_hmac_sha1_80;
  // GCM only, one of the two by direction: the RTP fast paths.
  std::unique_ptr<GcmRtpProtector> gcm_out_;
  std::unique_ptr<GcmRtpUnprotector> gcm_in_;
};

}  // namespace haven::sfu
