#include "http/room_access.h"

#include <ctime>

#include "api/route_table.h"
#include "log/logger.h"

namespace haven {

RoomAccess room_access(Store& store, const CallControl* calls, const std::string& user_id,
                       const std::string& room_id, Action action) {
  RoomAccess access;
  access.user = store.find_user(user_id);
  access.room = store.find_room(room_id);
  Actor actor;
  actor.user = access.user;
  if (access.user && access.room && !access.room->ended_at) {
    access.decision = authorize(actor, action, room_ref(*access.room, access.user->id));
  }
  if (access.allowed() && calls && calls->removed_from(room_id, user_id)) {
    access.decision = Decision::deny_forbidden;
    access.code = "removed_from_call";
    access.message = "The host removed you from this call.";
  } else if (access.allowed()) {
    access.code = "";
  } else if (access.decision == Decision::deny_mfa_required) {
    access.code = "mfa_required";
    access.message = "Turn on two-step verification to join calls.";
  } else if (access.room && !access.room->ended_at && access.room->admits(user_id) &&
             action != Action::room_join) {
    access.code = "forbidden";
    access.message = "Only the host can do that in this session.";
  } else {
    access.message = "This call does not exist or you are not invited to it.";
  }
  return access;
}

void audit_room_event(Store& store, const std::string& user_id, const std::string& request_id,
                      const char* action, const std::string& room_id, const char* outcome) {
  try {
    auto user = store.find_user(user_id);
    store.append_audit({static_cast<std::int64_t>(std::time(nullptr)), user_id, action, "room",
                        room_id, outcome, request_id, user ? role_name(user->role) : "", ""});
  } catch (const std::exception& e) {
    log::error("audit.append_failed", {{"what", e.what()}});
  }
}

}  // namespace haven
