// Password hashing (Argon2id through libsodium) and the length policy (NIST SP 800-63B).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace haven {

// Argon2id, libsodium's INTERACTIVE limits: 2 passes over 64 MiB, one lane.
std::string hash_password(std::string_view password);

// Constant-time verification (libsodium). Also burns the same work for an unknown account
// when given an empty hash, so timing does not reveal whether the account exists.
bool verify_password(std::string_view password, const std::string& stored_hash);

inline constexpr std::size_t kMinPasswordLengthWithoutMfa = 15;
inline constexpr std::size_t kMinPasswordLengthWithMfa = 8;
inline constexpr std::size_t kMaxPasswordLength = 128;

// Counts Unicode code points of valid UTF-8 (the unit NIST's length rules use).
std::size_t utf8_length(std::string_view text);

}  // namespace haven
