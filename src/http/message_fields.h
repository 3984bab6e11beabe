// Fields every /ws message parser reads the same way (call_message, group_message): the
// optional request id a reply echoes, bounded strings and opaque ids. Pure functions of
// the parsed JSON; the parsers that use them are fuzzed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/json_body.h"

namespace haven {

// A non-empty string field of at most `max_bytes`, or nullptr.
inline const std::string* string_field(const nlohmann::json& message, const char* name,
                                       std::size_t max_bytes) {
  auto it = message.find(name);
  if (it == message.end() || !it->is_string()) return nullptr;
  const auto& text = it->get_ref<const std::string&>();
  return text.empty() || text.size() > max_bytes ? nullptr : &text;
}

// An id Haven handed out (is_opaque_id), or nullptr.
inline const std::string* opaque_id_field(const nlohmann::json& message, const char* name) {
  const auto* text = string_field(message, name, 64);
  return text && is_opaque_id(*text) ? text : nullptr;
}

// The "id" a client may add to any request (its reply and errors carry it back); false
// when it is there but not an integer.
inline bool read_request_id(const nlohmann::json& message, std::optional<std::int64_t>& id) {
  auto it = message.find("id");
  if (it == message.end()) return true;
  if (!it->is_number_integer()) return false;
  id = it->get<std::int64_t>();
  return true;
}

}  // namespace haven
