// MediaWorker: the waiting room (docs/SESSIONS.md "Waiting room"). Who must wait, who may
// run the waiting room and the admissions themselves were decided and recorded by
// http/call_signaling; here channels move between a room's Lobby and its call, and the
// host's pages and the waiting pages are kept up to date. Lobby messages are relayed and
// forgotten: never logged, never stored.
#include <ctime>

#include "log/logger.h"
#include "sfu/rooms/media_worker.h"

namespace haven::sfu::rooms {

namespace {

std::string with_request(nlohmann::json message, RequestId request) {
  if (request) message["id"] = *request;
  return message.dump();
}

}  // namespace

bool MediaWorker::host_present(const std::string& room_id) const {
  for (const auto& [id, ch] : channels_) {
    if (ch.room_id == room_id && ch.join.host) return true;
  }
  return false;
}

std::string MediaWorker::waiting_message(const std::string& room_id, const JoinRequest& join,
                                         const char* reason, RequestId request) const {
  nlohmann::json message{{"type", "room.waiting"},
                         {"room_id", room_id},
                         {"host_present", host_present(room_id)},
                         {"host_name", join.host_name}};
  if (reason) message["reason"] = reason;
  return with_request(std::move(message), request);
}

// room.waiting to everyone waiting for this room (the host came or went).
void MediaWorker::tell_waiting(const std::string& room_id) {
  auto lobby = lobbies_.find(room_id);
  if (lobby == lobbies_.end()) return;
  for (auto channel_id : lobby->second.channels()) {
    auto ch = channels_.find(channel_id);
    if (ch == channels_.end()) continue;
    ch->second.sink->deliver(waiting_message(room_id, ch->second.join, nullptr, std::nullopt));
  }
}

// room.lobby to every host page in the call.
void MediaWorker::notify_hosts(const std::string& room_id) {
  auto lobby = lobbies_.find(room_id);
  const std::string summary = (lobby == lobbies_.end() ? Lobby{} : lobby->second).summary().dump();
  for (auto& [id, ch] : channels_) {
    if (ch.room_id == room_id && ch.join.host) ch.sink->deliver(summary);
  }
}

void MediaWorker::wait(ChannelId id, Channel& channel, const std::string& room_id,
                       const JoinRequest& join, RequestId request, const char* reason) {
  Lobby& lobby = lobbies_[room_id];
  channel.waiting_for = room_id;
  channel.join = join;
  channel.join.must_wait = true;
  lobby.add({id, channel.join, request, static_cast<std::int64_t>(std::time(nullptr))});
  channel.sink->deliver(waiting_message(room_id, join, reason, request));
  log::info("room.waiting", {{"room", room_id}, {"user", join.user_id}});
  notify_hosts(room_id);
}

bool MediaWorker::stop_waiting(ChannelId id, Channel& channel) {
  if (channel.waiting_for.empty()) return false;
  const std::string room_id = std::exchange(channel.waiting_for, {});
  auto lobby = lobbies_.find(room_id);
  if (lobby == lobbies_.end() || !lobby->second.take_channel(id)) return false;
  notify_hosts(room_id);
  if (lobby->second.empty() && !rooms_.contains(room_id)) lobbies_.erase(lobby);
  return true;
}

// The room ended: whoever waits is told, and the waiting room goes with it.
void MediaWorker::end_waiting(const std::string& room_id) {
  auto lobby = lobbies_.find(room_id);
  if (lobby == lobbies_.end()) return;
  for (const auto& waiter : lobby->second.take_all()) {
    auto ch = channels_.find(waiter.channel);
    if (ch == channels_.end()) continue;
    ch->second.waiting_for.clear();
    ch->second.sink->deliver(nlohmann::json{{"type", "room.left"}, {"reason", "ended"}}.dump());
  }
  lobbies_.erase(lobby);
}

void MediaWorker::run_lobby(Channel& sender, const CallCommand& command) {
  using Kind = CallCommand::Kind;
  SignalingSink& sink = *sender.sink;
  if (command.kind == Kind::lobby_message) return relay_lobby_message(sender, command);
  // Everything else is the host's, from inside the call.
  if (sender.room_id.empty() || sender.room_id != command.room_id || !sender.join.host) {
    return send_error(sink, command, "not_in_room", "You are not in a call.");
  }
  Lobby& lobby = lobbies_[command.room_id];
  switch (command.kind) {
    case Kind::admit:
      return admit(sender, command);
    case Kind::send_back:
      return send_back(sender, command);
    case Kind::deny: {
      auto denied = lobby.take_user(command.user_ids.front());
      if (denied.empty()) {
        return send_error(sink, command, "participant_not_found",
                          "That person is no longer waiting.");
      }
      for (const auto& waiter : denied) {
        auto ch = channels_.find(waiter.channel);
        if (ch == channels_.end()) continue;
        ch->second.waiting_for.clear();
        ch->second.sink->deliver(
            nlohmann::json{{"type", "room.left"}, {"reason", "denied"}}.dump());
      }
      sink.deliver(with_request({{"type", "room.denied"}, {"user_id", command.user_ids.front()}},
                                command.request));
      return notify_hosts(command.room_id);
    }
    case Kind::lock:
      lobby.locked = command.locked;
      sink.deliver(
          with_request({{"type", "room.locked"}, {"locked", command.locked}}, command.request));
      return notify_hosts(command.room_id);
    default:
      return;
  }
}

// Everyone waiting under these people's names comes in (each tab a participant). An
// admission of someone not waiting now still holds: they will enter when they come. A call
// that is full (16) keeps the rest waiting, and the host is told why (room_full): the
// admission holds, so they enter on their own once someone leaves and they rejoin.
void MediaWorker::admit(Channel& host, const CallCommand& command) {
  Lobby& lobby = lobbies_[command.room_id];
  bool kept_waiting = false;
  for (const auto& user_id : command.user_ids) {
    for (auto& waiter : lobby.take_user(user_id)) {
      auto ch = channels_.find(waiter.channel);
      if (ch == channels_.end()) continue;
      auto room = rooms_.find(command.room_id);
      if (room != rooms_.end() && room->second && room->second->full()) {
        lobby.add(std::move(waiter));
        kept_waiting = true;
        continue;
      }
      ch->second.waiting_for.clear();
      JoinRequest join = waiter.join;
      join.must_wait = false;
      enter(ch->second, command.room_id, join, std::nullopt);
    }
  }
  if (kept_waiting) {
    send_error(*host.sink, command, "room_full",
               "The call already has 16 people in it. They are still waiting.");
  } else {
    host.sink->deliver(
        with_request({{"type", "room.admitted"}, {"user_ids", command.user_ids}}, command.request));
  }
  notify_hosts(command.room_id);
}

// Back to the waiting room: every tab of theirs leaves the call (the others see them leave)
// and waits again; the host's client takes them out of the MLS group.
void MediaWorker::send_back(Channel& host, const CallCommand& command) {
  const std::string& user_id = command.user_ids.front();
  const std::string room_id = command.room_id;
  bool found = false;
  for (auto& [id, ch] : channels_) {
    if (ch.room_id != room_id || ch.join.user_id != user_id || ch.join.host) continue;
    found = true;
    JoinRequest join = ch.join;
    leave_room(ch, nullptr);
    wait(id, ch, room_id, join, std::nullopt, "sent_back");
  }
  if (!found) {
    return send_error(*host.sink, command, "participant_not_found",
                      "That person is no longer in the call.");
  }
  host.sink->deliver(
      with_request({{"type", "room.sent_back"}, {"user_id", user_id}}, command.request));
}

// A line between the host and one waiting person ("I'll be two minutes"). Relayed over the
// server like signaling (TLS, not end-to-end encrypted: the page says so), never kept.
void MediaWorker::relay_lobby_message(Channel& sender, const CallCommand& command) {
  SignalingSink& sink = *sender.sink;
  const bool from_host = !command.user_ids.empty();
  if (from_host) {
    if (sender.room_id != command.room_id || !sender.join.host) {
      return send_error(sink, command, "not_in_room", "You are not in a call.");
    }
    auto lobby = lobbies_.find(command.room_id);
    bool delivered = false;
    if (lobby != lobbies_.end()) {
      const nlohmann::json out{{"type", "room.lobby_message"},
                               {"from_host", true},
                               {"user_id", sender.join.user_id},
                               {"display_name", sender.join.display_name},
                               {"text", command.text}};
      for (auto channel_id : lobby->second.channels()) {
        auto ch = channels_.find(channel_id);
        if (ch == channels_.end() || ch->second.join.user_id != command.user_ids.front()) continue;
        ch->second.sink->deliver(out.dump());
        delivered = true;
      }
    }
    if (!delivered) {
      return send_error(sink, command, "participant_not_found",
                        "That person is no longer waiting.");
    }
  } else {
    if (sender.waiting_for != command.room_id) {
      return send_error(sink, command, "not_waiting", "You are not in the waiting room.");
    }
    if (!host_present(command.room_id)) {
      return send_error(sink, command, "host_not_here",
                        "Your therapist has not joined yet. Your message was not sent.");
    }
    const nlohmann::json out{{"type", "room.lobby_message"},
                             {"from_host", false},
                             {"user_id", sender.join.user_id},
                             {"display_name", sender.join.display_name},
                             {"text", command.text}};
    for (auto& [id, ch] : channels_) {
      if (ch.room_id == command.room_id && ch.join.host) ch.sink->deliver(out.dump());
    }
  }
  sink.deliver(with_request({{"type", "room.lobby_message_sent"}}, command.request));
}

}  // namespace haven::sfu::rooms
