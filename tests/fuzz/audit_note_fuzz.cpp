// Fuzz target: the audit log's parsers of untrusted bytes. Checkpoint notes (C2SP
// signed-note + tlog-checkpoint) come from the database, which an attacker may have
// edited, and from an operator's file (`haven audit verify --checkpoint`); the canonical
// entry decoder reads what a proof hands out. `make fuzz` runs it under libFuzzer;
// `make test` replays tests/fuzz/corpus/audit_note.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "audit/audit_key.h"
#include "audit/checkpoint.h"
#include "audit/entry.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace haven::audit;
  // The corpus's signed seeds use this key: 32 bytes of 0x2a.
  static const AuditKey key = [] {
    std::array<std::uint8_t, 32> seed{};
    seed.fill(0x2a);
    return AuditKey::from_seed(seed);
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  auto opened = open_checkpoint(text, key.public_key());
  if (opened.checkpoint) {
    // What opens must survive a re-signing with the same meaning.
    const Checkpoint& cp = *opened.checkpoint;
    auto again = open_checkpoint(sign_checkpoint(cp, key), key.public_key());
    if (!again.checkpoint || again.checkpoint->size != cp.size ||
        again.checkpoint->origin != cp.origin || again.checkpoint->time != cp.time ||
        !hash_equal(again.checkpoint->root, cp.root)) {
      __builtin_trap();
    }
  } else if (opened.error.empty()) {
    __builtin_trap();  // a refusal always says why
  }

  // A body that parses renders back to its own first three lines.
  if (auto body = parse_checkpoint_body(text)) {
    const std::string rendered = checkpoint_body(*body);
    if (text.substr(0, rendered.size()) != rendered) __builtin_trap();
  }

  // The entry encoding is a bijection on what decodes.
  if (auto entry = decode_entry(text)) {
    if (encode_entry(*entry) != text) __builtin_trap();
  }
  return 0;
}
