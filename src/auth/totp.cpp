#include "auth/totp.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <cstring>

#include "util/secret_bytes.h"

namespace haven::totp {
namespace {
constexpr const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string percent_encode(const std::string& text) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : text) {
    if (std::isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~') {
      out.push_back(static_cast<char>(ch));
    } else {
      out += '%';
      out += hex[ch >> 4];
      out += hex[ch & 0xf];
    }
  }
  return out;
}
}  // namespace

std::string base32_encode(const std::vector<std::uint8_t>& bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (auto byte : bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out.push_back(kAlphabet[(buffer >> (bits - 5)) & 31]);
      bits -= 5;
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(buffer << (5 - bits)) & 31]);
  return out;
}

std::optional<std::vector<std::uint8_t>> base32_decode(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char ch : text) {
    if (ch == ' ' || ch == '-' || ch == '=') continue;  // people type groups and padding
    char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    const char* pos = std::strchr(kAlphabet, upper);
    if (!pos || upper == '\0') return std::nullopt;
    buffer = (buffer << 5) | static_cast<std::uint32_t>(pos - kAlphabet);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::string hotp(const std::vector<std::uint8_t>& key, std::uint64_t counter, int digits) {
  std::uint8_t message[8];
  for (int i = 7; i >= 0; --i) {
    message[i] = static_cast<std::uint8_t>(counter & 0xff);
    counter >>= 8;
  }
  std::uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (!HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), message, sizeof message, mac,
            &mac_len) ||
      mac_len < 20) {
    return {};
  }
  // RFC 4226 §5.4: offset from the low nibble of the last byte, 31-bit big-endian value.
  int offset = mac[mac_len - 1] & 0x0f;
  std::uint32_t value = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                        (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                        (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                        static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t modulus = 1;
  for (int i = 0; i < digits; ++i) modulus *= 10;
  std::string code = std::to_string(value % modulus);
  return std::string(static_cast<std::size_t>(digits) - code.size(), '0') + code;
}

std::optional<std::int64_t> verify(const std::vector<std::uint8_t>& key, std::string_view code,
                                   std::int64_t now, std::int64_t last_used_step) {
  if (code.size() != static_cast<std::size_t>(kDigits)) return std::nullopt;
  std::optional<std::int64_t> match;
  const std::int64_t current = step_at(now);
  // Check every candidate (no early exit) so timing does not tell which step matched.
  for (std::int64_t step = current - 1; step <= current + 1; ++step) {
    if (step < 0) continue;
    bool equal = secure_equal(hotp(key, static_cast<std::uint64_t>(step)), code);
    if (equal && step > last_used_step && !match) match = step;
  }
  return match;
}

std::string otpauth_uri(const std::string& account_label, const std::string& base32_secret) {
  // Key URI format (Google Authenticator wiki): label "Issuer:account", issuer repeated.
  return "otpauth://totp/Haven:" + percent_encode(account_label) + "?secret=" + base32_secret +
         "&issuer=Haven&algorithm=SHA1&digits=6&period=30";
}

}  // namespace haven::totp
