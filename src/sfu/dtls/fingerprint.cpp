#include "sfu/dtls/fingerprint.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <array>

#include "crypto/openssl_handles.h"

namespace haven::sfu {

namespace {

constexpr std::size_t kMaxValueLength = 512;  // "sha-512 " + 64*3 - 1 is 199; allow slack

const EVP_MD* digest_for(FingerprintAlgorithm algorithm) {
  switch (algorithm) {
    case FingerprintAlgorithm::sha256:
      return EVP_sha256();
    case FingerprintAlgorithm::sha384:
      return EVP_sha384();
    case FingerprintAlgorithm::sha512:
      return EVP_sha512();
  }
  return nullptr;
}

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  c = ascii_lower(c);
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

std::string_view fingerprint_algorithm_name(FingerprintAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case FingerprintAlgorithm::sha256:
      return "sha-256";
    case FingerprintAlgorithm::sha384:
      return "sha-384";
    case FingerprintAlgorithm::sha512:
      return "sha-512";
  }
  return "sha-256";
}

std::size_t fingerprint_digest_length(FingerprintAlgorithm algorithm) noexcept {
  switch (algorithm) {
    case FingerprintAlgorithm::sha256:
      return 32;
    case FingerprintAlgorithm::sha384:
      return 48;
    case FingerprintAlgorithm::sha512:
      return 64;
  }
  return 0;
}

std::string format_fingerprint_hex(std::span<const std::uint8_t> digest) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(digest.size() * 3);
  for (std::size_t i = 0; i < digest.size(); ++i) {
    if (i != 0) out.push_back(':');
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 0x0f]);
  }
  return out;
}

std::string Fingerprint::to_sdp() const {
  std::string out(fingerprint_algorithm_name(algorithm));
  out.push_back(' ');
  out += format_fingerprint_hex(digest);
  return out;
}

std::optional<Fingerprint> parse_fingerprint(std::string_view value) noexcept {
  try {
    if (value.size() > kMaxValueLength) return std::nullopt;
    value = trim(value);
    std::size_t space = 0;
    while (space < value.size() && !is_space(value[space])) ++space;
    if (space == value.size()) return std::nullopt;
    std::string_view name = value.substr(0, space);
    std::string_view hex = trim(value.substr(space));

    Fingerprint fp;
    if (iequals(name, "sha-256")) {
      fp.algorithm = FingerprintAlgorithm::sha256;
    } else if (iequals(name, "sha-384")) {
      fp.algorithm = FingerprintAlgorithm::sha384;
    } else if (iequals(name, "sha-512")) {
      fp.algorithm = FingerprintAlgorithm::sha512;
    } else {
      return std::nullopt;
    }

    // Exactly N pairs separated by single colons: N*3-1 characters.
    const std::size_t n = fingerprint_digest_length(fp.algorithm);
    if (hex.size() != n * 3 - 1) return std::nullopt;
    fp.digest.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t at = i * 3;
      if (i != 0 && hex[at - 1] != ':') return std::nullopt;
      const int hi = hex_value(hex[at]);
      const int lo = hex_value(hex[at + 1]);
      if (hi < 0 || lo < 0) return std::nullopt;
      fp.digest.push_back(static_cast<std::uint8_t>(hi << 4 | lo));
    }
    return fp;
  } catch (...) {
    return std::nullopt;
  }
}

std::optional<Fingerprint> compute_fingerprint(X509* certificate,
                                               FingerprintAlgorithm algorithm) noexcept {
  try {
    if (certificate == nullptr) return std::nullopt;
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int length = 0;
    if (X509_digest(certificate, digest_for(algorithm), md.data(), &length) != 1 ||
        length != fingerprint_digest_length(algorithm)) {
      ossl::clear_errors();
      return std::nullopt;
    }
    return Fingerprint{algorithm, std::vector<std::uint8_t>(md.begin(), md.begin() + length)};
  } catch (...) {
    return std::nullopt;
  }
}

bool fingerprint_matches(const Fingerprint& expected, X509* certificate) noexcept {
  auto actual = compute_fingerprint(certificate, expected.algorithm);
  if (!actual || actual->digest.size() != expected.digest.size()) return false;
  return CRYPTO_memcmp(actual->digest.data(), expected.digest.data(), expected.digest.size()) == 0;
}

}  // namespace haven::sfu
