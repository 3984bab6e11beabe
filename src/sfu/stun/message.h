// STUN messages (RFC 8489, which obsoletes RFC 5389) as WebRTC's ICE uses them: the
// header, the attributes an ICE-lite server needs, and a strict, non-throwing parser.
// The control plane owns these (they allocate); the builder is in stun/builder.h, the
// MESSAGE-INTEGRITY / FINGERPRINT arithmetic in stun/integrity.h.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sfu/ice/tuple.h"

namespace haven::sfu::stun {

inline constexpr std::uint32_t kMagicCookie = 0x2112A442;  // RFC 8489 §5
inline constexpr std::size_t kHeaderSize = 20;
inline constexpr std::size_t kAttributeHeaderSize = 4;
inline constexpr std::size_t kIntegritySize = 20;  // HMAC-SHA1 (RFC 8489 §14.5)

// Value-length limits. USERNAME: RFC 5389 §15.3 "less than 513 bytes" (RFC 8489 tightened
// it to 509; we accept the older bound). REALM, NONCE, SOFTWARE and the ERROR-CODE reason
// are "fewer than 128 characters" of UTF-8, i.e. at most 763 bytes (RFC 8489 §14).
inline constexpr std::size_t kMaxUsername = 513;
inline constexpr std::size_t kMaxText = 763;

using TransactionId = std::array<std::uint8_t, 12>;

// RFC 8489 §5: the class is two bits (C1 C0) interleaved into the 14-bit message type.
enum class MessageClass : std::uint8_t {
  request = 0,
  indication = 1,
  success_response = 2,
  error_response = 3,
};

inline constexpr std::uint16_t kMethodBinding = 0x001;

// Attribute types (RFC 8489 §18.3, RFC 8445 §16.1, draft-thatcher-ice-renomination).
// Below 0x8000 is comprehension-required, 0x8000 and above comprehension-optional.
namespace attr {
inline constexpr std::uint16_t kUsername = 0x0006;
inline constexpr std::uint16_t kMessageIntegrity = 0x0008;
inline constexpr std::uint16_t kErrorCode = 0x0009;
inline constexpr std::uint16_t kUnknownAttributes = 0x000A;
inline constexpr std::uint16_t kRealm = 0x0014;
inline constexpr std::uint16_t kNonce = 0x0015;
inline constexpr std::uint16_t kMessageIntegritySha256 = 0x001C;
inline constexpr std::uint16_t kXorMappedAddress = 0x0020;
inline constexpr std::uint16_t kPriority = 0x0024;
inline constexpr std::uint16_t kUseCandidate = 0x0025;
inline constexpr std::uint16_t kSoftware = 0x8022;
inline constexpr std::uint16_t kFingerprint = 0x8028;
inline constexpr std::uint16_t kIceControlled = 0x8029;
inline constexpr std::uint16_t kIceControlling = 0x802A;
inline constexpr std::uint16_t kNomination = 0xC001;

constexpr bool comprehension_required(std::uint16_t type) noexcept {
  return type < 0x8000;
}
}  // namespace attr

// The 14-bit message type for a class and a 12-bit method (RFC 8489 §5, figure 3).
constexpr std::uint16_t message_type(MessageClass c, std::uint16_t method) noexcept {
  const auto cls = static_cast<std::uint16_t>(c);
  return static_cast<std::uint16_t>((method & 0x000F) | ((method & 0x0070) << 1) |
                                    ((method & 0x0F80) << 2) | ((cls & 0x1) << 4) |
                                    ((cls & 0x2) << 7));
}

struct ErrorCode {
  std::uint16_t code = 0;  // 300–699: class (hundreds) and number (RFC 8489 §14.8)
  std::string reason;
  friend bool operator==(const ErrorCode&, const ErrorCode&) = default;
};

// A parsed message. Only the first occurrence of each attribute counts (RFC 8489 §14);
// attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored (§14.5).
struct Message {
  MessageClass message_class = MessageClass::request;
  std::uint16_t method = kMethodBinding;
  TransactionId transaction_id{};

  std::optional<std::string> username;  // raw bytes, ≤ kMaxUsername
  std::optional<std::string> realm;
  std::optional<std::string> nonce;
  std::optional<std::string> software;
  std::optional<ErrorCode> error_code;
  std::vector<std::uint16_t> unknown_attributes;  // UNKNOWN-ATTRIBUTES (in 420 answers)
  std::optional<Tuple> xor_mapped_address;
  std::optional<std::uint32_t> priority;
  bool use_candidate = false;
  std::optional<std::uint64_t> ice_controlling;  // tie-breaker
  std::optional<std::uint64_t> ice_controlled;   // tie-breaker
  std::optional<std::uint32_t> nomination;

  // Byte offset of the MESSAGE-INTEGRITY attribute, if present. parse() does not check
  // it (it has no key): call verify_message_integrity() on the same bytes.
  std::optional<std::size_t> integrity_offset;
  // FINGERPRINT was present (last, as required) and matched; parse() fails otherwise.
  bool has_fingerprint = false;
  // Comprehension-required attribute types this parser does not understand, in order of
  // first appearance: a server answers a request carrying any with 420 (RFC 8489 §6.3.1).
  std::vector<std::uint16_t> unknown_required;

  bool has_integrity() const noexcept { return integrity_offset.has_value(); }
};

enum class ParseError {
  none,
  too_short,            // < 20 bytes
  too_long,             // > kMaxDatagram
  not_stun,             // top two bits of the type are not zero
  bad_magic_cookie,     // RFC 3489 messages (no cookie) are not accepted
  bad_length,           // length field not a multiple of 4 or not the remaining size
  truncated_attribute,  // a TLV runs past the end
  malformed_attribute,  // a known attribute with an impossible length or value
  attribute_after_fingerprint,
  bad_fingerprint,
};

const char* to_string(ParseError error) noexcept;

// Parses one datagram. Checks the header (RFC 8489 §6.3), every attribute's TLV framing
// and 4-byte padding (§14; padding content is ignored), the known attributes' values,
// that FINGERPRINT is last and matches (§14.7). Never throws on any input (may throw only
// std::bad_alloc); on failure returns nullopt and sets *error if given.
std::optional<Message> parse(std::span<const std::uint8_t> data, ParseError* error = nullptr);

}  // namespace haven::sfu::stun
