#include "http/call_signaling.h"

#include "access/authorize.h"
#include "api/json_body.h"
#include "log/logger.h"
#include "sfu/sdp/session_description.h"

namespace haven {

namespace rooms = sfu::rooms;

namespace {

const nlohmann::json* string_field(const nlohmann::json& message, const char* name,
                                   std::size_t max_bytes) {
  auto it = message.find(name);
  if (it == message.end() || !it->is_string()) return nullptr;
  const auto& text = it->get_ref<const std::string&>();
  return text.empty() || text.size() > max_bytes ? nullptr : &*it;
}

}  // namespace

CallSignaling::CallSignaling(Services& services, std::string user_id,
                             rooms::MediaWorker* worker,
                             std::shared_ptr<rooms::SignalingSink> sink,
                             std::function<void(std::string)> reply)
    : services_(services),
      user_id_(std::move(user_id)),
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
  ObjectRef ref{"room", room_id, room ? room->org_id : std::string()};
  if (room && user) {
    ref.actor_is_owner = room->owner_id == user->id;
    ref.actor_is_participant = room->admits(user->id);
  }
  const Decision decision = authorize(actor, Action::room_join, ref);
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
  return true;
}

void CallSignaling::handle(const nlohmann::json& message) {
  const auto& type = message["type"].get_ref<const std::string&>();
  if (message.contains("id") && !message["id"].is_number_integer()) {
    return error(message, "invalid_message", "The id must be an integer.");
  }
  if (!worker_) {
    return error(message, "media_unavailable", "Calls are not available on this server.");
  }
  rooms::CallCommand command;
  command.type = type;
  if (message.contains("id")) command.request = message["id"].get<std::int64_t>();
  using Kind = rooms::CallCommand::Kind;

  if (type == "room.join") {
    const auto* room_id = string_field(message, "room_id", 64);
    if (!room_id || !is_opaque_id(room_id->get_ref<const std::string&>())) {
      return error(message, "invalid_message", "room.join needs a room_id.");
    }
    command.kind = Kind::join;
    command.room_id = room_id->get<std::string>();
    if (!admit(message, command.room_id, command.join)) return;
  } else if (type == "room.leave") {
    command.kind = Kind::leave;
  } else if (type == "media.publish" || type == "media.answer") {
    const auto* sdp = string_field(message, "sdp", sfu::sdp::kMaxSdpSize);
    if (!sdp) return error(message, "invalid_message", type + " needs an sdp of at most 64 KiB.");
    command.kind = type == "media.publish" ? Kind::publish : Kind::answer;
    command.sdp = sdp->get<std::string>();
    if (command.kind == Kind::publish) {
      auto sources = message.find("sources");
      if (sources == message.end() || !sources->is_object() ||
          sources->size() > rooms::kMaxPublishedTracks) {
        return error(message, "invalid_message", "media.publish needs sources (at most 8).");
      }
      for (auto& [mid, source] : sources->items()) {
        auto parsed = source.is_string() ? rooms::parse_track_source(source.get<std::string>())
                                         : std::nullopt;
        if (!is_opaque_id(mid) || !parsed) {
          return error(message, "invalid_message",
                       "Each source is camera, microphone or screen, keyed by mid.");
        }
        command.sources[mid] = *parsed;
      }
    }
  } else if (type == "media.restart_ice") {
    command.kind = Kind::restart_ice;
  } else if (type == "media.mute") {
    auto source = message.find("source");
    auto muted = message.find("muted");
    auto parsed = source != message.end() && source->is_string()
                      ? rooms::parse_track_source(source->get<std::string>())
                      : std::nullopt;
    if (!parsed || muted == message.end() || !muted->is_boolean()) {
      return error(message, "invalid_message", "media.mute needs a source and muted.");
    }
    command.kind = Kind::mute;
    command.source = *parsed;
    command.muted = muted->get<bool>();
  } else {
    return error(message, "unknown_type", "This message type is not known.");
  }
  worker_->submit(channel_, std::move(command));
}

}  // namespace haven
