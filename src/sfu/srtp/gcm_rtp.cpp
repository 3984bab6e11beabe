#include "sfu/srtp/gcm_rtp.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>

#include <cstring>

namespace haven::sfu::gcm_rtp {

namespace {

constexpr std::size_t kFixedHeader = 12;  // RFC 3550 §5.1
constexpr std::int64_t kSeqMedian = 1 << 15;
constexpr std::int64_t kSeqMax = 1 << 16;

// RFC 3711 §4.3.3 labels for the SRTP (not SRTCP) session keys.
constexpr std::uint8_t kLabelEncryptionKey = 0x00;
constexpr std::uint8_t kLabelSalt = 0x02;

// One block of the AES-CM PRF keystream (RFC 3711 §4.3.1 with kdr = 0, so r = 0):
// AES_k((salt112 XOR (label << 48)) · 2^16), first `out.size()` (≤ 16) bytes.
bool prf(EVP_CIPHER_CTX* ecb, const std::array<std::uint8_t, 14>& salt112, std::uint8_t label,
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
  OPENSSL_cleanse(block.data(), block.size());
  return ok;
}

}  // namespace

SessionKeys::~SessionKeys() {
  OPENSSL_cleanse(key.data(), key.size());
  OPENSSL_cleanse(salt.data(), salt.size());
}

bool derive_session_keys(std::span<const std::uint8_t> key_salt, SessionKeys& out) noexcept {
  if (key_salt.size() != kKeySize + kSaltSize) return false;
  // Erratum 4938: the 96-bit master salt times 2^16 is the PRF's 112-bit master salt.
  std::array<std::uint8_t, 14> salt112{};
  std::memcpy(salt112.data(), key_salt.data() + kKeySize, kSaltSize);
  ossl::CipherCtx ecb(EVP_CIPHER_CTX_new());
  const bool ok =
      ecb &&
      EVP_EncryptInit_ex(ecb.get(), EVP_aes_128_ecb(), nullptr, key_salt.data(), nullptr) == 1 &&
      EVP_CIPHER_CTX_set_padding(ecb.get(), 0) == 1 &&
      prf(ecb.get(), salt112, kLabelEncryptionKey, out.key) &&
      prf(ecb.get(), salt112, kLabelSalt, out.salt);
  OPENSSL_cleanse(salt112.data(), salt112.size());
  if (!ok) ERR_clear_error();
  return ok;
}

ossl::CipherCtx make_context(std::span<const std::uint8_t, kKeySize> key, bool encrypt) noexcept {
  ossl::CipherCtx ctx(EVP_CIPHER_CTX_new());
  const bool ok = ctx && EVP_CipherInit_ex(ctx.get(), EVP_aes_128_gcm(), nullptr, key.data(),
                                           nullptr, encrypt ? 1 : 0) == 1;
  if (!ok) {
    ERR_clear_error();
    ctx.reset();
  }
  return ctx;
}

std::size_t header_length(std::span<const std::uint8_t> packet) noexcept {
  if (packet.size() < kFixedHeader) return 0;
  std::size_t length = kFixedHeader + 4u * (packet[0] & 0x0f);
  if ((packet[0] & 0x10) != 0) {
    if (packet.size() < length + 4) return 0;
    length += 4 + 4u * static_cast<std::size_t>(packet[length + 2] << 8 | packet[length + 3]);
  }
  return length <= packet.size() ? length : 0;
}

std::int64_t estimate_index(std::uint64_t highest, std::uint16_t seq,
                            std::uint64_t& guess) noexcept {
  if (highest <= static_cast<std::uint64_t>(kSeqMedian)) {
    guess = seq;
    return static_cast<std::int64_t>(seq) - static_cast<std::int64_t>(highest);
  }
  const std::uint64_t roc = highest >> 16;
  const auto local = static_cast<std::int64_t>(highest & 0xffff);
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

std::array<std::uint8_t, kSaltSize> make_iv(const std::array<std::uint8_t, kSaltSize>& salt,
                                            const std::uint8_t* packet,
                                            std::uint64_t index) noexcept {
  std::array<std::uint8_t, kSaltSize> iv{};
  std::memcpy(iv.data() + 2, packet + 8, 4);  // SSRC
  const auto roc = static_cast<std::uint32_t>(index >> 16);
  iv[6] = static_cast<std::uint8_t>(roc >> 24);
  iv[7] = static_cast<std::uint8_t>(roc >> 16);
  iv[8] = static_cast<std::uint8_t>(roc >> 8);
  iv[9] = static_cast<std::uint8_t>(roc);
  iv[10] = packet[2];  // SEQ
  iv[11] = packet[3];
  for (std::size_t i = 0; i < kSaltSize; ++i) iv[i] ^= salt[i];
  return iv;
}

SrtpStatus ReplayWindow::check(std::int64_t delta, std::uint64_t index) const noexcept {
  if (delta > 0) return SrtpStatus::ok;
  if (delta <= -size_) return SrtpStatus::replay_old;
  return seen_.test(index) ? SrtpStatus::replay_fail : SrtpStatus::ok;
}

void ReplayWindow::add(std::int64_t delta, std::uint64_t index) noexcept {
  if (delta > 0) {
    if (delta >= size_) {
      seen_.clear();
    } else {
      for (std::uint64_t i = highest_ + 1; i < index; ++i) seen_.set(i, false);
    }
    highest_ = index;
  }
  seen_.set(index, true);
}

}  // namespace haven::sfu::gcm_rtp
