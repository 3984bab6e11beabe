// The parts of MLS messages (RFC 9420) the delivery service reads: the envelope of every
// MLSMessage (version, wire format), the group id, epoch and content type of handshake
// and application messages, and the identity fields of a KeyPackage. The server never
// decrypts anything; it reads only what travels in clear (RFC 9420 §6.2, §6.3, §10).
//
// One pure function of the bytes, size-limited and fuzzed (tests/fuzz/mls_message_fuzz.cpp);
// checked against the mlswg interop vectors (tests/fixtures/mls).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace haven::delivery {

// The largest MLSMessage accepted: a Welcome carrying the ratchet tree of a 16-person
// group is about 4 KB, a commit about 2 KB; chat and file-key messages are small.
inline constexpr std::size_t kMaxMlsMessageBytes = 48 * 1024;

// RFC 9420 §6 / §17.2.
enum class WireFormat : std::uint16_t {
  public_message = 1,
  private_message = 2,
  welcome = 3,
  group_info = 4,
  key_package = 5,
};

// RFC 9420 §6 / §17.3 (ContentType).
enum class ContentType : std::uint8_t { application = 1, proposal = 2, commit = 3 };

// RFC 9420 §6 (SenderType).
enum class SenderType : std::uint8_t {
  member = 1,
  external = 2,
  new_member_proposal = 3,
  new_member_commit = 4,
};

// Cipher suite 1: MLS_128_DHKEMX25519_AES128GCM_SHA256_Ed25519 (RFC 9420 §17.1).
inline constexpr std::uint16_t kCipherSuiteX25519Ed25519 = 1;
// Credential types (RFC 9420 §5.3, §17.5).
inline constexpr std::uint16_t kCredentialBasic = 1;
inline constexpr std::uint16_t kCredentialX509 = 2;

struct KeyPackageFields {
  std::uint16_t cipher_suite = 0;
  std::vector<std::uint8_t> signature_key;    // leaf_node.signature_key
  std::uint16_t credential_type = 0;
  std::vector<std::uint8_t> identity;         // BasicCredential.identity
};

// What the server may know of one MLSMessage.
struct MlsMessageInfo {
  WireFormat wire_format = WireFormat::public_message;
  // Public and private messages, and GroupInfo (its GroupContext):
  std::vector<std::uint8_t> group_id;
  std::uint64_t epoch = 0;
  // Public and private messages:
  std::optional<ContentType> content_type;
  // Public messages only (a private message's sender is encrypted, §6.3.2):
  std::optional<SenderType> sender_type;
  std::uint32_t sender_leaf = 0;
  // Welcome and KeyPackage:
  std::uint16_t cipher_suite = 0;
  std::optional<KeyPackageFields> key_package;
};

// Stable, input-free reasons (they become error codes for the client and drop counters).
enum class FramingError {
  too_large,
  truncated,         // a length or field runs past the end
  bad_varint,        // the 0b11 prefix or a non-minimal length (§2.1.2)
  bad_version,       // not mls10
  bad_wire_format,
  bad_content_type,
  bad_sender,
  bad_credential,    // a KeyPackage credential other than basic or x509
  trailing_bytes,    // the message is followed by more bytes
};

const char* framing_error_name(FramingError error);

struct ParsedMlsMessage {
  std::optional<MlsMessageInfo> info;
  std::optional<FramingError> error;
};

// Parses one MLSMessage that fills `bytes` exactly. PrivateMessage, Welcome, GroupInfo
// and KeyPackage are walked to the end; a PublicMessage up to its content type (its
// proposal/commit bodies are the members' business).
ParsedMlsMessage parse_mls_message(std::span<const std::uint8_t> bytes);

// The length prefix of a variable-size vector (RFC 9420 §2.1.2): returns the length and
// advances `offset` past the prefix, or nullopt for a bad or truncated prefix.
std::optional<std::uint64_t> read_mls_varint(std::span<const std::uint8_t> bytes,
                                             std::size_t& offset);

}  // namespace haven::delivery
