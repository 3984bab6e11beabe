#include "http/call_signaling.h"

#include <ctime>

#include "http/call_message.h"
#include "log/logger.h"
#include "sfu/rooms/breakout_message.h"

namespace haven {

namespace rooms = sfu::rooms;

CallSignaling::CallSignaling(Services& services, std::string user_id, std::string request_id,
                             rooms::MediaWorker* worker, std::shared_ptr<rooms::SignalingSink> sink,
                             std::function<void(std::string)> reply)
    : services_(services),
      user_id_(std::move(user_id)),
      request_id_(std::move(request_id)),
      worker_(worker),
      reply_(std::move(reply)) {
  if (worker_) channel_ = worker_->open_channel(std::move(sink));
}

CallSignaling::~CallSignaling() {
  if (worker_) worker_->close_channel(channel_);
}

bool CallSignaling::handles(const std::string& type) {
  return type.rfind("room.", 0) == 0 || type.rfind("media.", 0) == 0;
}

void CallSignaling::error(const nlohmann::json& message, const char* code,
                          const std::string& text) {
  nlohmann::json out{
      {"type", "error"}, {"code", code}, {"message", text}, {"request_type", message["type"]}};
  if (message.contains("id") && message["id"].is_number_integer()) out["id"] = message["id"];
  reply_(out.dump());
}

bool CallSignaling::admit(const nlohmann::json& message, const std::string& room_id,
                          rooms::JoinRequest& who) {
  auto access = room_access(services_.store, services_.calls, user_id_, room_id, Action::room_join);
  if (!access.allowed()) {
    audit_room_event(services_.store, user_id_, request_id_, "call.join_refused", room_id,
                     "denied");
    log::info("room.join_refused", {{"room", room_id}, {"user", user_id_}});
    error(message, access.code, access.message);
    return false;
  }
  // The host enters; so does anyone the host admitted before (a reload, a network drop, a
  // server restart). Everyone else waits for the host, and a locked room takes no one new.
  const Room& room = *access.room;
  who.user_id = access.user->id;
  who.display_name = access.user->display_name;
  who.guest = access.user->role == Role::guest;
  who.host = room.owner_id == access.user->id;
  who.must_wait = !who.host && !room.admitted(access.user->id);
  who.room_locked = room.locked;
  if (who.must_wait && room.locked) {
    audit_room_event(services_.store, user_id_, request_id_, "call.join_refused", room_id,
                     "locked");
    error(message, "room_locked", "The host has locked this session. Ask them to let you in.");
    return false;
  }
  if (auto host = services_.store.find_user(room.owner_id)) who.host_name = host->display_name;
  audit_room_event(services_.store, user_id_, request_id_,
                   who.must_wait ? "call.waiting" : "call.joined", room_id, "success");
  joined_room_ = room_id;
  tell_breakout(room, who.user_id);
  return true;
}

// Someone entering while a private check-in runs (docs/SESSIONS.md "Private check-in"):
// its own people learn its room (their pages move there), the others only that one runs;
// a page in the check-in learns the session it belongs to.
void CallSignaling::tell_breakout(const Room& room, const std::string& user_id) {
  if (room.parent_id) {
    reply_(rooms::breakout_message(true, {}, *room.parent_id));
    return;
  }
  if (auto breakout = services_.store.open_breakout_of(room.id)) {
    reply_(rooms::breakout_message(true, breakout->admits(user_id) ? breakout->id : "", {}));
  }
}

// The room this connection joined or waits for, if this person may still do `action` there;
// otherwise the refusal is answered (and audited as `refused_audit` when given).
std::optional<RoomAccess> CallSignaling::joined_room_access(const nlohmann::json& message,
                                                            Action action,
                                                            const char* refused_audit) {
  if (joined_room_.empty()) {
    error(message, "not_in_room", "You are not in a call.");
    return std::nullopt;
  }
  auto access = room_access(services_.store, services_.calls, user_id_, joined_room_, action);
  if (!access.allowed()) {
    if (refused_audit) {
      audit_room_event(services_.store, user_id_, request_id_, refused_audit, joined_room_,
                       "denied");
    }
    error(message, access.code, access.message);
    return std::nullopt;
  }
  return access;
}

// Taking someone out of the call is the host's (room_moderate) in the room this connection
// joined; the worker then checks that the peer is in that call.
bool CallSignaling::moderate(const nlohmann::json& message, rooms::CallCommand& command,
                             const char* audited) {
  if (!joined_room_access(message, Action::room_moderate, "call.remove_refused")) return false;
  command.room_id = joined_room_;
  if (audited) {
    audit_room_event(services_.store, user_id_, request_id_, audited, joined_room_, "success");
  }
  return true;
}

// The waiting room's controls are the host's; a waiting person may only write to the host.
// Admissions and the lock are written here, before the worker acts, so that they hold for
// every later join, even after a server restart.
bool CallSignaling::run_waiting_room(const nlohmann::json& message, rooms::CallCommand& command) {
  using Kind = rooms::CallCommand::Kind;
  const bool from_waiting = command.kind == Kind::lobby_message && command.user_ids.empty();
  auto access =
      joined_room_access(message, from_waiting ? Action::room_join : Action::room_moderate,
                         from_waiting ? nullptr : "call.waiting_room_refused");
  if (!access) return false;
  const Room& room = *access->room;
  for (const auto& id : command.user_ids) {
    if (!room.admits(id) || id == room.owner_id) {
      error(message, "participant_not_found", "That person is not part of this session.");
      return false;
    }
  }
  command.room_id = joined_room_;
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  const char* audited = nullptr;
  switch (command.kind) {
    case Kind::admit:
      services_.store.set_room_admitted(room.id, command.user_ids, true, now);
      audited = "call.admitted";
      break;
    case Kind::send_back:
      services_.store.set_room_admitted(room.id, command.user_ids, false, now);
      audited = "call.sent_back";
      break;
    case Kind::deny:
      audited = "call.denied";
      break;
    case Kind::lock:
      services_.store.set_room_locked(room.id, command.locked);
      audited = command.locked ? "call.locked" : "call.unlocked";
      break;
    default:  // lobby messages are relayed, never recorded: their words are the people's
      break;
  }
  if (audited) {
    audit_room_event(services_.store, user_id_, request_id_, audited, joined_room_, "success");
  }
  return true;
}

void CallSignaling::handle(const nlohmann::json& message) {
  rooms::CallCommand command;
  if (auto refused = parse_call_message(message, command)) {
    return error(message, refused->code, refused->message);
  }
  if (!worker_) {
    return error(message, "media_unavailable", "Calls are not available on this server.");
  }
  if (command.kind == rooms::CallCommand::Kind::join &&
      !admit(message, command.room_id, command.join)) {
    return;
  }
  using Kind = rooms::CallCommand::Kind;
  if (command.kind == Kind::remove && !moderate(message, command, "call.participant_removed")) {
    return;
  }
  // Asking someone to unmute changes nothing but a prompt on their page: not audited.
  if (command.kind == Kind::ask_unmute && !moderate(message, command, nullptr)) return;
  if ((command.kind == Kind::admit || command.kind == Kind::deny ||
       command.kind == Kind::send_back || command.kind == Kind::lock ||
       command.kind == Kind::lobby_message) &&
      !run_waiting_room(message, command)) {
    return;
  }
  worker_->submit(channel_, std::move(command));
}

}  // namespace haven
