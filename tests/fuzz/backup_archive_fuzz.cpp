// Fuzz target: the backup archive reader (untrusted input: an archive file handed to
// `haven restore`). It must refuse with ArchiveError or open, never crash or throw
// anything else. The key is fixed (bytes 0..31) and the corpus archives were made with
// it; the key id in any input's header is replaced by the fixed key's so mutations reach
// the secretstream decoder. `make fuzz` runs it; `make test` replays
// tests/fuzz/corpus/backup_archive.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "backup/archive.h"
#include "util/secret_bytes.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace haven;
  static const SecretKey key = [] {
    init_sodium();
    std::array<std::uint8_t, SecretKey::kSize> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(i);
    return SecretKey::copy_of(bytes);
  }();
  static const std::string id = backup::backup_key_id(key);
  std::string input(reinterpret_cast<const char*>(data), size);
  if (input.size() >= 25 && input.compare(0, 7, "HAVENBK") == 0) input.replace(9, 16, id);
  try {
    const auto plain = backup::open_archive(input, key);
    if (plain.size() > input.size()) __builtin_trap();  // plaintext never outgrows its archive
  } catch (const backup::ArchiveError&) {
    // refused: fine
  }
  return 0;
}
