#include "crypto/secret_key.h"

#include <sodium.h>

#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

namespace haven {

SecretKey::SecretKey() {
  bytes_ = static_cast<std::uint8_t*>(sodium_malloc(kSize));
  if (!bytes_) throw std::bad_alloc();
}

void SecretKey::seal_memory() {
  // Read-only rather than no-access between uses: readers on several threads share the
  // key, and flipping protections per use would race.
  if (sodium_mprotect_readonly(bytes_) != 0) throw std::runtime_error("cannot protect key memory");
}

SecretKey SecretKey::random() {
  SecretKey key;
  randombytes_buf(key.bytes_, kSize);
  key.seal_memory();
  return key;
}

SecretKey SecretKey::copy_of(std::span<const std::uint8_t> bytes) {
  if (bytes.size() != kSize) throw std::invalid_argument("key must be 32 bytes");
  SecretKey key;
  std::memcpy(key.bytes_, bytes.data(), kSize);
  key.seal_memory();
  return key;
}

std::optional<SecretKey> SecretKey::filled_by(const std::function<bool(std::uint8_t*)>& writer) {
  SecretKey key;
  if (!writer(key.bytes_)) return std::nullopt;  // sodium_free zeroes whatever was written
  key.seal_memory();
  return key;
}

SecretKey::~SecretKey() {
  if (bytes_) sodium_free(bytes_);  // makes the page writable, zeroes it, unmaps it
}

SecretKey::SecretKey(SecretKey&& other) noexcept : bytes_(std::exchange(other.bytes_, nullptr)) {}

SecretKey& SecretKey::operator=(SecretKey&& other) noexcept {
  if (this != &other) {
    if (bytes_) sodium_free(bytes_);
    bytes_ = std::exchange(other.bytes_, nullptr);
  }
  return *this;
}

}  // namespace haven
