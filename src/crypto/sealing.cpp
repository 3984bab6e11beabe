#include "crypto/sealing.h"

#include <sodium.h>

#include <cstdint>
#include <vector>

#include "util/secret_bytes.h"

namespace haven {
namespace {

constexpr std::string_view kFieldPrefix = "hv1:";
constexpr std::size_t kKeyIdLength = 32;
constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == SecretKey::kSize);

// Associated data: a domain tag, then each part as a 4-byte big-endian length and its
// bytes, so no two different (table, column, row, key) tuples encode alike.
std::vector<std::uint8_t> associated_data(std::string_view domain,
                                          std::initializer_list<std::string_view> parts) {
  std::vector<std::uint8_t> out(domain.begin(), domain.end());
  for (auto part : parts) {
    const auto n = static_cast<std::uint32_t>(part.size());
    for (int shift = 24; shift >= 0; shift -= 8)
      out.push_back(static_cast<std::uint8_t>(n >> shift));
    out.insert(out.end(), part.begin(), part.end());
  }
  return out;
}

std::vector<std::uint8_t> field_ad(std::string_view key_id, const FieldRef& where) {
  return associated_data("haven.field.v1", {where.table, where.column, where.row_id, key_id});
}

std::vector<std::uint8_t> wrap_ad(std::string_view key_id, std::string_view subject) {
  return associated_data("haven.wrap.v1", {key_id, subject});
}

// nonce ‖ ciphertext ‖ tag, random nonce.
std::vector<std::uint8_t> aead_seal(const std::uint8_t* key, const std::vector<std::uint8_t>& ad,
                                    const std::uint8_t* plain, std::size_t plain_len) {
  std::vector<std::uint8_t> out(kNonce + plain_len + kTag);
  randombytes_buf(out.data(), kNonce);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(out.data() + kNonce, &len, plain, plain_len, ad.data(),
                                             ad.size(), nullptr, out.data(), key);
  return out;
}

// Decrypts into `plain` (room for bytes.size() - kNonce - kTag); false when it does not verify.
bool aead_open(const std::uint8_t* key, const std::vector<std::uint8_t>& ad,
               const std::vector<std::uint8_t>& bytes, std::uint8_t* plain) {
  if (bytes.size() < kNonce + kTag) return false;
  unsigned long long len = 0;
  return crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &len, nullptr, bytes.data() + kNonce,
                                                    bytes.size() - kNonce, ad.data(), ad.size(),
                                                    bytes.data(), key) == 0;
}

bool is_key_id(std::string_view text) {
  if (text.size() != kKeyIdLength) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

std::string seal_field(const SecretKey& key, std::string_view key_id, const FieldRef& where,
                       std::string_view plaintext) {
  auto bytes = aead_seal(key.data(), field_ad(key_id, where),
                         reinterpret_cast<const std::uint8_t*>(plaintext.data()), plaintext.size());
  std::string out(kFieldPrefix);
  out.append(key_id).append(":").append(to_base64url(bytes.data(), bytes.size()));
  return out;
}

std::optional<std::string> sealed_key_id(std::string_view sealed) {
  if (sealed.substr(0, kFieldPrefix.size()) != kFieldPrefix) return std::nullopt;
  auto rest = sealed.substr(kFieldPrefix.size());
  if (rest.size() <= kKeyIdLength + 1 || rest[kKeyIdLength] != ':') return std::nullopt;
  auto id = rest.substr(0, kKeyIdLength);
  if (!is_key_id(id)) return std::nullopt;
  return std::string(id);
}

std::optional<std::string> open_field(const SecretKey& key, std::string_view key_id,
                                      const FieldRef& where, std::string_view sealed) {
  if (sealed_key_id(sealed) != key_id) return std::nullopt;
  auto bytes = from_base64url(sealed.substr(kFieldPrefix.size() + kKeyIdLength + 1));
  if (!bytes || bytes->size() < kNonce + kTag) return std::nullopt;
  std::string plain(bytes->size() - kNonce - kTag, '\0');
  if (!aead_open(key.data(), field_ad(key_id, where), *bytes,
                 reinterpret_cast<std::uint8_t*>(plain.data()))) {
    return std::nullopt;
  }
  return plain;
}

std::string wrap_key(const SecretKey& kek, std::string_view key_id, std::string_view subject,
                     const SecretKey& data_key) {
  auto bytes = aead_seal(kek.data(), wrap_ad(key_id, subject), data_key.data(), SecretKey::kSize);
  return to_base64url(bytes.data(), bytes.size());
}

std::optional<SecretKey> unwrap_key(const SecretKey& kek, std::string_view key_id,
                                    std::string_view subject, std::string_view wrapped) {
  auto bytes = from_base64url(wrapped);
  if (!bytes || bytes->size() != kNonce + SecretKey::kSize + kTag) return std::nullopt;
  const auto ad = wrap_ad(key_id, subject);
  return SecretKey::filled_by(
      [&](std::uint8_t* out) { return aead_open(kek.data(), ad, *bytes, out); });
}

std::string normalise_for_index(std::string_view email) {
  auto begin = email.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  auto end = email.find_last_not_of(" \t");
  std::string out(email.substr(begin, end - begin + 1));
  for (auto& ch : out) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return out;
}

std::string blind_index(const SecretKey& index_key, std::string_view email) {
  static constexpr std::string_view kDomain = "haven.email-index.v1";
  const std::string normal = normalise_for_index(email);
  std::uint8_t out[32];
  crypto_generichash_state state;
  crypto_generichash_init(&state, index_key.data(), SecretKey::kSize, sizeof out);
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(kDomain.data()),
                            kDomain.size() + 1);  // with the NUL: the tag ends unambiguously
  crypto_generichash_update(&state, reinterpret_cast<const unsigned char*>(normal.data()),
                            normal.size());
  crypto_generichash_final(&state, out, sizeof out);
  sodium_memzero(&state, sizeof state);
  return to_hex(out, sizeof out);
}

std::string kek_id_of(const SecretKey& kek) {
  static constexpr std::string_view kTagText = "haven.kek-id.v1";
  std::uint8_t out[crypto_generichash_BYTES_MIN];  // 16: BLAKE2b's shortest output here
  crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char*>(kTagText.data()),
                     kTagText.size(), kek.data(), SecretKey::kSize);
  return to_hex(out, 8);  // 64 bits name a handful of keys without collision
}

}  // namespace haven
