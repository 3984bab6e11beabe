#include "util/secret_bytes.h"

#include <sodium.h>

#include <stdexcept>

namespace haven {

void init_sodium() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
}

std::vector<std::uint8_t> random_bytes(std::size_t n) {
  std::vector<std::uint8_t> out(n);
  randombytes_buf(out.data(), out.size());
  return out;
}

std::string random_token() {
  auto bytes = random_bytes(32);
  auto token = to_base64url(bytes.data(), bytes.size());
  sodium_memzero(bytes.data(), bytes.size());
  return token;
}

std::string random_id() {
  auto bytes = random_bytes(16);
  return to_hex(bytes.data(), bytes.size());
}

std::string to_hex(const std::uint8_t* data, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), data, n);
  out.pop_back();
  return out;
}

std::string to_base64url(const std::uint8_t* data, std::size_t n) {
  constexpr int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(n, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, variant);
  out.resize(out.size() - 1);  // drop the terminating NUL
  return out;
}

std::optional<std::vector<std::uint8_t>> from_base64url(std::string_view text) {
  std::vector<std::uint8_t> out(text.size());
  std::size_t len = 0;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0) {
    return std::nullopt;
  }
  out.resize(len);
  return out;
}

std::string to_base64(const std::uint8_t* data, std::size_t n) {
  std::string out(sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), data, n, sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the terminating NUL
  return out;
}

std::optional<std::vector<std::uint8_t>> from_base64(std::string_view text) {
  std::vector<std::uint8_t> out(text.size() / 4 * 3 + 3);
  std::size_t len = 0;
  const char* end = nullptr;
  if (sodium_base642bin(out.data(), out.size(), text.data(), text.size(), nullptr, &len, &end,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(len);
  if (to_base64(out.data(), out.size()) != text) return std::nullopt;  // canonical only
  return out;
}

std::string token_hash(std::string_view token) {
  std::uint8_t digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(token.data()), token.size());
  return to_hex(digest, sizeof digest);
}

bool secure_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;  // lengths are not secret here (fixed-size digests)
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace haven
