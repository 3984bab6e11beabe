// Envelope-encryption primitives (no storage here; store/field_sealer.h uses them):
//  - fields: XChaCha20-Poly1305 (libsodium, RFC 8439 AEAD with the 192-bit XChaCha
//    nonce of draft-irtf-cfrg-xchacha) under a data key, a fresh random 24-byte nonce
//    per value (random nonces are safe at 2^192: no counter to keep), and associated data
//    naming the table, column, row id and key id, so a ciphertext copied to another row
//    or column, or relabelled with another key id, fails to open (HIPAA 164.312(a)(2)(iv),
//    164.312(c)(1) integrity);
//  - data keys: wrapped by a master key (KEK) with the same AEAD, associated data = key
//    id + subject, so a wrapped key cannot be moved to another subject (NIST SP 800-57
//    Pt. 1 §6.2.1.3: keys bound to their intended use);
//  - blind index: a keyed BLAKE2b hash of a normalised email, so sign-in can find an
//    account by email without the address being stored in clear.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret_key.h"

namespace haven {

// Where a sealed value lives. All three parts go into the associated data.
struct FieldRef {
  std::string_view table;
  std::string_view column;
  std::string_view row_id;
};

// Sealed text: "hv1:" key id ":" base64url(nonce ‖ ciphertext ‖ tag). The key id is a
// 32-character lowercase hex id (data_keys.key_id).
std::string seal_field(const SecretKey& key, std::string_view key_id, const FieldRef& where,
                       std::string_view plaintext);

// nullopt when the text is not sealed under key_id for this place, or was altered.
std::optional<std::string> open_field(const SecretKey& key, std::string_view key_id,
                                      const FieldRef& where, std::string_view sealed);

// The key id of a sealed value, or nullopt when the text is not in the sealed format.
std::optional<std::string> sealed_key_id(std::string_view sealed);

// base64url(nonce ‖ wrapped key ‖ tag).
std::string wrap_key(const SecretKey& kek, std::string_view key_id, std::string_view subject,
                     const SecretKey& data_key);
// nullopt when the KEK is wrong or key id / subject / bytes do not match.
std::optional<SecretKey> unwrap_key(const SecretKey& kek, std::string_view key_id,
                                    std::string_view subject, std::string_view wrapped);

// Trimmed of ASCII spaces and tabs, ASCII letters lower-cased: the same form the API
// stores (api/user_view.h normalize_email), so "Ann@X.org " and "ann@x.org" index alike.
std::string normalise_for_index(std::string_view email);

// 64 hex characters: BLAKE2b-256 keyed with the index key over a domain tag and the
// normalised email. Deterministic (it must be, to look up), so equal addresses share an
// index value; without the key the value reveals nothing and cannot be brute-forced
// from a list of likely addresses.
std::string blind_index(const SecretKey& index_key, std::string_view email);

// A public name for a master key: 16 hex characters of a keyed BLAKE2b over a fixed tag,
// a PRF output, so it identifies the key without revealing anything about it.
std::string kek_id_of(const SecretKey& kek);

}  // namespace haven
