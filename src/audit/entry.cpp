#include "audit/entry.h"

#include <array>
#include <limits>
#include <stdexcept>

namespace haven::audit {
namespace {

void put_u64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

void put_text(std::string& out, std::string_view text) {
  if (text.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("audit field too long");
  }
  const auto n = static_cast<std::uint32_t>(text.size());
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((n >> shift) & 0xff));
  }
  out.append(text);
}

// The string fields in encoding order (const or not).
template <class Record>
auto text_fields(Record& r) {
  return std::array{&r.actor_id,  &r.actor_role, &r.action,     &r.object_type,
                    &r.object_id, &r.outcome,    &r.request_id, &r.client_ip};
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool u64(std::uint64_t& v) {
    if (bytes_.size() - pos_ < 8) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool text(std::string& out) {
    if (bytes_.size() - pos_ < 4) return false;
    std::uint32_t n = 0;
    for (int i = 0; i < 4; ++i) n = (n << 8) | static_cast<std::uint8_t>(bytes_[pos_++]);
    if (bytes_.size() - pos_ < n) return false;
    out.assign(bytes_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool byte(std::uint8_t& v) {
    if (pos_ >= bytes_.size()) return false;
    v = static_cast<std::uint8_t>(bytes_[pos_++]);
    return true;
  }
  bool done() const { return pos_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  std::size_t pos_ = 0;
};

}  // namespace

std::string encode_entry(const Entry& entry) {
  const AuditRecord& r = entry.record;
  std::string out;
  out.reserve(1 + 16 + 8 * 4 + 256);
  out.push_back(static_cast<char>(kEntryEncodingVersion));
  put_u64(out, static_cast<std::uint64_t>(entry.seq));
  put_u64(out, static_cast<std::uint64_t>(r.at));  // two's complement, as i64
  for (const std::string* field : text_fields(r)) put_text(out, *field);
  return out;
}

std::optional<Entry> decode_entry(std::string_view bytes) {
  Reader in(bytes);
  Entry e;
  std::uint8_t version = 0;
  std::uint64_t seq = 0, at = 0;
  if (!in.byte(version) || version != kEntryEncodingVersion || !in.u64(seq) || !in.u64(at)) {
    return std::nullopt;
  }
  e.seq = static_cast<std::int64_t>(seq);
  e.record.at = static_cast<std::int64_t>(at);
  for (std::string* field : text_fields(e.record)) {
    if (!in.text(*field)) return std::nullopt;
  }
  if (!in.done()) return std::nullopt;
  return e;
}

}  // namespace haven::audit
