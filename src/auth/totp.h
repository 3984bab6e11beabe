// Time-based one-time passwords: RFC 4226 (HOTP) over RFC 6238 time steps, HMAC-SHA1,
// 6 digits, 30-second steps, accepting one step either side for clock drift.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace haven::totp {

inline constexpr std::int64_t kStepSeconds = 30;
inline constexpr int kDigits = 6;

// RFC 4648 §6 base32 (upper case, no padding): how authenticator apps take the secret.
std::string base32_encode(const std::vector<std::uint8_t>& bytes);
std::optional<std::vector<std::uint8_t>> base32_decode(std::string_view text);

// RFC 4226 §5.3: dynamic truncation of HMAC-SHA1(key, counter), `digits` long, zero-padded.
std::string hotp(const std::vector<std::uint8_t>& key, std::uint64_t counter, int digits = kDigits);

// The step a unix time falls in (RFC 6238 §4.2, T0 = 0).
inline std::int64_t step_at(std::int64_t unix_seconds) {
  return unix_seconds / kStepSeconds;
}

// The matching step within ±1 of now's step that is later than last_used_step, or
// nullopt. Rejecting steps <= last_used_step makes each code usable once (RFC 6238 §5.2).
std::optional<std::int64_t> verify(const std::vector<std::uint8_t>& key, std::string_view code,
                                   std::int64_t now, std::int64_t last_used_step);

// otpauth://totp/Haven:<account>?secret=...&issuer=Haven&algorithm=SHA1&digits=6&period=30
std::string otpauth_uri(const std::string& account_label, const std::string& base32_secret);

}  // namespace haven::totp
