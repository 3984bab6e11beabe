// The wire format of MLS delivery messages on /ws (docs/E2EE.md, "Delivery service") →
// a GroupCommand. A pure function of the parsed JSON, fuzzed on its own
// (tests/fuzz/group_message_fuzz.cpp): it decodes the base64 and checks the MLS framing
// (RFC 9420 §6) of what the client sends; who may do what is decided afterwards
// (GroupSignaling: authorize(actor, room_join | room_admit, room)).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "delivery/mls_framing.h"
#include "http/call_message.h"

namespace haven {

// A commit adds at most everyone else of a 16-person room.
inline constexpr std::size_t kMaxWelcomeRecipients = 15;

struct GroupCommand {
  enum class Kind { subscribe, create, commit, send };
  Kind kind = Kind::subscribe;
  std::string type;
  std::optional<std::int64_t> request;
  std::string room_id;
  std::string device_id;     // subscribe
  std::int64_t after_seq = 0;  // subscribe
  std::vector<std::uint8_t> message;  // commit: the commit; send: the message
  delivery::MlsMessageInfo framing;   // of `message`
  std::vector<std::uint8_t> welcome;  // commit: optional
  std::vector<std::string> welcome_to;  // devices the Welcome is for (distinct)
};

// `message` is an object with a string "type" starting "mls.".
std::optional<CallMessageError> parse_group_message(const nlohmann::json& message,
                                                    GroupCommand& command);

}  // namespace haven
