// Fuzz target: the strict CBOR decoder behind attestation objects and COSE keys.
// `make fuzz` runs it under libFuzzer; `make test` replays tests/fuzz/corpus/cbor.
#include <cstddef>
#include <cstdint>
#include <span>

#include "auth/cbor.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace haven::webauthn;
  std::span<const std::uint8_t> input(data, size);
  auto whole = decode_cbor(input);
  auto prefix = decode_cbor_prefix(input);
  // The two entry points must agree: whole == prefix that happens to reach the end.
  if (whole.ok() != (prefix.ok() && prefix.consumed == size)) __builtin_trap();
  if (prefix.ok()) {
    if (prefix.consumed == 0 || prefix.consumed > size) __builtin_trap();
    // The consumed bytes alone are one complete item.
    auto again = decode_cbor(input.first(prefix.consumed));
    if (!again.ok() || again.value.type != prefix.value.type) __builtin_trap();
  } else if (prefix.consumed != 0 || prefix.value.type != CborType::null) {
    __builtin_trap();  // a failure must not hand out a partial tree
  }
  if (whole.ok() && whole.value.is_map()) {
    for (const auto& [key, value] : whole.value.entries) {
      if (!key.is_integer() && !key.is_text()) __builtin_trap();
      (void)value;
    }
  }
  return 0;
}
