// Certificate fingerprints as carried in SDP `a=fingerprint:<hash-func> <hex:hex:...>`
// (RFC 8122 §5). WebRTC authenticates the self-signed DTLS certificate only through this
// value (RFC 8827 §6.5), so parsing is strict and comparison is constant-time.
#pragma once

#include <openssl/x509.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace haven::sfu {

// SHA-1 and MD5 are valid RFC 8122 hash-func tokens but too weak to authenticate a DTLS
// peer (RFC 8122 §5: "SHA-256 ... MUST" for WebRTC, RFC 8827 §6.5); browsers send sha-256.
enum class FingerprintAlgorithm { sha256, sha384, sha512 };

std::string_view fingerprint_algorithm_name(FingerprintAlgorithm algorithm) noexcept;
std::size_t fingerprint_digest_length(FingerprintAlgorithm algorithm) noexcept;

struct Fingerprint {
  FingerprintAlgorithm algorithm = FingerprintAlgorithm::sha256;
  std::vector<std::uint8_t> digest;

  // "sha-256 AB:CD:..." — the SDP attribute value, uppercase hex as RFC 8122 §5's UHEX.
  std::string to_sdp() const;
  bool operator==(const Fingerprint&) const = default;
};

// "AB:CD:01" for {0xab, 0xcd, 0x01}.
std::string format_fingerprint_hex(std::span<const std::uint8_t> digest);

// Parses an SDP fingerprint attribute value: "<hash-func> SP <hex pairs joined by ':'>",
// hash-func and hex case-insensitively (Chrome and Firefox send uppercase hex, but the
// comparison must tolerate either: JG dtls.c). Surrounding whitespace is ignored. Returns
// nullopt for unsupported hash functions, malformed hex, or a digest of the wrong length.
std::optional<Fingerprint> parse_fingerprint(std::string_view value) noexcept;

// The certificate's DER digest with the given algorithm; nullopt only if OpenSSL fails.
std::optional<Fingerprint> compute_fingerprint(X509* certificate,
                                               FingerprintAlgorithm algorithm) noexcept;

// True iff `certificate`'s digest under expected.algorithm equals expected.digest,
// compared in constant time.
bool fingerprint_matches(const Fingerprint& expected, X509* certificate) noexcept;

}  // namespace haven::sfu
