// Fuzz target: call messages on /ws (src/http/call_message.h), after the same JSON gate the
// WebSocket applies (nesting limit, then nlohmann's parser without exceptions). `make
// fuzz` runs it under libFuzzer; `make test` replays tests/fuzz/corpus/call_message.
// Invariants: never crashes or throws; a refusal always has a code and a message; an
// accepted command respects the limits (sdp ≤ 64 KiB, ≤ 8 sources, ≤ 64 layer entries).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json_body.h"
#include "http/call_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!haven::json_depth_ok(text)) return 0;
  auto message = nlohmann::json::parse(text, nullptr, false);
  if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) return 0;
  haven::sfu::rooms::CallCommand command;
  auto refused = haven::parse_call_message(message, command);
  if (refused) {
    if (!refused->code || refused->message.empty()) __builtin_trap();
    return 0;
  }
  if (command.sdp.size() > 64 * 1024 || command.sources.size() > 8 || command.layers.size() > 64) {
    __builtin_trap();
  }
  return 0;
}
