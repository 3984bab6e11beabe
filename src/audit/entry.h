// The canonical byte encoding of one audit entry: what the Merkle tree hashes as a leaf
// (RFC 9162 §2.1.1: leaf hash = SHA-256(0x00 || entry)). Fixed field order, fixed-width
// big-endian integers and length-prefixed strings, so two different entries can never
// encode to the same bytes:
//
//   u8  version (1)
//   u64 seq                      the entry's position in the log, from 1
//   i64 at                       unix seconds, UTC
//   8 x (u32 length || bytes):   actor_id, actor_role, action, object_type, object_id,
//                                outcome, request_id, client_ip
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "audit/merkle.h"
#include "store/repositories.h"

namespace haven::audit {

inline constexpr std::uint8_t kEntryEncodingVersion = 1;

struct Entry {
  std::int64_t seq = 0;
  AuditRecord record;
};

std::string encode_entry(const Entry& entry);
// The inverse, for tools that are handed an encoded entry; nullopt unless the bytes are
// exactly one well-formed version-1 entry.
std::optional<Entry> decode_entry(std::string_view bytes);

inline Hash entry_leaf_hash(const Entry& entry) {
  return hash_leaf(encode_entry(entry));
}

}  // namespace haven::audit
