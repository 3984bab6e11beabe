// Fuzz target: the SFU's SDP parser and writer (src/sfu/sdp/). `make fuzz` runs it under
// libFuzzer; `make test` replays tests/fuzz/corpus/sdp (trimmed Chromium offers and
// hand-written edge cases). Invariants:
//   - parse never crashes, and a failure always explains itself;
//   - anything that parses writes to text that parses to the same structure, and writing
//     that again gives the same bytes (the writer's output is a fixed point).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sfu/sdp/parser.h"
#include "sfu/sdp/writer.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace haven::sfu::sdp;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string error;
  auto parsed = parse_sdp(input, &error);
  if (!parsed) {
    if (error.empty()) __builtin_trap();  // every rejection carries a reason
    return 0;
  }
  std::string written = write_sdp(*parsed);
  std::string error2;
  auto reparsed = parse_sdp(written, &error2);
  if (!reparsed) __builtin_trap();                // our own output must parse
  if (!(*reparsed == *parsed)) __builtin_trap();  // ... to the same structure
  if (write_sdp(*reparsed) != written) __builtin_trap();
  return 0;
}
