// Fuzz target: the delivery service's MLS framing parser (src/delivery/mls_framing.h).
// `make fuzz` runs it under libFuzzer; `make test` replays tests/fuzz/corpus/mls_message
// (seeded with MLSMessages from the mlswg interop vectors). Invariants: never crashes or
// throws; an accepted message fits the size limit and a refused one has a reason; a
// KeyPackage always carries its fields.
#include <cstddef>
#include <cstdint>
#include <span>

#include "delivery/mls_framing.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto parsed = haven::delivery::parse_mls_message(std::span(data, size));
  if (parsed.info.has_value() == parsed.error.has_value()) __builtin_trap();
  if (parsed.info) {
    if (size > haven::delivery::kMaxMlsMessageBytes) __builtin_trap();
    if (parsed.info->wire_format == haven::delivery::WireFormat::key_package &&
        !parsed.info->key_package) {
      __builtin_trap();
    }
  }
  return 0;
}
