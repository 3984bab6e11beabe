// Signed checkpoints of the audit log in the C2SP formats, so that standard transparency
// log tooling can read them:
//   body (c2sp.org/tlog-checkpoint):  "<origin>\n<tree size>\n<base64 root hash>\n"
//   then a blank line and signature lines "— <key name> base64(key id || signature)\n"
//   (c2sp.org/signed-note), the key name being the origin:
//     type 0x01: Ed25519 over the body (signed-note "Ed25519 signatures");
//     type 0x04: timestamped Ed25519 (c2sp.org/tlog-cosignature) over
//                "cosignature/v1\ntime <t>\n" || body, which binds the checkpoint's time.
// A note is untrusted input (it comes from the database or an operator's file): parsing
// is strict, bounded, and has a fuzz target (tests/fuzz/audit_note_fuzz.cpp).
#pragma once

#include "util/secret_bytes.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/audit_key.h"
#include "audit/merkle.h"

namespace haven::audit {

inline constexpr std::size_t kMaxNoteBytes = 16 * 1024;
inline constexpr std::size_t kMaxNoteSignatures = 32;

struct Checkpoint {
  std::string origin;  // host[:port] of server.public_url
  std::uint64_t size = 0;
  Hash root{};
  std::int64_t time = 0;  // unix seconds, from the timestamped signature
};

std::string checkpoint_body(const Checkpoint& cp);
std::string sign_checkpoint(const Checkpoint& cp, const AuditKey& key);

struct OpenedCheckpoint {
  std::optional<Checkpoint> checkpoint;
  std::string error;  // why not, when checkpoint is empty (no secret or input echoed)
};
// Parses a signed note and checks it against key: both signature types above must be
// present under the origin's name and verify; signatures of other keys are ignored.
OpenedCheckpoint open_checkpoint(std::string_view note, const PublicKey& key);

// The body alone (time stays 0); nullopt unless well-formed.
std::optional<Checkpoint> parse_checkpoint_body(std::string_view body);

// Non-empty printable ASCII without space or '+', at most 255 bytes (signed-note names).
bool valid_origin(std::string_view origin);
// signed-note: SHA-256(name || 0x0A || type || public key)[:4], big-endian.
std::uint32_t note_key_id(std::string_view name, std::uint8_t type, const PublicKey& key);
// The signed-note verifier key: "<name>+<8 hex key id>+<base64(0x01 || public key)>".
std::string verifier_key(std::string_view name, const PublicKey& key);

}  // namespace haven::audit
