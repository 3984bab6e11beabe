// A minimal, strict CBOR decoder (RFC 8949) for the structures WebAuthn sends: the
// attestationObject, COSE keys and authenticator extensions. It accepts only what CTAP2
// authenticators produce and refuses everything else, so hostile input has little surface:
//   - major types 0-5 and the simple values false, true and null (RFC 8949 §3.3);
//   - no indefinite lengths, tags, floats, undefined or other simple values;
//   - negative integers must fit int64 (-2^63 .. -1); unsigned ones may use all 64 bits;
//   - text strings must be valid UTF-8 (RFC 8949 §3.1, major type 3);
//   - map keys must be integers or text strings, and may not repeat (RFC 8949 §5.6);
//   - at most kCborMaxInput bytes, kCborMaxDepth nested containers, kCborMaxItems per container.
// Non-minimal ("non-preferred") length encodings are accepted: nothing here is re-encoded or
// compared as a re-encoding, and signatures always cover the raw bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace haven::webauthn {

inline constexpr std::size_t kCborMaxInput = 64 * 1024;
inline constexpr std::size_t kCborMaxDepth = 16;
inline constexpr std::size_t kCborMaxItems = 256;

enum class CborType { unsigned_int, negative_int, bytes, text, array, map, boolean, null };

// A map entry. Not std::pair: a pair of a still-incomplete type cannot be named inside the
// type's own definition portably (libstdc++ accepts it under GCC, not under clang).
struct CborEntry;

struct CborValue {
  CborType type = CborType::null;
  std::uint64_t uint_value = 0;     // unsigned_int
  std::int64_t int_value = 0;       // negative_int: the value itself, e.g. -7
  bool bool_value = false;          // boolean
  std::vector<std::uint8_t> bytes;  // bytes
  std::string text;                 // text (valid UTF-8)
  std::vector<CborValue> items;     // array
  std::vector<CborEntry> entries;   // map, in encoded order

  bool is_map() const { return type == CborType::map; }
  bool is_bytes() const { return type == CborType::bytes; }
  bool is_text() const { return type == CborType::text; }
  bool is_integer() const {
    return type == CborType::unsigned_int || type == CborType::negative_int;
  }
  // The integer when it fits int64 (COSE labels and algorithm ids always do).
  std::optional<std::int64_t> as_int() const;

  // Map lookups; nullptr when this is not a map or the key is absent.
  const CborValue* find(std::int64_t key) const;
  const CborValue* find(std::string_view key) const;
};

struct CborEntry {
  CborValue key;
  CborValue value;
};

enum class CborError {
  none,
  empty,
  truncated,
  too_large,
  too_deep,
  too_many_items,
  indefinite_length,
  tag,
  unsupported_simple,  // floats, undefined, simple(n), break
  reserved_encoding,   // additional information 28-30
  integer_overflow,
  invalid_utf8,
  bad_map_key,
  duplicate_key,
  trailing_bytes,
};

const char* cbor_error_name(CborError error);

struct CborResult {
  CborError error = CborError::none;
  CborValue value;
  std::size_t consumed = 0;  // bytes of the one decoded item
  bool ok() const { return error == CborError::none; }
};

// Decodes exactly one item that must span the whole input (trailing bytes are refused).
CborResult decode_cbor(std::span<const std::uint8_t> input);

// Decodes the first item and reports in `consumed` how many bytes it took; what follows is
// left to the caller (authenticator data puts the extensions map after the public key).
CborResult decode_cbor_prefix(std::span<const std::uint8_t> input);

}  // namespace haven::webauthn
