#include "http/call_signaling.h"

#include "http/call_message.h"
#include "http/room_access.h"
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
  who.user_id = access.user->id;
  who.display_name = access.user->display_name;
  audit_room_event(services_.store, user_id_, request_id_, "call.joined", room_id, "success");
  joined_room_ = room_id;
  return true;
}

// Taking someone out of the call is the host's (room_moderate) in the room this connection
// joined; the worker then checks that the peer is in that call.
bool CallSignaling::moderate(const nlohmann::json& message, rooms::CallCommand& command) {
  if (joined_room_.empty()) {
    error(message, "not_in_room", "You are not in a call.");
    return false;
  }
  auto access = room_access(services_.store, services_.calls, user_id_, joined_room_,
                            Action::room_moderate);
  if (!access.allowed()) {
    audit_room_event(services_.store, user_id_, request_id_, "call.remove_refused", joined_room_,
                     "denied");
    error(message, access.code, access.message);
    return false;
  }
  command.room_id = joined_room_;
  audit_room_event(services_.store, user_id_, request_id_, "call.participant_removed",
                   joined_room_, "success");
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
  if (command.kind == rooms::CallCommand::Kind::remove && !moderate(message, command)) return;
  worker_->submit(channel_, std::move(command));
}

}  // namespace haven
