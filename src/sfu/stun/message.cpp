#include "sfu/stun/message.h"

#include <algorithm>

#include "sfu/limits.h"
#include "sfu/stun/integrity.h"
#include "sfu/stun/wire.h"

namespace haven::sfu::stun {
namespace {

using Bytes = std::span<const std::uint8_t>;

std::string to_text(Bytes value) {
  return std::string(value.begin(), value.end());
}

// XOR-MAPPED-ADDRESS (RFC 8489 §14.2): port XOR the cookie's top 16 bits, IPv4 address
// XOR the cookie, IPv6 address XOR cookie ‖ transaction id.
std::optional<Tuple> decode_xor_address(Bytes value, const TransactionId& id) {
  if (value.size() < 4) return std::nullopt;
  const std::uint8_t family = value[1];
  const auto port = static_cast<std::uint16_t>(wire::load16(value, 2) ^ (kMagicCookie >> 16));
  std::array<std::uint8_t, 16> mask{};
  wire::store16(mask, 0, static_cast<std::uint16_t>(kMagicCookie >> 16));
  wire::store16(mask, 2, static_cast<std::uint16_t>(kMagicCookie));
  std::copy(id.begin(), id.end(), mask.begin() + 4);
  if (family == 0x01 && value.size() == 8) {
    std::array<std::uint8_t, 4> a{};
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = value[4 + i] ^ mask[i];
    return Tuple::v4(a, port);
  }
  if (family == 0x02 && value.size() == 20) {
    std::array<std::uint8_t, 16> a{};
    for (std::size_t i = 0; i < a.size(); ++i) a[i] = value[4 + i] ^ mask[i];
    return Tuple::v6(a, port);
  }
  return std::nullopt;
}

// ERROR-CODE (RFC 8489 §14.8): 21 reserved bits, 3-bit class 3–6, 8-bit number 0–99,
// then the UTF-8 reason phrase.
std::optional<ErrorCode> decode_error_code(Bytes value) {
  if (value.size() < 4 || value.size() > 4 + kMaxText) return std::nullopt;
  const unsigned cls = value[2] & 0x07U;
  const unsigned number = value[3];
  if (cls < 3 || cls > 6 || number > 99) return std::nullopt;
  return ErrorCode{static_cast<std::uint16_t>(cls * 100 + number), to_text(value.subspan(4))};
}

// Decodes one attribute before MESSAGE-INTEGRITY into m. Returns false when a known
// attribute is malformed. First occurrence wins (RFC 8489 §14: later duplicates may be
// ignored).
bool decode_attribute(Message& m, std::uint16_t type, Bytes value) {
  auto text = [&](std::optional<std::string>& field, std::size_t max) {
    if (value.size() > max) return false;
    if (!field) field = to_text(value);
    return true;
  };
  switch (type) {
    case attr::kUsername:
      return text(m.username, kMaxUsername);
    case attr::kRealm:
      return text(m.realm, kMaxText);
    case attr::kNonce:
      return text(m.nonce, kMaxText);
    case attr::kSoftware:
      return text(m.software, kMaxText);
    case attr::kErrorCode: {
      auto code = decode_error_code(value);
      if (!code) return false;
      if (!m.error_code) m.error_code = std::move(code);
      return true;
    }
    case attr::kUnknownAttributes:
      if (value.size() % 2 != 0) return false;
      if (m.unknown_attributes.empty()) {
        for (std::size_t i = 0; i < value.size(); i += 2) {
          m.unknown_attributes.push_back(wire::load16(value, i));
        }
      }
      return true;
    case attr::kXorMappedAddress: {
      auto address = decode_xor_address(value, m.transaction_id);
      if (!address) return false;
      if (!m.xor_mapped_address) m.xor_mapped_address = address;
      return true;
    }
    case attr::kPriority:
      if (value.size() != 4) return false;
      if (!m.priority) m.priority = wire::load32(value, 0);
      return true;
    case attr::kUseCandidate:
      if (!value.empty()) return false;
      m.use_candidate = true;
      return true;
    case attr::kIceControlling:
      if (value.size() != 8) return false;
      if (!m.ice_controlling) m.ice_controlling = wire::load64(value, 0);
      return true;
    case attr::kIceControlled:
      if (value.size() != 8) return false;
      if (!m.ice_controlled) m.ice_controlled = wire::load64(value, 0);
      return true;
    case attr::kNomination:
      if (value.size() != 4) return false;
      if (!m.nomination) m.nomination = wire::load32(value, 0);
      return true;
    default:
      // Unknown comprehension-optional attributes (Chrome's GOOG-* ones) are ignored;
      // comprehension-required ones are reported so a server can answer 420.
      if (attr::comprehension_required(type) &&
          std::find(m.unknown_required.begin(), m.unknown_required.end(), type) ==
              m.unknown_required.end()) {
        m.unknown_required.push_back(type);
      }
      return true;
  }
}

}  // namespace

const char* to_string(ParseError error) noexcept {
  switch (error) {
    case ParseError::none:
      return "none";
    case ParseError::too_short:
      return "too short";
    case ParseError::too_long:
      return "too long";
    case ParseError::not_stun:
      return "not STUN";
    case ParseError::bad_magic_cookie:
      return "bad magic cookie";
    case ParseError::bad_length:
      return "bad length";
    case ParseError::truncated_attribute:
      return "truncated attribute";
    case ParseError::malformed_attribute:
      return "malformed attribute";
    case ParseError::attribute_after_fingerprint:
      return "attribute after FINGERPRINT";
    case ParseError::bad_fingerprint:
      return "bad FINGERPRINT";
  }
  return "?";
}

std::optional<Message> parse(std::span<const std::uint8_t> data, ParseError* error) {
  auto fail = [error](ParseError e) -> std::optional<Message> {
    if (error) *error = e;
    return std::nullopt;
  };
  if (error) *error = ParseError::none;
  if (data.size() < kHeaderSize) return fail(ParseError::too_short);
  if (data.size() > kMaxDatagram) return fail(ParseError::too_long);
  const std::uint16_t type = wire::load16(data, 0);
  if ((type & 0xC000) != 0) return fail(ParseError::not_stun);
  if (wire::load32(data, 4) != kMagicCookie) return fail(ParseError::bad_magic_cookie);
  const std::uint16_t length = wire::load16(data, 2);
  if (length % 4 != 0 || length != data.size() - kHeaderSize) return fail(ParseError::bad_length);

  Message m;
  m.method =
      static_cast<std::uint16_t>((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
  m.message_class = static_cast<MessageClass>(((type >> 4) & 0x1) | ((type >> 7) & 0x2));
  std::copy_n(data.begin() + 8, m.transaction_id.size(), m.transaction_id.begin());

  std::size_t pos = kHeaderSize;
  while (pos < data.size()) {
    // RFC 8489 §14.7: FINGERPRINT must be the last attribute.
    if (m.has_fingerprint) return fail(ParseError::attribute_after_fingerprint);
    if (data.size() - pos < kAttributeHeaderSize) return fail(ParseError::truncated_attribute);
    const std::uint16_t attr_type = wire::load16(data, pos);
    const std::uint16_t attr_len = wire::load16(data, pos + 2);
    if (wire::padded(attr_len) > data.size() - pos - kAttributeHeaderSize) {
      return fail(ParseError::truncated_attribute);
    }
    const Bytes value = data.subspan(pos + kAttributeHeaderSize, attr_len);
    if (attr_type == attr::kFingerprint) {
      if (attr_len != 4) return fail(ParseError::malformed_attribute);
      if (wire::load32(value, 0) != compute_fingerprint(data.first(pos))) {
        return fail(ParseError::bad_fingerprint);
      }
      m.has_fingerprint = true;
    } else if (m.integrity_offset) {
      // RFC 8489 §14.5: everything after MESSAGE-INTEGRITY except FINGERPRINT (and
      // MESSAGE-INTEGRITY-SHA256, which we do not implement) is ignored.
    } else if (attr_type == attr::kMessageIntegrity) {
      if (attr_len != kIntegritySize) return fail(ParseError::malformed_attribute);
      m.integrity_offset = pos;
    } else if (!decode_attribute(m, attr_type, value)) {
      return fail(ParseError::malformed_attribute);
    }
    pos += kAttributeHeaderSize + wire::padded(attr_len);
  }
  return m;
}

}  // namespace haven::sfu::stun
