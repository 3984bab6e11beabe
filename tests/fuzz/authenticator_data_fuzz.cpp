// Fuzz target: authenticator data (WebAuthn §6.1) and the COSE key it may carry.
// `make fuzz` runs it under libFuzzer; `make test` replays tests/fuzz/corpus/authenticator_data.
#include <cstddef>
#include <cstdint>
#include <span>

#include "auth/authenticator_data.h"
#include "auth/cose_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace haven::webauthn;
  auto parsed = parse_authenticator_data(std::span<const std::uint8_t>(data, size));
  if (!parsed.ok()) return 0;
  const auto& d = parsed.data;
  // What the parser promises its callers.
  if (d.attested.has_value() != d.has(auth_flags::kAttested)) __builtin_trap();
  if (d.extensions.has_value() != d.has(auth_flags::kExtensions)) __builtin_trap();
  if (d.extensions && !d.extensions->is_map()) __builtin_trap();
  if (d.has(auth_flags::kBackedUp) && !d.has(auth_flags::kBackupEligible)) __builtin_trap();
  if (d.attested) {
    const auto& cred = *d.attested;
    if (cred.id.empty() || cred.id.size() > kMaxCredentialIdLength) __builtin_trap();
    if (!decode_cbor(cred.public_key_cose).ok()) __builtin_trap();
    // Key import must never throw or crash, whatever the map holds.
    auto key = cose_key_to_pkey(cred.public_key);
    if (key.ok() != (key.key != nullptr)) __builtin_trap();
    if (key.ok() && key.alg != kCoseAlgES256 && key.alg != kCoseAlgEdDSA) __builtin_trap();
  }
  return 0;
}
