#include "sfu/srtp/gcm_rtp_protector.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "sfu/limits.h"

namespace haven::sfu {

namespace {

constexpr std::size_t kFixedHeader = 12;  // RFC 3550 §5.1
constexpr std::int64_t kSeqMedian = 1 << 15;
constexpr std::int64_t kSeqMax = 1 << 16;

// RFC 3711 §4.3.3 labels for the SRTP (not SRTCP) session keys.
constexpr std::uint8_t kLabelEncryptionKey = 0x00;
constexpr std::uint8_t kLabelSalt = 0x02;

std::uint16_t load_be16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}

// The header srtp_protect() would authenticate: fixed part, CSRCs and the extension block
// (RFC 3550 §5.1, §5.3.1). 0 when the packet is shorter than its header says, which is
// libsrtp's srtp_validate_rtp_header() check (it does not look at the version either).
std::size_t header_length(std::span<const std::uint8_t> packet) noexcept {
  if (packet.size() < kFixedHeader) return 0;
  std::size_t length = kFixedHeader + 4u * (packet[0] & 0x0f);
  if ((packet[0] & 0x10) != 0) {
    if (packet.size() < length + 4) return 0;
    length += 4 + 4u * load_be16(packet.data() + length + 2);
  }
  return length <= packet.size() ? length : 0;
}

// libsrtp's packet index estimate for a sender (rdbx.c srtp_rdbx_estimate_index and
// srtp_index_guess, after RFC 3711 §3.3.1): the index whose SEQ is `seq` nearest to the
// newest one sent, and how far ahead of it that is (≤ 0: the same or an older packet).
std::int64_t estimate_index(std::uint64_t highest, std::uint16_t seq,
                            std::uint64_t& guess) noexcept {
  if (highest <= static_cast<std::uint64_t>(kSeqMedian)) {
    guess = seq;
    return static_cast<std::int64_t>(seq) - static_cast<std::int64_t>(highest);
  }
  const std::uint64_t roc = highest >> 16;
  const std::int64_t local = static_cast<std::int64_t>(highest & 0xffff);
  const std::int64_t s = seq;
  std::uint64_t guess_roc = roc;
  std::int64_t difference = s - local;
  if (local < kSeqMedian) {
    if (s - local > kSeqMedian) {
      guess_roc = roc - 1;
      difference = s - local - kSeqMax;
    }
  } else if (local - kSeqMedian > s) {
    guess_roc = roc + 1;
    difference = s - local + kSeqMax;
  }
  guess = guess_roc << 16 | seq;
  return difference;
}

// One block of the AES-CM PRF keystream (RFC 3711 §4.3.1 with kdr = 0, so r = 0):
// AES_k((salt112 XOR (label << 48)) · 2^16), first `out.size()` (≤ 16) bytes.
bool derive(EVP_CIPHER_CTX* ecb, const std::array<std::uint8_t, 14>& salt112, std::uint8_t label,
            std::span<std::uint8_t> out) noexcept {
  std::array<std::uint8_t, 16> block{};
  std::memcpy(block.data(), salt112.data(), salt112.size());
  block[7] ^= label;  // key_id = label ‖ r (56 bits), right-aligned in the 112-bit salt
  std::array<std::uint8_t, 16> stream{};
  int written = 0;
  const bool ok =
      EVP_EncryptUpdate(ecb, stream.data(), &written, block.data(), 16) == 1 && written == 16;
  if (ok) std::memcpy(out.data(), stream.data(), out.size());
  OPENSSL_cleanse(stream.data(), stream.size());
  return ok;
}

}  // namespace

std::optional<GcmRtpProtector> GcmRtpProtector::from_master(std::span<const std::uint8_t> key_salt,
                                                            unsigned long window) noexcept {
  if (key_salt.size() != kKeySize + kSaltSize) return std::nullopt;
  // Erratum 4938: the 96-bit master salt times 2^16 is the PRF's 112-bit master salt.
  std::array<std::uint8_t, 14> salt112{};
  std::memcpy(salt112.data(), key_salt.data() + kKeySize, kSaltSize);
  std::array<std::uint8_t, kKeySize> session_key{};
  std::array<std::uint8_t, kSaltSize> session_salt{};
  ossl::CipherCtx ecb(EVP_CIPHER_CTX_new());
  const bool derived =
      ecb &&
      EVP_EncryptInit_ex(ecb.get(), EVP_aes_128_ecb(), nullptr, key_salt.data(), nullptr) == 1 &&
      EVP_CIPHER_CTX_set_padding(ecb.get(), 0) == 1 &&
      derive(ecb.get(), salt112, kLabelEncryptionKey, session_key) &&
      derive(ecb.get(), salt112, kLabelSalt, session_salt);
  std::optional<GcmRtpProtector> protector;
  if (derived) protector = from_session(session_key, session_salt, window);
  OPENSSL_cleanse(session_key.data(), session_key.size());
  OPENSSL_cleanse(session_salt.data(), session_salt.size());
  if (!derived) ERR_clear_error();
  return protector;
}

std::optional<GcmRtpProtector> GcmRtpProtector::from_session(std::span<const std::uint8_t> key,
                                                             std::span<const std::uint8_t> salt,
                                                             unsigned long window) noexcept {
  // libsrtp's limits for the replay window (srtp_create refuses others).
  if (key.size() != kKeySize || salt.size() != kSaltSize || window < 64 || window > 32767) {
    return std::nullopt;
  }
  ossl::CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, key.data(), nullptr) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  return GcmRtpProtector(std::move(ctx), salt, window);
}

GcmRtpProtector::GcmRtpProtector(ossl::CipherCtx ctx, std::span<const std::uint8_t> salt,
                                 unsigned long window)
    : ctx_(std::move(ctx)),
      // libsrtp's bit vector rounds the window up to whole 32-bit words.
      window_(static_cast<std::int64_t>((window + 31) & ~31UL)) {
  std::memcpy(salt_.data(), salt.data(), kSaltSize);
  streams_.reserve(8);
}

GcmRtpProtector::Stream* GcmRtpProtector::stream_for(std::uint32_t ssrc) noexcept {
  for (Stream& s : streams_) {
    if (s.ssrc == ssrc) return &s;
  }
  try {
    streams_.push_back(Stream{ssrc, 0});  // libsrtp also starts a new SSRC at index 0
  } catch (...) {
    return nullptr;
  }
  return &streams_.back();
}

bool GcmRtpProtector::remove_stream(std::uint32_t ssrc) noexcept {
  const auto it = std::find_if(streams_.begin(), streams_.end(),
                               [ssrc](const Stream& s) { return s.ssrc == ssrc; });
  if (it == streams_.end()) return false;
  streams_.erase(it);
  return true;
}

SrtpStatus GcmRtpProtector::protect(std::span<std::uint8_t> buffer, std::size_t& length) noexcept {
  if (length > buffer.size() || length > kMaxDatagram || buffer.size() - length < kTagSize) {
    return SrtpStatus::other;
  }
  std::uint8_t* const packet = buffer.data();
  const std::size_t header = header_length(buffer.first(length));
  if (header == 0) return SrtpStatus::other;
  const std::uint32_t ssrc = static_cast<std::uint32_t>(packet[8]) << 24 |
                             static_cast<std::uint32_t>(packet[9]) << 16 |
                             static_cast<std::uint32_t>(packet[10]) << 8 | packet[11];
  Stream* stream = stream_for(ssrc);
  if (stream == nullptr) return SrtpStatus::other;

  // Sender-side replay window (libsrtp srtp_rdbx_check with allow_repeat_tx): newer is
  // fine, the same or an older index within the window may be protected again (a NACKed
  // packet resent as it was), anything older is refused.
  std::uint64_t index = 0;
  const std::int64_t delta = estimate_index(stream->highest_index, load_be16(packet + 2), index);
  if (delta <= -window_) return SrtpStatus::replay_old;
  if ((index >> 48) != 0) return SrtpStatus::other;  // the 48-bit index is used up
  if (delta > 0) stream->highest_index = index;

  // RFC 7714 §8.1: IV = (00 00 ‖ SSRC ‖ ROC ‖ SEQ) XOR the 96-bit session salt.
  std::array<std::uint8_t, kSaltSize> iv{};
  std::memcpy(iv.data() + 2, packet + 8, 4);
  const auto roc = static_cast<std::uint32_t>(index >> 16);
  iv[6] = static_cast<std::uint8_t>(roc >> 24);
  iv[7] = static_cast<std::uint8_t>(roc >> 16);
  iv[8] = static_cast<std::uint8_t>(roc >> 8);
  iv[9] = static_cast<std::uint8_t>(roc);
  iv[10] = packet[2];
  iv[11] = packet[3];
  for (std::size_t i = 0; i < kSaltSize; ++i) iv[i] ^= salt_[i];

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
  length += kTagSize;
  return SrtpStatus::ok;
}

}  // namespace haven::sfu
