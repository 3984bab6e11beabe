#include "auth/cbor.h"

#include <limits>

namespace haven::webauthn {
namespace {

// RFC 3629 §4: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(const std::uint8_t* p, std::size_t n) {
  std::size_t i = 0;
  while (i < n) {
    std::uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = 0;
    std::uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // UTF-16 surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return false;
    }
    if (n - i < len) return false;
    if (p[i + 1] < lo || p[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
    }
    i += len;
  }
  return true;
}

bool same_key(const CborValue& a, const CborValue& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case CborType::unsigned_int:
      return a.uint_value == b.uint_value;
    case CborType::negative_int:
      return a.int_value == b.int_value;
    case CborType::text:
      return a.text == b.text;
    default:
      return false;  // only integer and text keys get this far
  }
}

class Decoder {
 public:
  explicit Decoder(std::span<const std::uint8_t> in) : in_(in) {}

  CborError item(CborValue& out, std::size_t depth) {
    std::uint8_t initial = 0;
    if (!take(initial)) return CborError::truncated;
    const int major = initial >> 5;
    const std::uint8_t info = initial & 0x1F;

    if (major == 7) return simple(info, out);
    if (major == 6) return CborError::tag;  // RFC 8949 §3.4: no tag appears in WebAuthn data
    if (info == 31) return CborError::indefinite_length;  // §3.2: streaming is not used by CTAP2
    if (info >= 28) return CborError::reserved_encoding;  // §3: 28-30 are reserved

    std::uint64_t arg = 0;
    if (auto e = argument(info, arg); e != CborError::none) return e;

    switch (major) {
      case 0:
        out.type = CborType::unsigned_int;
        out.uint_value = arg;
        return CborError::none;
      case 1:
        // §3.1 major type 1 encodes -1 - arg; keep it only when it fits int64.
        if (arg > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
          return CborError::integer_overflow;
        }
        out.type = CborType::negative_int;
        out.int_value = -1 - static_cast<std::int64_t>(arg);
        return CborError::none;
      case 2:
      case 3: {
        if (arg > remaining()) return CborError::truncated;
        const std::uint8_t* p = in_.data() + pos_;
        const auto n = static_cast<std::size_t>(arg);
        pos_ += n;
        if (major == 2) {
          out.type = CborType::bytes;
          out.bytes.assign(p, p + n);
        } else {
          if (!valid_utf8(p, n)) return CborError::invalid_utf8;
          out.type = CborType::text;
          out.text.assign(reinterpret_cast<const char*>(p), n);
        }
        return CborError::none;
      }
      case 4:
      case 5:
        return container(major == 5, arg, out, depth);
    }
    return CborError::reserved_encoding;  // unreachable: major is 3 bits
  }

  std::size_t position() const { return pos_; }

 private:
  std::size_t remaining() const { return in_.size() - pos_; }

  bool take(std::uint8_t& b) {
    if (pos_ >= in_.size()) return false;
    b = in_[pos_++];
    return true;
  }

  // §3: the argument follows the initial byte in 0, 1, 2, 4 or 8 big-endian bytes.
  CborError argument(std::uint8_t info, std::uint64_t& arg) {
    if (info < 24) {
      arg = info;
      return CborError::none;
    }
    const std::size_t width = std::size_t{1} << (info - 24);
    if (remaining() < width) return CborError::truncated;
    arg = 0;
    for (std::size_t k = 0; k < width; ++k) arg = (arg << 8) | in_[pos_++];
    return CborError::none;
  }

  // §3.3: only false (20), true (21) and null (22); floats, undefined and the rest are refused.
  static CborError simple(std::uint8_t info, CborValue& out) {
    if (info == 20 || info == 21) {
      out.type = CborType::boolean;
      out.bool_value = info == 21;
      return CborError::none;
    }
    if (info == 22) {
      out.type = CborType::null;
      return CborError::none;
    }
    if (info == 31) return CborError::indefinite_length;  // a stray "break"
    if (info >= 28) return CborError::reserved_encoding;
    return CborError::unsupported_simple;
  }

  CborError container(bool is_map, std::uint64_t count, CborValue& out, std::size_t depth) {
    if (depth >= kCborMaxDepth) return CborError::too_deep;
    if (count > kCborMaxItems) return CborError::too_many_items;
    // Every item needs at least one byte, so a count larger than what is left is a lie;
    // checking first keeps a hostile header from reserving memory.
    const std::uint64_t min_bytes = is_map ? count * 2 : count;
    if (min_bytes > remaining()) return CborError::truncated;
    const auto n = static_cast<std::size_t>(count);
    if (!is_map) {
      out.type = CborType::array;
      out.items.resize(n);
      for (auto& v : out.items) {
        if (auto e = item(v, depth + 1); e != CborError::none) return e;
      }
      return CborError::none;
    }
    out.type = CborType::map;
    out.entries.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      auto& [key, value] = out.entries[i];
      if (auto e = item(key, depth + 1); e != CborError::none) return e;
      if (!key.is_integer() && !key.is_text()) return CborError::bad_map_key;
      // A repeated key would let two parsers read different values (§5.6); n <= 256.
      for (std::size_t j = 0; j < i; ++j) {
        if (same_key(out.entries[j].key, key)) return CborError::duplicate_key;
      }
      if (auto e = item(value, depth + 1); e != CborError::none) return e;
    }
    return CborError::none;
  }

  std::span<const std::uint8_t> in_;
  std::size_t pos_ = 0;
};

CborResult decode(std::span<const std::uint8_t> input, bool whole) {
  CborResult result;
  if (input.empty()) {
    result.error = CborError::empty;
  } else if (input.size() > kCborMaxInput) {
    result.error = CborError::too_large;
  } else {
    Decoder decoder(input);
    result.error = decoder.item(result.value, 0);
    result.consumed = decoder.position();
    if (result.ok() && whole && result.consumed != input.size()) {
      result.error = CborError::trailing_bytes;
    }
  }
  if (!result.ok()) {
    result.value = CborValue{};  // never hand out a half-built tree
    result.consumed = 0;
  }
  return result;
}

}  // namespace

std::optional<std::int64_t> CborValue::as_int() const {
  if (type == CborType::negative_int) return int_value;
  if (type == CborType::unsigned_int &&
      uint_value <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    return static_cast<std::int64_t>(uint_value);
  }
  return std::nullopt;
}

const CborValue* CborValue::find(std::int64_t key) const {
  if (type != CborType::map) return nullptr;
  for (const auto& [k, v] : entries) {
    if (k.as_int() == key) return &v;
  }
  return nullptr;
}

const CborValue* CborValue::find(std::string_view key) const {
  if (type != CborType::map) return nullptr;
  for (const auto& [k, v] : entries) {
    if (k.type == CborType::text && k.text == key) return &v;
  }
  return nullptr;
}

const char* cbor_error_name(CborError error) {
  switch (error) {
    case CborError::none:
      return "none";
    case CborError::empty:
      return "empty";
    case CborError::truncated:
      return "truncated";
    case CborError::too_large:
      return "too_large";
    case CborError::too_deep:
      return "too_deep";
    case CborError::too_many_items:
      return "too_many_items";
    case CborError::indefinite_length:
      return "indefinite_length";
    case CborError::tag:
      return "tag";
    case CborError::unsupported_simple:
      return "unsupported_simple";
    case CborError::reserved_encoding:
      return "reserved_encoding";
    case CborError::integer_overflow:
      return "integer_overflow";
    case CborError::invalid_utf8:
      return "invalid_utf8";
    case CborError::bad_map_key:
      return "bad_map_key";
    case CborError::duplicate_key:
      return "duplicate_key";
    case CborError::trailing_bytes:
      return "trailing_bytes";
  }
  return "unknown";
}

CborResult decode_cbor(std::span<const std::uint8_t> input) {
  return decode(input, true);
}

CborResult decode_cbor_prefix(std::span<const std::uint8_t> input) {
  return decode(input, false);
}

}  // namespace haven::webauthn
