// Test-only builders for WebAuthn inputs: a tiny CBOR encoder (RFC 8949 §3, definite lengths
// only), COSE keys from freshly generated OpenSSL keys, authenticator data and signatures.
// Production code never encodes CBOR, so the encoder lives here.
#pragma once

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <sodium.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "auth/authenticator_data.h"
#include "crypto/openssl_handles.h"
#include "util/secret_bytes.h"

namespace haven::webauthn::fixtures {

using Bytes = std::vector<std::uint8_t>;

// --- CBOR encoder -------------------------------------------------------------------------

inline Bytes head(int major, std::uint64_t n) {
  Bytes out;
  auto m = static_cast<std::uint8_t>(major << 5);
  if (n < 24) {
    out.push_back(static_cast<std::uint8_t>(m | n));
  } else {
    // §3: additional information 24..27 announce a 1, 2, 4 or 8 byte argument.
    int info = n <= 0xFF ? 24 : n <= 0xFFFF ? 25 : n <= 0xFFFFFFFFu ? 26 : 27;
    out.push_back(static_cast<std::uint8_t>(m | info));
    for (int k = (1 << (info - 24)) - 1; k >= 0; --k) {
      out.push_back(static_cast<std::uint8_t>(n >> (8 * k)));
    }
  }
  return out;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

inline Bytes cbor_int(std::int64_t v) {
  return v >= 0 ? head(0, static_cast<std::uint64_t>(v))
                : head(1, static_cast<std::uint64_t>(-1 - v));
}
inline Bytes cbor_bytes(const Bytes& b) {
  return cat({head(2, b.size()), b});
}
inline Bytes cbor_text(std::string_view s) {
  return cat({head(3, s.size()), Bytes(s.begin(), s.end())});
}
// A map from already-encoded key/value pairs, in the given order.
inline Bytes cbor_map(const std::vector<std::pair<Bytes, Bytes>>& entries) {
  Bytes out = head(5, entries.size());
  for (const auto& [k, v] : entries) out = cat({out, k, v});
  return out;
}

inline Bytes bytes_of(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

// --- keys -----------------------------------------------------------------------------------

inline ossl::PKey generate_p256() {
  ossl::PKey key(EVP_EC_gen("P-256"));
  ossl::check(key != nullptr, "EVP_EC_gen");
  return key;
}

inline ossl::PKey generate_ed25519() {
  ossl::PKey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519"));
  ossl::check(key != nullptr, "EVP_PKEY_Q_keygen");
  return key;
}

// RFC 9053 §7.1.1: {1: 2, 3: -7, -1: 1, -2: x, -3: y}, CTAP2 canonical key order.
inline Bytes es256_cose_from_point(const Bytes& x, const Bytes& y) {
  return cbor_map({{cbor_int(1), cbor_int(2)},
                   {cbor_int(3), cbor_int(-7)},
                   {cbor_int(-1), cbor_int(1)},
                   {cbor_int(-2), cbor_bytes(x)},
                   {cbor_int(-3), cbor_bytes(y)}});
}

inline Bytes es256_cose(EVP_PKEY* key) {
  std::array<std::uint8_t, 65> point{};
  std::size_t len = 0;
  ossl::check(EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, point.data(),
                                              point.size(), &len) == 1 &&
                  len == 65 && point[0] == 0x04,
              "EVP_PKEY_get_octet_string_param");
  return es256_cose_from_point(Bytes(point.begin() + 1, point.begin() + 33),
                               Bytes(point.begin() + 33, point.end()));
}

// RFC 9053 §7.2: {1: 1, 3: -8, -1: 6, -2: x}.
inline Bytes eddsa_cose_from_x(const Bytes& x) {
  return cbor_map({{cbor_int(1), cbor_int(1)},
                   {cbor_int(3), cbor_int(-8)},
                   {cbor_int(-1), cbor_int(6)},
                   {cbor_int(-2), cbor_bytes(x)}});
}

inline Bytes eddsa_cose(EVP_PKEY* key) {
  Bytes x(32);
  std::size_t len = x.size();
  ossl::check(EVP_PKEY_get_raw_public_key(key, x.data(), &len) == 1 && len == 32,
              "EVP_PKEY_get_raw_public_key");
  return eddsa_cose_from_x(x);
}

inline Bytes sign(EVP_PKEY* key, const Bytes& message) {
  ossl::MdCtx ctx(EVP_MD_CTX_new());
  const EVP_MD* md = EVP_PKEY_get_id(key) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
  ossl::check(ctx && EVP_DigestSignInit(ctx.get(), nullptr, md, nullptr, key) == 1,
              "EVP_DigestSignInit");
  std::size_t len = 0;
  ossl::check(EVP_DigestSign(ctx.get(), nullptr, &len, message.data(), message.size()) == 1,
              "EVP_DigestSign");
  Bytes sig(len);
  ossl::check(EVP_DigestSign(ctx.get(), sig.data(), &len, message.data(), message.size()) == 1,
              "EVP_DigestSign");
  sig.resize(len);
  return sig;
}

// --- WebAuthn structures ------------------------------------------------------------------

inline Bytes sha256(std::string_view s) {
  Bytes out(crypto_hash_sha256_BYTES);
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return out;
}

// §6.1 with optional attested credential data (§6.5.1) and extensions.
inline Bytes auth_data(std::string_view rp_id, std::uint8_t flags, std::uint32_t sign_count,
                       const Bytes& credential_id = {}, const Bytes& cose_key = {},
                       const Bytes& extensions = {}) {
  Bytes out = sha256(rp_id);
  out.push_back(flags);
  for (int k = 3; k >= 0; --k) out.push_back(static_cast<std::uint8_t>(sign_count >> (8 * k)));
  if (flags & auth_flags::kAttested) {
    out.insert(out.end(), 16, 0);  // aaguid: zero, as browsers send with attestation "none"
    out.push_back(static_cast<std::uint8_t>(credential_id.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(credential_id.size()));
    out = cat({out, credential_id, cose_key});
  }
  return cat({out, extensions});
}

// §6.5.4: {"fmt": fmt, "attStmt": att_stmt, "authData": auth_data}.
inline Bytes attestation_object(const Bytes& auth, std::string_view fmt = "none",
                                const Bytes& att_stmt = cbor_map({})) {
  return cbor_map({{cbor_text("fmt"), cbor_text(fmt)},
                   {cbor_text("attStmt"), att_stmt},
                   {cbor_text("authData"), cbor_bytes(auth)}});
}

inline std::string client_data(std::string_view type, const Bytes& challenge,
                               std::string_view origin, std::string_view extra = "") {
  return std::string(R"({"type":")") + std::string(type) + R"(","challenge":")" +
         to_base64url(challenge.data(), challenge.size()) + R"(","origin":")" +
         std::string(origin) + "\"" + std::string(extra) + "}";
}

}  // namespace haven::webauthn::fixtures
