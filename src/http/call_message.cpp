#include "http/call_message.h"

#include "api/json_body.h"
#include "http/message_fields.h"
#include "sfu/sdp/session_description.h"

namespace haven {

namespace rooms = sfu::rooms;

namespace {

CallMessageError invalid(std::string why) {
  return {"invalid_message", std::move(why)};
}

// The most sections one recv connection has (sdp::kMaxMediaSections).
constexpr std::size_t kMaxLayerEntries = sfu::sdp::kMaxMediaSections;
// A call holds 16: nobody admits more at once.
constexpr std::size_t kMaxAdmitted = 16;
// A waiting-room message is a line or two ("I'll be 5 minutes late"), not a conversation.
constexpr std::size_t kMaxLobbyText = 1000;

}  // namespace

std::optional<CallMessageError> parse_call_message(const nlohmann::json& message,
                                                   rooms::CallCommand& command) {
  using Kind = rooms::CallCommand::Kind;
  const auto& type = message.at("type").get_ref<const std::string&>();
  command.type = type;
  if (!read_request_id(message, command.request)) return invalid("The id must be an integer.");

  if (type == "room.join") {
    const auto* room_id = opaque_id_field(message, "room_id");
    if (!room_id) return invalid("room.join needs a room_id.");
    command.kind = Kind::join;
    command.room_id = *room_id;
  } else if (type == "room.leave") {
    command.kind = Kind::leave;
  } else if (type == "room.remove") {
    const auto* peer_id = opaque_id_field(message, "peer_id");
    if (!peer_id) return invalid("room.remove needs a peer_id.");
    command.kind = Kind::remove;
    command.peer_id = *peer_id;
  } else if (type == "room.ask_unmute") {
    const auto* peer_id = opaque_id_field(message, "peer_id");
    auto source = message.find("source");
    auto parsed = source == message.end()
                      ? std::optional{rooms::TrackSource::microphone}
                      : (source->is_string() ? rooms::parse_track_source(source->get<std::string>())
                                             : std::nullopt);
    if (!peer_id || !parsed || *parsed == rooms::TrackSource::screen) {
      return invalid("room.ask_unmute needs a peer_id and a source of microphone or camera.");
    }
    command.kind = Kind::ask_unmute;
    command.peer_id = *peer_id;
    command.source = *parsed;
  } else if (type == "room.admit") {
    auto ids = message.find("user_ids");
    if (ids == message.end() || !ids->is_array() || ids->empty() || ids->size() > kMaxAdmitted) {
      return invalid("room.admit needs user_ids (1 to 16).");
    }
    for (const auto& id : *ids) {
      if (!id.is_string() || !is_opaque_id(id.get_ref<const std::string&>())) {
        return invalid("Each of user_ids is a person's id.");
      }
      command.user_ids.push_back(id.get<std::string>());
    }
    command.kind = Kind::admit;
  } else if (type == "room.deny" || type == "room.send_back") {
    const auto* user_id = opaque_id_field(message, "user_id");
    if (!user_id) return invalid(type + " needs a user_id.");
    command.kind = type == "room.deny" ? Kind::deny : Kind::send_back;
    command.user_ids = {*user_id};
  } else if (type == "room.lock") {
    auto locked = message.find("locked");
    if (locked == message.end() || !locked->is_boolean()) {
      return invalid("room.lock needs locked (true or false).");
    }
    command.kind = Kind::lock;
    command.locked = locked->get<bool>();
  } else if (type == "room.lobby_message") {
    const auto* text = string_field(message, "text", kMaxLobbyText);
    if (!text) return invalid("room.lobby_message needs a text of 1 to 1000 bytes.");
    if (message.contains("user_id")) {
      const auto* user_id = opaque_id_field(message, "user_id");
      if (!user_id) return invalid("The user_id must be a person's id.");
      command.user_ids = {*user_id};
    }
    command.kind = Kind::lobby_message;
    command.text = *text;
  } else if (type == "media.publish" || type == "media.answer") {
    const auto* sdp = string_field(message, "sdp", sfu::sdp::kMaxSdpSize);
    if (!sdp) return invalid(type + " needs an sdp of at most 64 KiB.");
    command.kind = type == "media.publish" ? Kind::publish : Kind::answer;
    command.sdp = *sdp;
    if (command.kind == Kind::publish) {
      auto sources = message.find("sources");
      if (sources == message.end() || !sources->is_object() ||
          sources->size() > rooms::kMaxPublishedTracks) {
        return invalid("media.publish needs sources (at most 8).");
      }
      for (const auto& [mid, source] : sources->items()) {
        auto parsed = source.is_string() ? rooms::parse_track_source(source.get<std::string>())
                                         : std::nullopt;
        if (!is_opaque_id(mid) || !parsed) {
          return invalid("Each source is camera, microphone or screen, keyed by mid.");
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
      return invalid("media.mute needs a source and muted.");
    }
    command.kind = Kind::mute;
    command.source = *parsed;
    command.muted = muted->get<bool>();
  } else if (type == "media.layers") {
    auto layers = message.find("layers");
    if (layers == message.end() || !layers->is_object() || layers->size() > kMaxLayerEntries) {
      return invalid("media.layers needs layers (at most 64).");
    }
    for (const auto& [mid, wish] : layers->items()) {
      auto parsed =
          wish.is_string() ? rooms::parse_layer_wish(wish.get<std::string>()) : std::nullopt;
      if (!is_opaque_id(mid) || !parsed) {
        return invalid("Each layer is off, low, medium or high, keyed by mid.");
      }
      command.layers[mid] = *parsed;
    }
    command.kind = Kind::layers;
  } else {
    return CallMessageError{"unknown_type", "This message type is not known."};
  }
  return std::nullopt;
}

}  // namespace haven
