#include "sfu/srtp/srtp_session.h"

#include <arpa/inet.h>
#include <openssl/crypto.h>
#include <srtp2/srtp.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "sfu/limits.h"
#include "sfu/srtp/gcm_rtp_protector.h"
#include "sfu/srtp/gcm_rtp_unprotector.h"

namespace haven::sfu {

static_assert(kSrtpMaxTrailer == SRTP_MAX_TRAILER_LEN);
static_assert(static_cast<int>(SrtpProfile::aes128_cm_hmac_sha1_80) ==
              srtp_profile_aes128_cm_sha1_80);
static_assert(static_cast<int>(SrtpProfile::aead_aes_128_gcm) == srtp_profile_aead_aes_128_gcm);

namespace {

srtp_profile_t to_libsrtp(SrtpProfile profile) {
  return static_cast<srtp_profile_t>(static_cast<int>(profile));
}

SrtpStatus map_status(srtp_err_status_t status) {
  switch (status) {
    case srtp_err_status_ok:
      return SrtpStatus::ok;
    case srtp_err_status_auth_fail:
      return SrtpStatus::auth_fail;
    case srtp_err_status_replay_fail:
      return SrtpStatus::replay_fail;
    case srtp_err_status_replay_old:
      return SrtpStatus::replay_old;
    default:
      return SrtpStatus::other;
  }
}

// Fills both crypto policies from the profile: the RTCP policy of a profile is the same
// transform as its RTP one for the two profiles we support (RFC 5764 §4.1.2, RFC 7714 §14.2).
bool set_policies(srtp_policy_t& policy, SrtpProfile profile) {
  return srtp_crypto_policy_set_from_profile_for_rtp(&policy.rtp, to_libsrtp(profile)) ==
             srtp_err_status_ok &&
         srtp_crypto_policy_set_from_profile_for_rtcp(&policy.rtcp, to_libsrtp(profile)) ==
             srtp_err_status_ok;
}

srtp_t create_context(SrtpDirection direction, SrtpProfile profile,
                      std::span<const std::uint8_t> key_salt, const SrtpSession::Options& options) {
  if (!srtp_library_ready()) return nullptr;
  if (key_salt.size() != srtp_key_salt_length(profile)) return nullptr;
  if (options.window_size < 64 || options.window_size > 32767) return nullptr;

  srtp_policy_t policy;
  std::memset(&policy, 0, sizeof policy);
  if (!set_policies(policy, profile)) return nullptr;
  policy.ssrc.type = direction == SrtpDirection::inbound ? ssrc_any_inbound : ssrc_any_outbound;
  policy.ssrc.value = 0;
  // libsrtp wants a mutable pointer but only reads the key while deriving session keys
  // inside srtp_create(); a stack copy is wiped right after.
  std::array<unsigned char, SrtpMasterKey::kCapacity> key{};
  std::memcpy(key.data(), key_salt.data(), key_salt.size());
  policy.key = key.data();
  policy.window_size = options.window_size;
  // Never under GCM (Options::allow_repeat_tx), also when libsrtp does GCM itself.
  policy.allow_repeat_tx = direction == SrtpDirection::outbound && options.allow_repeat_tx &&
                                   profile != SrtpProfile::aead_aes_128_gcm
                               ? 1
                               : 0;
  policy.next = nullptr;

  srtp_t ctx = nullptr;
  srtp_err_status_t status = srtp_create(&ctx, &policy);
  OPENSSL_cleanse(key.data(), key.size());
  if (status != srtp_err_status_ok) {
    if (ctx != nullptr) srtp_dealloc(ctx);
    return nullptr;
  }
  return ctx;
}

}  // namespace

const char* to_string(SrtpStatus status) noexcept {
  switch (status) {
    case SrtpStatus::ok:
      return "ok";
    case SrtpStatus::auth_fail:
      return "auth_fail";
    case SrtpStatus::replay_fail:
      return "replay_fail";
    case SrtpStatus::replay_old:
      return "replay_old";
    case SrtpStatus::other:
      break;
  }
  return "other";
}

bool srtp_library_ready() noexcept {
  // A function-local static is initialized exactly once even under concurrent first calls
  // ([stmt.dcl]/4), which is all the guard srtp_init() needs.
  static const bool ready = srtp_init() == srtp_err_status_ok;
  return ready;
}

bool gcm_supported() noexcept {
  static const bool supported = [] {
    srtp_crypto_policy_t probe;
    std::memset(&probe, 0, sizeof probe);
    if (srtp_crypto_policy_set_from_profile_for_rtp(&probe, srtp_profile_aead_aes_128_gcm) !=
        srtp_err_status_ok) {
      return false;
    }
    // The policy setter only fills in numbers; creating a session proves the cipher is
    // registered in this build's crypto kernel.
    std::array<std::uint8_t, 28> zero_key{};
    srtp_t ctx = create_context(SrtpDirection::outbound, SrtpProfile::aead_aes_128_gcm, zero_key,
                                SrtpSession::Options{});
    if (ctx == nullptr) return false;
    srtp_dealloc(ctx);
    return true;
  }();
  return supported;
}

std::vector<SrtpProfile> supported_srtp_profiles() {
  std::vector<SrtpProfile> profiles;
  if (gcm_supported()) profiles.push_back(SrtpProfile::aead_aes_128_gcm);
  profiles.push_back(SrtpProfile::aes128_cm_hmac_sha1_80);
  return profiles;
}

std::optional<SrtpSession> SrtpSession::create(SrtpDirection direction, SrtpProfile profile,
                                               std::span<const std::uint8_t> key_salt,
                                               Options options) {
  srtp_t ctx = create_context(direction, profile, key_salt, options);
  if (ctx == nullptr) return std::nullopt;
  // libsrtp keeps SRTCP (and would do RTP too, were OpenSSL's GCM unavailable).
  std::unique_ptr<GcmRtpProtector> gcm_out;
  std::unique_ptr<GcmRtpUnprotector> gcm_in;
  if (profile == SrtpProfile::aead_aes_128_gcm && options.openssl_gcm) {
    try {
      if (direction == SrtpDirection::inbound) {
        if (auto made = GcmRtpUnprotector::from_master(key_salt, options.window_size)) {
          gcm_in = std::make_unique<GcmRtpUnprotector>(std::move(*made));
        }
      } else if (auto made = GcmRtpProtector::from_master(key_salt, options.window_size)) {
        gcm_out = std::make_unique<GcmRtpProtector>(std::move(*made));
      }
    } catch (...) {
      // Out of memory: libsrtp does it all, as it would without OpenSSL's GCM.
    }
  }
  return SrtpSession(ctx, direction, profile, std::move(gcm_out), std::move(gcm_in));
}

SrtpSession::SrtpSession(srtp_ctx_t_* ctx, SrtpDirection direction, SrtpProfile profile,
                         std::unique_ptr<GcmRtpProtector> gcm_out,
                         std::unique_ptr<GcmRtpUnprotector> gcm_in) noexcept
    : ctx_(ctx),
      direction_(direction),
      profile_(profile),
      gcm_out_(std::move(gcm_out)),
      gcm_in_(std::move(gcm_in)) {}

SrtpSession::SrtpSession(SrtpSession&& other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)),
      direction_(other.direction_),
      profile_(other.profile_),
      gcm_out_(std::move(other.gcm_out_)),
      gcm_in_(std::move(other.gcm_in_)) {}

SrtpSession& SrtpSession::operator=(SrtpSession&& other) noexcept {
  if (this != &other) {
    if (ctx_ != nullptr) srtp_dealloc(ctx_);
    ctx_ = std::exchange(other.ctx_, nullptr);
    direction_ = other.direction_;
    profile_ = other.profile_;
    gcm_out_ = std::move(other.gcm_out_);
    gcm_in_ = std::move(other.gcm_in_);
  }
  return *this;
}

SrtpSession::~SrtpSession() {
  if (ctx_ != nullptr) srtp_dealloc(ctx_);
}

SrtpStatus SrtpSession::run(Op op, std::span<std::uint8_t> buffer, std::size_t& length) noexcept {
  const bool protecting = op == Op::protect_rtp || op == Op::protect_rtcp;
  if (ctx_ == nullptr) return SrtpStatus::other;
  // libsrtp would refuse too (the wildcard template has the other direction), but with a
  // less telling status; make a swapped session an obvious programming error.
  if (protecting != (direction_ == SrtpDirection::outbound)) return SrtpStatus::other;
  if (length > buffer.size() || length > kMaxDatagram) return SrtpStatus::other;
  if (protecting && buffer.size() - length < kSrtpMaxTrailer) return SrtpStatus::other;

  if (op == Op::protect_rtp && gcm_out_) return gcm_out_->protect(buffer, length);
  if (op == Op::unprotect_rtp && gcm_in_) return gcm_in_->unprotect(buffer, length);

  int len = static_cast<int>(length);  // <= kMaxDatagram, so it fits
  srtp_err_status_t status = srtp_err_status_fail;
  switch (op) {
    case Op::protect_rtp:
      status = srtp_protect(ctx_, buffer.data(), &len);
      break;
    case Op::protect_rtcp:
      status = srtp_protect_rtcp(ctx_, buffer.data(), &len);
      break;
    case Op::unprotect_rtp:
      status = srtp_unprotect(ctx_, buffer.data(), &len);
      break;
    case Op::unprotect_rtcp:
      status = srtp_unprotect_rtcp(ctx_, buffer.data(), &len);
      break;
  }
  if (status != srtp_err_status_ok) return map_status(status);
  if (len < 0 || static_cast<std::size_t>(len) > buffer.size()) return SrtpStatus::other;
  length = static_cast<std::size_t>(len);
  return SrtpStatus::ok;
}

SrtpStatus SrtpSession::run(Op op, std::vector<std::uint8_t>& packet) noexcept {
  const bool protecting = op == Op::protect_rtp || op == Op::protect_rtcp;
  std::size_t length = packet.size();
  if (length > kMaxDatagram) return SrtpStatus::other;
  try {
    if (protecting) packet.resize(length + kSrtpMaxTrailer);
  } catch (...) {
    return SrtpStatus::other;
  }
  SrtpStatus status = run(op, packet, length);
  packet.resize(status == SrtpStatus::ok ? length : std::min(length, packet.size()));
  return status;
}

SrtpStatus SrtpSession::protect_rtp(std::span<std::uint8_t> buffer, std::size_t& length) noexcept {
  return run(Op::protect_rtp, buffer, length);
}
SrtpStatus SrtpSession::protect_rtcp(std::span<std::uint8_t> buffer, std::size_t& length) noexcept {
  return run(Op::protect_rtcp, buffer, length);
}
SrtpStatus SrtpSession::unprotect_rtp(std::span<std::uint8_t> buffer,
                                      std::size_t& length) noexcept {
  return run(Op::unprotect_rtp, buffer, length);
}
SrtpStatus SrtpSession::unprotect_rtcp(std::span<std::uint8_t> buffer,
                                       std::size_t& length) noexcept {
  return run(Op::unprotect_rtcp, buffer, length);
}
SrtpStatus SrtpSession::protect_rtp(std::vector<std::uint8_t>& packet) noexcept {
  return run(Op::protect_rtp, packet);
}
SrtpStatus SrtpSession::protect_rtcp(std::vector<std::uint8_t>& packet) noexcept {
  return run(Op::protect_rtcp, packet);
}
SrtpStatus SrtpSession::unprotect_rtp(std::vector<std::uint8_t>& packet) noexcept {
  return run(Op::unprotect_rtp, packet);
}
SrtpStatus SrtpSession::unprotect_rtcp(std::vector<std::uint8_t>& packet) noexcept {
  return run(Op::unprotect_rtcp, packet);
}

bool SrtpSession::remove_stream(std::uint32_t ssrc) noexcept {
  if (ctx_ == nullptr || direction_ == SrtpDirection::outbound) return false;
  const bool fast = gcm_in_ && gcm_in_->remove_stream(ssrc);
  // libsrtp keys streams by the SSRC as it appears on the wire (network byte order).
  return srtp_remove_stream(ctx_, htonl(ssrc)) == srtp_err_status_ok || fast;
}

}  // namespace haven::sfu
