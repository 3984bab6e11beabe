#include "sfu/srtp/gcm_rtp_protector.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <cstring>
#include <utility>

#include "sfu/limits.h"
#include "sfu/srtp/gcm_rtp.h"

namespace haven::sfu {

std::optional<GcmRtpProtector> GcmRtpProtector::from_master(std::span<const std::uint8_t> key_salt,
                                                            unsigned long window) noexcept {
  gcm_rtp::SessionKeys keys;
  if (!gcm_rtp::derive_session_keys(key_salt, keys)) return std::nullopt;
  return from_session(keys.key, keys.salt, window);
}

std::optional<GcmRtpProtector> GcmRtpProtector::from_session(std::span<const std::uint8_t> key,
                                                             std::span<const std::uint8_t> salt,
                                                             unsigned long window) noexcept {
  if (key.size() != kKeySize || salt.size() != kSaltSize || gcm_rtp::replay_window(window) == 0) {
    return std::nullopt;
  }
  ossl::CipherCtx ctx = gcm_rtp::make_context(key.first<kKeySize>(), true);
  if (!ctx) return std::nullopt;
  try {
    return GcmRtpProtector(std::move(ctx), salt, gcm_rtp::replay_window(window));
  } catch (...) {
    return std::nullopt;  // out of memory for the stream list
  }
}

GcmRtpProtector::GcmRtpProtector(ossl::CipherCtx ctx, std::span<const std::uint8_t> salt,
                                 std::int64_t window)
    : ctx_(std::move(ctx)), window_(window) {
  std::memcpy(salt_.data(), salt.data(), kSaltSize);
  streams_.reserve(8);
}

GcmRtpProtector::~GcmRtpProtector() {
  OPENSSL_cleanse(salt_.data(), salt_.size());
}

GcmRtpProtector::Stream* GcmRtpProtector::stream_for(std::uint32_t ssrc) noexcept {
  for (Stream& s : streams_) {
    if (s.ssrc == ssrc) return &s;
  }
  try {
    // libsrtp also starts a new SSRC at index 0 with nothing used.
    streams_.push_back(Stream{ssrc, gcm_rtp::ReplayWindow(window_)});
  } catch (...) {
    return nullptr;
  }
  return &streams_.back();
}

SrtpStatus GcmRtpProtector::protect(std::span<std::uint8_t> buffer, std::size_t& length) noexcept {
  if (length > buffer.size() || length > kMaxDatagram || buffer.size() - length < kTagSize) {
    return SrtpStatus::other;
  }
  std::uint8_t* const packet = buffer.data();
  const std::size_t header = gcm_rtp::header_length(buffer.first(length));
  if (header == 0) return SrtpStatus::other;
  Stream* stream = stream_for(gcm_rtp::ssrc(packet));
  if (stream == nullptr) return SrtpStatus::other;

  // Sender-side replay window (libsrtp srtp_rdbx_check without allow_repeat_tx): an
  // index, i.e. a nonce, is used once (see the header); older than the window is refused.
  std::uint64_t index = 0;
  const std::int64_t delta =
      gcm_rtp::estimate_index(stream->used.highest(), gcm_rtp::sequence_number(packet), index);
  if (const SrtpStatus replay = stream->used.check(delta, index); replay != SrtpStatus::ok) {
    return replay;
  }
  if ((index >> 48) != 0) return SrtpStatus::other;  // the 48-bit index is used up

  const auto iv = gcm_rtp::make_iv(salt_, packet, index);  // RFC 7714 §8.1

  // RFC 7714 §8.2: the header is the associated data, the rest (payload and padding) is
  // encrypted in place, and the 16-byte tag follows it.
  EVP_CIPHER_CTX* ctx = ctx_.get();
  const int body = static_cast<int>(length - header);
  int written = 0;
  int final_written = 0;
  const bool ok =
      EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv.data()) == 1 &&
      EVP_EncryptUpdate(ctx, nullptr, &written, packet, static_cast<int>(header)) == 1 &&
      (body == 0 ||
       EVP_EncryptUpdate(ctx, packet + header, &written, packet + header, body) == 1) &&
      EVP_EncryptFinal_ex(ctx, packet + length, &final_written) == 1 && final_written == 0 &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagSize), packet + length) ==
          1;
  if (!ok) {
    ERR_clear_error();
    return SrtpStatus::other;
  }
  stream->used.add(delta, index);
  length += kTagSize;
  return SrtpStatus::ok;
}

}  // namespace haven::sfu
