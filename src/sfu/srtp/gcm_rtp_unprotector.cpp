#include "sfu/srtp/gcm_rtp_unprotector.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <utility>

#include "sfu/limits.h"

namespace haven::sfu {

std::optional<GcmRtpUnprotector> GcmRtpUnprotector::from_master(
    std::span<const std::uint8_t> key_salt, unsigned long window) noexcept {
  const std::int64_t size = gcm_rtp::replay_window(window);
  if (size == 0) return std::nullopt;
  gcm_rtp::SessionKeys keys;
  if (!gcm_rtp::derive_session_keys(key_salt, keys)) return std::nullopt;
  ossl::CipherCtx ctx = gcm_rtp::make_context(keys.key, false);
  if (!ctx) return std::nullopt;
  try {
    return GcmRtpUnprotector(std::move(ctx), keys.salt, size);
  } catch (...) {
    return std::nullopt;  // the window's bits could not be allocated
  }
}

GcmRtpUnprotector::~GcmRtpUnprotector() {
  OPENSSL_cleanse(salt_.data(), salt_.size());
}

GcmRtpUnprotector::Stream* GcmRtpUnprotector::find(std::uint32_t ssrc) noexcept {
  for (Stream& s : streams_) {
    if (s.ssrc == ssrc) return &s;
  }
  return nullptr;
}

bool GcmRtpUnprotector::remove_stream(std::uint32_t ssrc) noexcept {
  return gcm_rtp::erase_stream(streams_, ssrc);
}

SrtpStatus GcmRtpUnprotector::unprotect(std::span<std::uint8_t> buffer,
                                        std::size_t& length) noexcept {
  if (length > buffer.size() || length > kMaxDatagram) return SrtpStatus::other;
  std::uint8_t* const packet = buffer.data();
  const std::size_t header = gcm_rtp::header_length(buffer.first(length));
  if (header == 0) return SrtpStatus::other;
  const std::uint32_t ssrc = gcm_rtp::ssrc(packet);
  Stream* stream = find(ssrc);
  const ReplayWindow& window = stream != nullptr ? stream->window : fresh_;

  // The same order of checks as libsrtp (srtp_unprotect_aead): replay, then length, then
  // the tag.
  std::uint64_t index = 0;
  const std::int64_t delta =
      gcm_rtp::estimate_index(window.highest(), gcm_rtp::sequence_number(packet), index);
  if (const SrtpStatus replay = window.check(delta, index); replay != SrtpStatus::ok) {
    return replay;
  }
  if (length - header < gcm_rtp::kTagSize) return SrtpStatus::other;

  // RFC 7714 §8.2: the header is the associated data; the tag is the last 16 bytes.
  const auto iv = gcm_rtp::make_iv(salt_, packet, index);
  const std::size_t body = length - header - gcm_rtp::kTagSize;
  EVP_CIPHER_CTX* ctx = ctx_.get();
  int written = 0;
  const bool authentic =
      EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, iv.data()) == 1 &&
      EVP_DecryptUpdate(ctx, nullptr, &written, packet, static_cast<int>(header)) == 1 &&
      (body == 0 || EVP_DecryptUpdate(ctx, packet + header, &written, packet + header,
                                      static_cast<int>(body)) == 1) &&
      EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(gcm_rtp::kTagSize),
                          packet + header + body) == 1 &&
      EVP_DecryptFinal_ex(ctx, packet + header + body, &written) == 1;
  if (!authentic) {
    ERR_clear_error();
    return SrtpStatus::auth_fail;
  }

  // Only an authentic packet creates a stream or moves its window.
  if (stream == nullptr) {
    if (streams_.size() >= kMaxStreams) return SrtpStatus::other;
    try {
      streams_.push_back(Stream{ssrc, fresh_});
    } catch (...) {
      return SrtpStatus::other;
    }
    stream = &streams_.back();
  }
  stream->window.add(delta, index);
  length = header + body;
  return SrtpStatus::ok;
}

}  // namespace haven::sfu
