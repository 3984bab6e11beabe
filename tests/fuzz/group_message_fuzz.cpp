// Fuzz target: MLS delivery messages on /ws (src/http/group_message.h), after the same
// JSON gate the WebSocket applies. `make fuzz` runs it under libFuzzer; `make test`
// replays tests/fuzz/corpus/group_message. Invariants: never crashes or throws; a refusal
// has a code and a message; an accepted commit or send is framed for the room's group.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "api/json_body.h"
#include "http/group_message.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (!haven::json_depth_ok(text)) return 0;
  auto message = nlohmann::json::parse(text, nullptr, false);
  if (!message.is_object() || !message.contains("type") || !message["type"].is_string()) return 0;
  haven::GroupCommand command;
  auto refused = haven::parse_group_message(message, command);
  if (refused) {
    if (!refused->code || refused->message.empty()) __builtin_trap();
    return 0;
  }
  using Kind = haven::GroupCommand::Kind;
  if (command.kind == Kind::commit || command.kind == Kind::send) {
    const auto& group = command.framing.group_id;
    if (std::string(group.begin(), group.end()) != command.room_id) __builtin_trap();
    if (command.message.size() > haven::delivery::kMaxMlsMessageBytes) __builtin_trap();
  }
  if (command.welcome_to.size() > haven::kMaxWelcomeRecipients) __builtin_trap();
  return 0;
}
