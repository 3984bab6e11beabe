#include "sfu/stun/builder.h"

#include <sodium.h>

#include "sfu/limits.h"
#include "sfu/stun/integrity.h"
#include "sfu/stun/wire.h"
#include "util/secret_bytes.h"

namespace haven::sfu::stun {
namespace {

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

}  // namespace

TransactionId random_transaction_id() {
  init_sodium();  // idempotent; randombytes needs it to have run
  TransactionId id{};
  randombytes_buf(id.data(), id.size());
  return id;
}

std::string_view default_reason(std::uint16_t code) noexcept {
  switch (code) {
    case 300:
      return "Try Alternate";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 420:
      return "Unknown Attribute";
    case 438:
      return "Stale Nonce";
    case 487:
      return "Role Conflict";
    case 500:
      return "Server Error";
    default:
      return "";
  }
}

MessageBuilder::MessageBuilder(MessageClass message_class, std::uint16_t method,
                               const TransactionId& transaction_id) {
  buf_.reserve(128);
  if (method > 0x0FFF) ok_ = false;  // methods are 12 bits
  wire::put16(buf_, message_type(message_class, static_cast<std::uint16_t>(method & 0x0FFF)));
  wire::put16(buf_, 0);
  wire::put32(buf_, kMagicCookie);
  buf_.insert(buf_.end(), transaction_id.begin(), transaction_id.end());
}

MessageBuilder MessageBuilder::from(const Message& m) {
  MessageBuilder b(m.message_class, m.method, m.transaction_id);
  if (m.software) b.software(*m.software);
  if (m.username) b.username(*m.username);
  if (m.realm) b.realm(*m.realm);
  if (m.nonce) b.nonce(*m.nonce);
  if (m.error_code) b.error_code(m.error_code->code, m.error_code->reason);
  if (!m.unknown_attributes.empty()) b.unknown_attributes(m.unknown_attributes);
  if (m.xor_mapped_address) b.xor_mapped_address(*m.xor_mapped_address);
  if (m.priority) b.priority(*m.priority);
  if (m.use_candidate) b.use_candidate();
  if (m.ice_controlling) b.ice_controlling(*m.ice_controlling);
  if (m.ice_controlled) b.ice_controlled(*m.ice_controlled);
  if (m.nomination) b.nomination(*m.nomination);
  return b;
}

void MessageBuilder::set_length() {
  wire::store16(buf_, 2, static_cast<std::uint16_t>(buf_.size() - kHeaderSize));
}

void MessageBuilder::append(std::uint16_t type, std::span<const std::uint8_t> value) {
  if (!ok_) return;
  // RFC 8489 §14.5/§14.7: only FINGERPRINT may follow MESSAGE-INTEGRITY, nothing may
  // follow FINGERPRINT.
  if (has_fingerprint_ || (has_integrity_ && type != attr::kFingerprint) || value.size() > 0xFFFF ||
      buf_.size() + kAttributeHeaderSize + wire::padded(value.size()) > kMaxDatagram) {
    ok_ = false;
    return;
  }
  wire::put16(buf_, type);
  wire::put16(buf_, static_cast<std::uint16_t>(value.size()));
  buf_.insert(buf_.end(), value.begin(), value.end());
  buf_.resize(kHeaderSize + wire::padded(buf_.size() - kHeaderSize), 0);
  set_length();
}

void MessageBuilder::append_text(std::uint16_t type, std::string_view value, std::size_t max) {
  if (value.size() > max) {
    ok_ = false;
    return;
  }
  append(type, bytes_of(value));
}

MessageBuilder& MessageBuilder::username(std::string_view value) {
  append_text(attr::kUsername, value, kMaxUsername);
  return *this;
}

MessageBuilder& MessageBuilder::realm(std::string_view value) {
  append_text(attr::kRealm, value, kMaxText);
  return *this;
}

MessageBuilder& MessageBuilder::nonce(std::string_view value) {
  append_text(attr::kNonce, value, kMaxText);
  return *this;
}

MessageBuilder& MessageBuilder::software(std::string_view value) {
  append_text(attr::kSoftware, value, kMaxText);
  return *this;
}

MessageBuilder& MessageBuilder::error_code(std::uint16_t code, std::string_view reason) {
  if (code < 300 || code > 699 || reason.size() > kMaxText) {
    ok_ = false;
    return *this;
  }
  std::vector<std::uint8_t> value{0, 0, static_cast<std::uint8_t>(code / 100),
                                  static_cast<std::uint8_t>(code % 100)};
  value.insert(value.end(), reason.begin(), reason.end());
  append(attr::kErrorCode, value);
  return *this;
}

MessageBuilder& MessageBuilder::unknown_attributes(std::span<const std::uint16_t> types) {
  std::vector<std::uint8_t> value;
  value.reserve(types.size() * 2);
  for (std::uint16_t t : types) wire::put16(value, t);
  append(attr::kUnknownAttributes, value);
  return *this;
}

MessageBuilder& MessageBuilder::xor_mapped_address(const Tuple& address) {
  std::array<std::uint8_t, 16> mask{};
  wire::store16(mask, 0, static_cast<std::uint16_t>(kMagicCookie >> 16));
  wire::store16(mask, 2, static_cast<std::uint16_t>(kMagicCookie));
  std::copy(buf_.begin() + 8, buf_.begin() + kHeaderSize, mask.begin() + 4);  // txid
  std::vector<std::uint8_t> value;
  value.push_back(0);
  value.push_back(address.family == IpFamily::v4 ? 0x01 : 0x02);
  wire::put16(value, static_cast<std::uint16_t>(address.port ^ (kMagicCookie >> 16)));
  const auto ip = address.address();
  for (std::size_t i = 0; i < ip.size(); ++i) value.push_back(ip[i] ^ mask[i]);
  append(attr::kXorMappedAddress, value);
  return *this;
}

MessageBuilder& MessageBuilder::priority(std::uint32_t value) {
  std::vector<std::uint8_t> v;
  wire::put32(v, value);
  append(attr::kPriority, v);
  return *this;
}

MessageBuilder& MessageBuilder::use_candidate() {
  append(attr::kUseCandidate, {});
  return *this;
}

MessageBuilder& MessageBuilder::ice_controlling(std::uint64_t tie_breaker) {
  std::vector<std::uint8_t> v;
  wire::put64(v, tie_breaker);
  append(attr::kIceControlling, v);
  return *this;
}

MessageBuilder& MessageBuilder::ice_controlled(std::uint64_t tie_breaker) {
  std::vector<std::uint8_t> v;
  wire::put64(v, tie_breaker);
  append(attr::kIceControlled, v);
  return *this;
}

MessageBuilder& MessageBuilder::nomination(std::uint32_t value) {
  std::vector<std::uint8_t> v;
  wire::put32(v, value);
  append(attr::kNomination, v);
  return *this;
}

MessageBuilder& MessageBuilder::attribute(std::uint16_t type, std::span<const std::uint8_t> value) {
  append(type, value);
  return *this;
}

MessageBuilder& MessageBuilder::message_integrity(std::span<const std::uint8_t> key) {
  if (!ok_ || has_integrity_ || has_fingerprint_) {
    ok_ = false;
    return *this;
  }
  const auto mac = compute_message_integrity(buf_, key);
  if (!mac) {
    ok_ = false;
    return *this;
  }
  append(attr::kMessageIntegrity, *mac);
  has_integrity_ = true;
  return *this;
}

MessageBuilder& MessageBuilder::message_integrity(std::string_view password) {
  return message_integrity(bytes_of(password));
}

MessageBuilder& MessageBuilder::fingerprint() {
  if (!ok_ || has_fingerprint_) {
    ok_ = false;
    return *this;
  }
  std::vector<std::uint8_t> v;
  wire::put32(v, compute_fingerprint(buf_));
  append(attr::kFingerprint, v);
  has_fingerprint_ = true;
  return *this;
}

std::optional<std::vector<std::uint8_t>> MessageBuilder::finish() {
  if (!ok_) return std::nullopt;
  ok_ = false;  // the buffer is gone after this
  return std::move(buf_);
}

}  // namespace haven::sfu::stun
