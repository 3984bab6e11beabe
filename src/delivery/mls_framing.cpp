#include "delivery/mls_framing.h"

namespace haven::delivery {

namespace {

constexpr std::uint16_t kMls10 = 1;  // ProtocolVersion mls10 (RFC 9420 §6)

// Reads TLS-presentation-language fields (RFC 9420 §2.1) from a span. The first failure
// sticks; later reads then return empty values, so callers check `failed()` once.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  bool failed() const { return error_.has_value(); }
  std::optional<FramingError> error() const { return error_; }
  bool at_end() const { return offset_ == bytes_.size(); }
  void fail(FramingError error) {
    if (!error_) error_ = error;
  }

  std::uint64_t uint(std::size_t width) {
    if (failed() || bytes_.size() - offset_ < width) {
      fail(FramingError::truncated);
      return 0;
    }
    std::uint64_t value = 0;
    for (std::size_t i = 0; i < width; ++i) value = (value << 8) | bytes_[offset_ + i];
    offset_ += width;
    return value;
  }
  std::uint8_t u8() { return static_cast<std::uint8_t>(uint(1)); }
  std::uint16_t u16() { return static_cast<std::uint16_t>(uint(2)); }
  std::uint32_t u32() { return static_cast<std::uint32_t>(uint(4)); }
  std::uint64_t u64() { return uint(8); }

  // opaque field<V>: the bytes of one variable-size vector.
  std::span<const std::uint8_t> vector() {
    if (failed()) return {};
    auto length = read_mls_varint(bytes_, offset_);
    if (!length) {
      // Tell a bad prefix from a missing one for the error code.
      fail(offset_ >= bytes_.size() ? FramingError::truncated : FramingError::bad_varint);
      return {};
    }
    if (*length > bytes_.size() - offset_) {
      fail(FramingError::truncated);
      return {};
    }
    auto field = bytes_.subspan(offset_, static_cast<std::size_t>(*length));
    offset_ += field.size();
    return field;
  }
  std::vector<std::uint8_t> vector_copy() {
    auto field = vector();
    return {field.begin(), field.end()};
  }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t offset_ = 0;
  std::optional<FramingError> error_;
};

// Credential (RFC 9420 §5.3): basic → identity<V>; x509 → certificates<V> of cert_data<V>,
// kept as one opaque vector here (the server does not read certificates).
void read_credential(Reader& in, KeyPackageFields& out) {
  out.credential_type = in.u16();
  if (out.credential_type == kCredentialBasic) {
    out.identity = in.vector_copy();
  } else if (out.credential_type == kCredentialX509) {
    in.vector();
  } else if (!in.failed()) {
    in.fail(FramingError::bad_credential);
  }
}

// LeafNode (RFC 9420 §7.2), as found in a KeyPackage.
void read_leaf_node(Reader& in, KeyPackageFields& out) {
  in.vector();                               // encryption_key
  out.signature_key = in.vector_copy();      // signature_key
  read_credential(in, out);
  for (int i = 0; i < 5; ++i) in.vector();   // capabilities: versions … credentials
  switch (in.u8()) {                         // leaf_node_source
    case 1: in.u64(), in.u64(); break;       // key_package: lifetime
    case 2: break;                           // update
    case 3: in.vector(); break;              // commit: parent_hash
    default: in.fail(FramingError::bad_sender);
  }
  in.vector();  // extensions
  in.vector();  // signature
}

// KeyPackage (RFC 9420 §10).
void read_key_package(Reader& in, MlsMessageInfo& info) {
  KeyPackageFields fields;
  if (in.u16() != kMls10 && !in.failed()) return in.fail(FramingError::bad_version);
  fields.cipher_suite = in.u16();
  in.vector();  // init_key
  read_leaf_node(in, fields);
  in.vector();  // extensions
  in.vector();  // signature
  info.cipher_suite = fields.cipher_suite;
  info.key_package = std::move(fields);
}

std::optional<ContentType> read_content_type(Reader& in) {
  auto value = in.u8();
  if (in.failed()) return std::nullopt;
  if (value < 1 || value > 3) {
    in.fail(FramingError::bad_content_type);
    return std::nullopt;
  }
  return static_cast<ContentType>(value);
}

// PublicMessage (RFC 9420 §6.2): FramedContent up to its content type; an application
// message is walked to its end (content, signature, membership tag).
void read_public_message(Reader& in, MlsMessageInfo& info, bool& walked_to_end) {
  info.group_id = in.vector_copy();
  info.epoch = in.u64();
  auto sender = in.u8();
  if (in.failed()) return;
  if (sender < 1 || sender > 4) return in.fail(FramingError::bad_sender);
  info.sender_type = static_cast<SenderType>(sender);
  if (*info.sender_type == SenderType::member || *info.sender_type == SenderType::external) {
    info.sender_leaf = in.u32();
  }
  in.vector();  // authenticated_data
  info.content_type = read_content_type(in);
  if (in.failed() || info.content_type != ContentType::application) return;
  in.vector();  // application_data
  in.vector();  // FramedContentAuthData.signature
  if (*info.sender_type == SenderType::member) in.vector();  // membership_tag
  walked_to_end = true;
}

// PrivateMessage (RFC 9420 §6.3): everything but the sender travels in clear framing.
void read_private_message(Reader& in, MlsMessageInfo& info) {
  info.group_id = in.vector_copy();
  info.epoch = in.u64();
  info.content_type = read_content_type(in);
  in.vector();  // authenticated_data
  in.vector();  // encrypted_sender_data
  in.vector();  // ciphertext
}

// Welcome (RFC 9420 §12.4.3.1).
void read_welcome(Reader& in, MlsMessageInfo& info) {
  info.cipher_suite = in.u16();
  in.vector();  // secrets
  in.vector();  // encrypted_group_info
}

// GroupInfo (RFC 9420 §12.4.3) with its GroupContext (§8.1).
void read_group_info(Reader& in, MlsMessageInfo& info) {
  if (in.u16() != kMls10 && !in.failed()) return in.fail(FramingError::bad_version);
  info.cipher_suite = in.u16();
  info.group_id = in.vector_copy();
  info.epoch = in.u64();
  in.vector();  // tree_hash
  in.vector();  // confirmed_transcript_hash
  in.vector();  // group context extensions
  in.vector();  // extensions
  in.vector();  // confirmation_tag
  in.u32();     // signer
  in.vector();  // signature
}

}  // namespace

std::optional<std::uint64_t> read_mls_varint(std::span<const std::uint8_t> bytes,
                                             std::size_t& offset) {
  if (offset >= bytes.size()) return std::nullopt;
  const std::uint8_t first = bytes[offset];
  const std::size_t width = std::size_t{1} << (first >> 6);  // 1, 2, 4 (8 is invalid)
  if (width == 8 || bytes.size() - offset < width) return std::nullopt;
  std::uint64_t value = first & 0x3f;
  for (std::size_t i = 1; i < width; ++i) value = (value << 8) | bytes[offset + i];
  // §2.1.2: "the length MUST be encoded with the smallest possible number of bytes".
  const bool minimal = width == 1 || (width == 2 && value >= 64) || (width == 4 && value >= 16384);
  if (!minimal) return std::nullopt;
  offset += width;
  return value;
}

const char* framing_error_name(FramingError error) {
  switch (error) {
    case FramingError::too_large: return "too_large";
    case FramingError::truncated: return "truncated";
    case FramingError::bad_varint: return "bad_varint";
    case FramingError::bad_version: return "bad_version";
    case FramingError::bad_wire_format: return "bad_wire_format";
    case FramingError::bad_content_type: return "bad_content_type";
    case FramingError::bad_sender: return "bad_sender";
    case FramingError::bad_credential: return "bad_credential";
    case FramingError::trailing_bytes: return "trailing_bytes";
  }
  return "unknown";
}

ParsedMlsMessage parse_mls_message(std::span<const std::uint8_t> bytes) {
  if (bytes.size() > kMaxMlsMessageBytes) return {std::nullopt, FramingError::too_large};
  Reader in(bytes);
  MlsMessageInfo info;
  const auto version = in.u16();
  const auto wire_format = in.u16();
  if (in.failed()) return {std::nullopt, in.error()};
  if (version != kMls10) return {std::nullopt, FramingError::bad_version};
  if (wire_format < 1 || wire_format > 5) return {std::nullopt, FramingError::bad_wire_format};
  info.wire_format = static_cast<WireFormat>(wire_format);
  bool walked_to_end = true;
  switch (info.wire_format) {
    case WireFormat::public_message:
      walked_to_end = false;
      read_public_message(in, info, walked_to_end);
      break;
    case WireFormat::private_message: read_private_message(in, info); break;
    case WireFormat::welcome: read_welcome(in, info); break;
    case WireFormat::group_info: read_group_info(in, info); break;
    case WireFormat::key_package: read_key_package(in, info); break;
  }
  if (in.failed()) return {std::nullopt, in.error()};
  if (walked_to_end && !in.at_end()) return {std::nullopt, FramingError::trailing_bytes};
  return {std::move(info), std::nullopt};
}

}  // namespace haven::delivery
