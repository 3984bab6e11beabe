// Random tokens, encodings and constant-time comparison, all over libsodium.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haven {

// Must run once before any other libsodium call (sodium_init is idempotent and thread-safe).
void init_sodium();

std::vector<std::uint8_t> random_bytes(std::size_t n);

// A fresh 256-bit token, base64url without padding (43 characters): URL- and cookie-safe.
std::string random_token();

// An opaque id for rows and requests: 128 random bits as 32 lowercase hex characters.
std::string random_id();

std::string to_hex(const std::uint8_t* data, std::size_t n);
std::string to_base64url(const std::uint8_t* data, std::size_t n);
std::optional<std::vector<std::uint8_t>> from_base64url(std::string_view text);
// Standard base64 with padding (RFC 4648 §4), as browsers' btoa writes it; decoding
// accepts only the canonical form.
std::string to_base64(const std::uint8_t* data, std::size_t n);
std::optional<std::vector<std::uint8_t>> from_base64(std::string_view text);

// SHA-256 of a token, hex: what the database stores instead of the token itself.
std::string token_hash(std::string_view token);

// Constant-time equality (sodium_memcmp): use for every secret or digest.
bool secure_equal(std::string_view a, std::string_view b);

}  // namespace haven
