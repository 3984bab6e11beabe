#include "http/call_signaling.h"

#include "access/authorize.h"

#include <ctime>
#include "http/call_message.h"
#include "log/logger.h"

namespace haven {

namespace rooms = sfu::rooms;


CallSignaling::CallSignaling(Services& services, std::string user_id, std::string request_id,
                             rooms::MediaWorker* worker,
                             std::shared_ptr<rooms::SignalingSink> sink,
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
  nlohmann::json out{{"type", "error"}, {"code", code}, {"message", text},
                     {"request_type", message["type"]}};
  if (message.contains("id") && message["id"].is_number_integer()) out["id"] = message["id"];
  reply_(out.dump());
}

// The one answer for a room that does not exist, has ended, or is not this person's: a
// stranger learns nothing about which rooms exist.
bool CallSignaling::admit(const nlohmann::json& message, const std::string& room_id,
                          rooms::JoinRequest& who) {
  auto user = services_.store.find_user(user_id_);
  auto room = services_.store.find_room(room_id);
  Actor actor;
  actor.user = user;
  const Decision decision =
      room && user ? authorize(actor, Action::room_join, room_ref(*room, user->id))
                   : Decision::deny_forbidden;
  const std::string role = user ? role_name(user->role) : "";
  if (decision != Decision::allow || !room || room->ended_at) {
    audit("call.join_refused", room_id, "denied", role);
  }
  if (decision == Decision::deny_mfa_required) {
    error(message, "mfa_required", "Turn on two-step verification to join calls.");
    return false;
  }
  if (!room || room->ended_at || decision != Decision::allow) {
    log::info("room.join_refused", {{"room", room_id}, {"user", user_id_}});
    error(message, "room_not_found", "This call does not exist or you are not invited to it.");
    return false;
  }
  who.user_id = user->id;
  who.display_name = user->display_name;
  audit("call.joined", room_id, "success", role);
  return true;
}

// Entering a call is access to a clinical session: recorded like any other access, with
// ids only (the room's participants are in the rooms table, never in the log).
void CallSignaling::audit(const char* action, const std::string& room_id, const char* outcome,
                          const std::string& role) {
  try {
    services_.store.append_audit({static_cast<std::int64_t>(std::time(nullptr)), user_id_, action,
                                  "room", room_id, outcome, request_id_, role, ""});
  } catch (const std::exception& e) {
    log::error("audit.append_failed", {{"what", e.what()}});
  }
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
  worker_->submit(channel_, std::move(command));
}

}  // namespace haven
