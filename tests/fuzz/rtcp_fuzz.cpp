// Fuzz target: compound RTCP. Whatever parses must serialize, and the serialization must
// parse back to the same packets. `make fuzz` runs it under libFuzzer; `make test` replays
// tests/fuzz/corpus/rtcp.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sfu/limits.h"
#include "sfu/rtcp/compound.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace haven::sfu;
  using namespace haven::sfu::rtcp;
  auto packets = parse_compound(std::span<const std::uint8_t>(data, size));
  if (!packets) return 0;
  if (size == 0 || size > kMaxDatagram) __builtin_trap();
  auto bytes = serialize_compound(*packets);
  if (!bytes) __builtin_trap();  // every parsed value is encodable
  if (bytes->empty() != packets->empty()) __builtin_trap();
  std::vector<std::uint8_t> buffer(bytes->size());
  if (serialize_compound(*packets, buffer) != bytes->size() || buffer != *bytes) __builtin_trap();
  // Re-encoding may pick different TWCC chunks, so only compare what fits a datagram.
  if (bytes->empty() || bytes->size() > kMaxDatagram) return 0;
  auto again = parse_compound(*bytes);
  if (!again || *again != *packets) __builtin_trap();
  return 0;
}
