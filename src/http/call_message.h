// The wire format of call messages on /ws (docs/SIGNALING.md) → a CallCommand. A pure
// function of the parsed JSON, so it is fuzzed on its own (tests/fuzz/call_message_fuzz.cpp);
// who may do what is decided afterwards (CallSignaling: authorize(actor, room_join, room)).
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "sfu/rooms/call_command.h"

namespace haven {

// Stable code + a message for people (never echoes the input).
struct CallMessageError {
  const char* code;
  std::string message;
};

// `message` is an object with a string "type" starting "room." or "media.". Fills
// `command` (join's `who` is left for the caller) or answers why not.
std::optional<CallMessageError> parse_call_message(const nlohmann::json& message,
                                                   sfu::rooms::CallCommand& command);

}  // namespace haven
