// A 32-byte symmetric key in a libsodium guarded allocation: sodium_malloc puts it
// between guard pages, locks it in RAM (no swap, no core dump where the OS honours
// MADV_DONTDUMP), and the page is made read-only once the key is written
// (sodium_mprotect_readonly), so a stray write faults instead of corrupting it.
// sodium_free zeroes it on destruction. Unwrapped data keys and master keys (KEKs) only
// ever live in one of these (NIST SP 800-57 Pt. 1 §6.2.2: protect keys in use).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>

namespace haven {

class SecretKey {
 public:
  static constexpr std::size_t kSize = 32;

  // Fresh random key (randombytes_buf: the OS CSPRNG).
  static SecretKey random();
  // Copies exactly kSize bytes; throws std::invalid_argument otherwise (no key in the message).
  static SecretKey copy_of(std::span<const std::uint8_t> bytes);
  // writer fills the kSize bytes in place (so a decrypted key never sits in ordinary
  // memory) and returns false on failure, which gives nullopt.
  static std::optional<SecretKey> filled_by(const std::function<bool(std::uint8_t*)>& writer);

  ~SecretKey();
  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;

  const std::uint8_t* data() const { return bytes_; }
  std::span<const std::uint8_t> bytes() const { return {bytes_, kSize}; }

 private:
  SecretKey();         // a sodium_malloc buffer, still writable
  void seal_memory();  // read-only from here on

  std::uint8_t* bytes_ = nullptr;
};

}  // namespace haven
