// `room.breakout` (docs/SIGNALING.md, docs/SESSIONS.md "Private check-in"): what a page in
// a call learns about a private check-in. Made in one place for the media worker (when one
// starts or ends) and for call signaling (to someone joining while one runs).
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace haven::sfu::rooms {

// `room_id`: the check-in's room, only for its own people (empty for everyone else, who
// learn only that one is running). `parent_room_id`: for a page in the check-in itself,
// the session it belongs to (and goes back to once `running` is false).
inline std::string breakout_message(bool running, const std::string& room_id,
                                    const std::string& parent_room_id) {
  nlohmann::json out{{"type", "room.breakout"}, {"running", running}};
  if (!room_id.empty()) out["room_id"] = room_id;
  if (!parent_room_id.empty()) out["parent_room_id"] = parent_room_id;
  return out.dump();
}

}  // namespace haven::sfu::rooms
