// What a person may do to a room over /ws: the one place call messages (room.join,
// room.remove) and group messages (mls.*) ask authorize() about a room, and the one way
// they record it in the audit log. The store is read again for every message, so a room
// that ended or a person taken off it stops at once.
#pragma once

#include <optional>
#include <string>

#include "access/authorize.h"
#include "store/repositories.h"

namespace haven {

class Store;
class CallControl;

struct RoomAccess {
  std::optional<User> user;
  std::optional<Room> room;  // set whenever it exists, allowed or not
  Decision decision = Decision::deny_forbidden;
  // When refused: a stable code and words for people. A room that does not exist, has
  // ended or is not this person's gets one answer (room_not_found), so a stranger learns
  // nothing about which rooms exist; a person of the room who is not its host is told that
  // only the host may (forbidden).
  const char* code = "room_not_found";
  std::string message;

  bool allowed() const noexcept { return decision == Decision::allow; }
};

// `calls` (may be null) says who the host removed from the room's call: they are refused
// (removed_from_call) for everything but the host's own actions.
RoomAccess room_access(Store& store, const CallControl* calls, const std::string& user_id,
                       const std::string& room_id, Action action);

// Appends "<action>" on the room by this person (ids and role only); a failure to append is
// logged, never thrown into the socket's handler.
void audit_room_event(Store& store, const std::string& user_id, const std::string& request_id,
                      const char* action, const std::string& room_id, const char* outcome);

}  // namespace haven
