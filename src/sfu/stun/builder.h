// Serializes STUN messages: header, attributes in the order added, then optionally
// MESSAGE-INTEGRITY and FINGERPRINT computed over what precedes them (RFC 8489 §14.5,
// §14.7). Used for the ICE server's responses and, in tests, to craft requests the way
// Chrome sends them.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "sfu/ice/tuple.h"
#include "sfu/stun/message.h"

namespace haven::sfu::stun {

// 12 random bytes from libsodium (RFC 8489 §5: transaction ids must be uniformly random).
TransactionId random_transaction_id();

// The standard reason phrase for 300–699 codes ICE uses (RFC 8489 §14.8, RFC 8445 §7.3).
std::string_view default_reason(std::uint16_t code) noexcept;

// Fluent builder. An invalid call (over-long value, error code outside 300–699, anything
// but FINGERPRINT after MESSAGE-INTEGRITY, anything after FINGERPRINT, a message over
// kMaxDatagram) poisons it and finish() returns nullopt — no exceptions but bad_alloc.
class MessageBuilder {
 public:
  MessageBuilder(MessageClass message_class, std::uint16_t method,
                 const TransactionId& transaction_id);

  // Header plus every attribute parse() understands, in a fixed order; no
  // MESSAGE-INTEGRITY or FINGERPRINT (add them with a key of your choosing).
  static MessageBuilder from(const Message& message);

  MessageBuilder& username(std::string_view value);
  MessageBuilder& realm(std::string_view value);
  MessageBuilder& nonce(std::string_view value);
  MessageBuilder& software(std::string_view value);
  MessageBuilder& error_code(std::uint16_t code, std::string_view reason);
  MessageBuilder& error_code(std::uint16_t code) { return error_code(code, default_reason(code)); }
  MessageBuilder& unknown_attributes(std::span<const std::uint16_t> types);
  MessageBuilder& xor_mapped_address(const Tuple& address);
  MessageBuilder& priority(std::uint32_t value);
  MessageBuilder& use_candidate();
  MessageBuilder& ice_controlling(std::uint64_t tie_breaker);
  MessageBuilder& ice_controlled(std::uint64_t tie_breaker);
  MessageBuilder& nomination(std::uint32_t value);
  // Any TLV as-is (unknown attributes in tests, pass-through). Zero padding is added.
  MessageBuilder& attribute(std::uint16_t type, std::span<const std::uint8_t> value);

  // HMAC-SHA1 keyed by `key` (ICE: the password bytes as-is).
  MessageBuilder& message_integrity(std::span<const std::uint8_t> key);
  MessageBuilder& message_integrity(std::string_view password);
  MessageBuilder& fingerprint();

  // The finished message, or nullopt if any call above was invalid. Moves the buffer out:
  // call once.
  std::optional<std::vector<std::uint8_t>> finish();

 private:
  void append(std::uint16_t type, std::span<const std::uint8_t> value);
  void append_text(std::uint16_t type, std::string_view value, std::size_t max);
  void set_length();

  std::vector<std::uint8_t> buf_;
  bool ok_ = true;
  bool has_integrity_ = false;
  bool has_fingerprint_ = false;
};

}  // namespace haven::sfu::stun
