#include "audit/checkpoint.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <limits>

namespace haven::audit {
namespace {

constexpr std::uint8_t kTypeEd25519 = 0x01;                 // signed-note
constexpr std::uint8_t kTypeCosignature = 0x04;             // tlog-cosignature, timestamped Ed25519
constexpr std::string_view kEmDashSpace = "\xE2\x80\x94 ";  // U+2014 then U+0020

std::string cosigned_message(std::int64_t time, std::string_view body) {
  return "cosignature/v1\ntime " + std::to_string(time) + "\n" + std::string(body);
}

void put_u32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>(v >> shift));
}

std::uint64_t get_be(const std::uint8_t* p, int n) {
  std::uint64_t v = 0;
  for (int i = 0; i < n; ++i) v = (v << 8) | p[i];
  return v;
}

// Decimal without sign or leading zeros, up to 2^63 - 1.
std::optional<std::uint64_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 19 || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  if (v > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
  return v;
}

bool valid_utf8_without_controls(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
      ++i;
      continue;
    }
    const int extra = (c >= 0xc2 && c <= 0xdf)   ? 1
                      : (c >= 0xe0 && c <= 0xef) ? 2
                      : (c >= 0xf0 && c <= 0xf4) ? 3
                                                 : -1;
    if (extra < 0 || s.size() - i <= static_cast<std::size_t>(extra)) return false;
    std::uint32_t cp = c & (0x3f >> extra);
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and code points beyond U+10FFFF.
    if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += static_cast<std::size_t>(extra) + 1;
  }
  return true;
}

struct SignatureLine {
  std::string_view name;
  std::vector<std::uint8_t> bytes;  // key id || signature
};

// The signature block: one or more "— name base64\n" lines.
std::optional<std::vector<SignatureLine>> parse_signatures(std::string_view block) {
  std::vector<SignatureLine> out;
  while (!block.empty()) {
    auto nl = block.find('\n');
    if (nl == std::string_view::npos || out.size() == kMaxNoteSignatures) return std::nullopt;
    std::string_view line = block.substr(0, nl);
    block.remove_prefix(nl + 1);
    if (line.substr(0, kEmDashSpace.size()) != kEmDashSpace) return std::nullopt;
    line.remove_prefix(kEmDashSpace.size());
    auto space = line.find(' ');
    if (space == 0 || space == std::string_view::npos) return std::nullopt;
    auto name = line.substr(0, space);
    if (name.find('+') != std::string_view::npos) return std::nullopt;
    auto bytes = from_base64(line.substr(space + 1));
    if (!bytes || bytes->size() < 5) return std::nullopt;
    out.push_back({name, std::move(*bytes)});
  }
  if (out.empty()) return std::nullopt;
  return out;
}

}  // namespace

bool valid_origin(std::string_view origin) {
  if (origin.empty() || origin.size() > 255) return false;
  for (char ch : origin) {
    if (ch <= ' ' || ch > '~' || ch == '+') return false;
  }
  return true;
}

std::uint32_t note_key_id(std::string_view name, std::uint8_t type, const PublicKey& key) {
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(name.data()),
                            name.size());
  const unsigned char sep[2] = {'\n', type};
  crypto_hash_sha256_update(&state, sep, 2);
  crypto_hash_sha256_update(&state, key.data(), key.size());
  Hash digest;
  crypto_hash_sha256_final(&state, digest.data());
  return static_cast<std::uint32_t>(get_be(digest.data(), 4));
}

std::string verifier_key(std::string_view name, const PublicKey& key) {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", note_key_id(name, kTypeEd25519, key));
  std::vector<std::uint8_t> material{kTypeEd25519};
  material.insert(material.end(), key.begin(), key.end());
  return std::string(name) + "+" + hex + "+" + to_base64(material.data(), material.size());
}

std::string checkpoint_body(const Checkpoint& cp) {
  return cp.origin + "\n" + std::to_string(cp.size) + "\n" +
         to_base64(cp.root.data(), cp.root.size()) + "\n";
}

std::string sign_checkpoint(const Checkpoint& cp, const AuditKey& key) {
  const std::string body = checkpoint_body(cp);
  std::string plain, stamped;
  put_u32(plain, note_key_id(cp.origin, kTypeEd25519, key.public_key()));
  auto sig = key.sign(body);
  plain.append(sig.begin(), sig.end());
  put_u32(stamped, note_key_id(cp.origin, kTypeCosignature, key.public_key()));
  put_u32(stamped, static_cast<std::uint32_t>(static_cast<std::uint64_t>(cp.time) >> 32));
  put_u32(stamped, static_cast<std::uint32_t>(cp.time));
  sig = key.sign(cosigned_message(cp.time, body));
  stamped.append(sig.begin(), sig.end());
  auto line = [&](const std::string& bytes) {
    return std::string(kEmDashSpace) + cp.origin + " " +
           to_base64(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()) + "\n";
  };
  return body + "\n" + line(plain) + line(stamped);
}

std::optional<Checkpoint> parse_checkpoint_body(std::string_view body) {
  if (body.empty() || body.back() != '\n') return std::nullopt;
  std::vector<std::string_view> lines;
  for (std::size_t start = 0; start < body.size();) {
    auto nl = body.find('\n', start);
    lines.push_back(body.substr(start, nl - start));
    if (lines.back().empty()) return std::nullopt;  // every line non-empty
    start = nl + 1;
  }
  if (lines.size() < 3 || !valid_origin(lines[0])) return std::nullopt;
  auto size = parse_decimal(lines[1]);
  auto root = from_base64(lines[2]);
  if (!size || !root || root->size() != 32) return std::nullopt;
  Checkpoint cp;
  cp.origin = std::string(lines[0]);
  cp.size = *size;
  std::copy(root->begin(), root->end(), cp.root.begin());
  return cp;  // extension lines (non-empty, opaque) are allowed and ignored
}

OpenedCheckpoint open_checkpoint(std::string_view note, const PublicKey& key) {
  if (note.size() > kMaxNoteBytes) return {std::nullopt, "the note is too large"};
  if (!valid_utf8_without_controls(note)) return {std::nullopt, "the note is not clean UTF-8"};
  // signed-note: the text is separated from the signatures by the last empty line.
  auto blank = note.rfind("\n\n");
  if (blank == std::string_view::npos) return {std::nullopt, "the note has no signatures"};
  const std::string_view body = note.substr(0, blank + 1);
  auto cp = parse_checkpoint_body(body);
  if (!cp) return {std::nullopt, "the note is not a checkpoint"};
  auto lines = parse_signatures(note.substr(blank + 2));
  if (!lines) return {std::nullopt, "the signature lines are malformed"};
  const std::uint32_t plain_id = note_key_id(cp->origin, kTypeEd25519, key);
  const std::uint32_t stamped_id = note_key_id(cp->origin, kTypeCosignature, key);
  bool plain_ok = false, stamped_ok = false;
  for (const auto& line : *lines) {
    if (line.name != cp->origin) continue;  // another key: ignored (signed-note)
    const auto id = static_cast<std::uint32_t>(get_be(line.bytes.data(), 4));
    if (id == plain_id) {
      if (line.bytes.size() != 4 + 64 || !ed25519_verify(key, body, line.bytes.data() + 4)) {
        return {std::nullopt, "the checkpoint signature does not verify"};
      }
      plain_ok = true;
    } else if (id == stamped_id) {
      const std::uint64_t time = line.bytes.size() == 4 + 8 + 64 ? get_be(&line.bytes[4], 8) : 0;
      if (line.bytes.size() != 4 + 8 + 64 ||
          time > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()) ||
          !ed25519_verify(key, cosigned_message(static_cast<std::int64_t>(time), body),
                          line.bytes.data() + 12)) {
        return {std::nullopt, "the timestamped checkpoint signature does not verify"};
      }
      cp->time = static_cast<std::int64_t>(time);
      stamped_ok = true;
    }
  }
  if (!plain_ok || !stamped_ok) return {std::nullopt, "the note is not signed by this log's key"};
  return {std::move(cp), {}};
}

}  // namespace haven::audit
