#include "sfu/rooms/media_worker.h"

#include <boost/asio/post.hpp>
#include <chrono>
#include <ctime>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "log/logger.h"

namespace haven::sfu::rooms {

MediaWorker::MediaWorker(WebRtcServerOptions options, std::string payload_sample_file)
    : certificate_(DtlsCertificate::generate()),
      dtls_context_(certificate_),
      server_(std::make_unique<WebRtcServer>(ioc_, dtls_context_, std::move(options))),
      port_(server_->port()),
      tick_timer_(ioc_),
      payload_sample_file_(std::move(payload_sample_file)) {
  if (!payload_sample_file_.empty()) {
    payload_sampler_ = std::make_unique<routing::PayloadSampler>();
  }
}

MediaWorker::~MediaWorker() {
  stop();
}

void MediaWorker::start() {
  schedule_tick();
  thread_.start(ioc_, "sfu-media", "sfu.worker_error");
}

void MediaWorker::stop() {
  if (stopped_) return;
  stopped_ = true;
  if (thread_.running()) {
    boost::asio::post(ioc_, [this] {
      // A clean stop knows when everyone left: attendance ends here, not at the next start.
      for (auto& [id, channel] : channels_) {
        if (Participant* p = participant_of(channel)) {
          emit(CallEvent::Kind::left, channel.room_id, p->user_id(), p->peer_id());
        }
      }
      for (auto& [id, room] : rooms_) room->close_all(nullptr);
      rooms_.clear();
      channels_.clear();
      tick_timer_.cancel();
      server_.reset();  // closes the socket
    });
    thread_.join();
  }
}

MediaWorker::ChannelId MediaWorker::open_channel(std::shared_ptr<SignalingSink> sink) {
  const ChannelId id = next_channel_++;
  boost::asio::post(ioc_, [this, id, sink = std::move(sink)]() mutable {
    channels_[id] = Channel{std::move(sink), {}, {}};
  });
  return id;
}

void MediaWorker::submit(ChannelId channel, CallCommand command) {
  boost::asio::post(
      ioc_, [this, channel, command = std::move(command)]() mutable { handle(channel, command); });
}

void MediaWorker::close_channel(ChannelId channel) {
  boost::asio::post(ioc_, [this, channel] {
    auto it = channels_.find(channel);
    if (it == channels_.end()) return;
    stop_waiting(channel, it->second);
    leave_room(it->second, nullptr);
    channels_.erase(it);
  });
}

void MediaWorker::end_call(const std::string& room_id) {
  boost::asio::post(ioc_, [this, room_id] {
    {
      std::lock_guard lock(removed_mutex_);
      removed_.erase(room_id);
    }
    end_waiting(room_id);
    auto room = rooms_.find(room_id);
    if (room == rooms_.end()) return;
    for (auto& [id, channel] : channels_) {
      if (channel.room_id != room_id) continue;
      if (Participant* p = participant_of(channel)) {
        emit(CallEvent::Kind::left, room_id, p->user_id(), p->peer_id());
      }
    }
    room->second->close_all("ended");
    rooms_.erase(room);
    for (auto& [id, channel] : channels_) {
      if (channel.room_id == room_id) channel.room_id.clear(), channel.peer_id.clear();
    }
  });
}

void MediaWorker::send_error(SignalingSink& sink, const CallCommand& command, const char* code,
                             const std::string& message) {
  send_error(sink, command.type, command.request, code, message);
}

void MediaWorker::send_error(SignalingSink& sink, const std::string& type, RequestId request,
                             const char* code, const std::string& message) {
  nlohmann::json error{
      {"type", "error"}, {"code", code}, {"message", message}, {"request_type", type}};
  if (request) error["id"] = *request;
  sink.deliver(error.dump());
}

Participant* MediaWorker::participant_of(Channel& channel) {
  return channel.room_id.empty() ? nullptr : participant_in(channel.room_id, channel.peer_id);
}

Participant* MediaWorker::participant_in(const std::string& room_id, const std::string& peer_id) {
  auto room = rooms_.find(room_id);
  return room == rooms_.end() ? nullptr : room->second->find(peer_id);
}

void MediaWorker::leave_room(Channel& channel, const char* reason, RequestId reply_to) {
  if (channel.room_id.empty()) return;
  if (Participant* p = participant_of(channel)) {
    emit(CallEvent::Kind::left, channel.room_id, p->user_id(), p->peer_id());
  }
  const std::string room_id = std::exchange(channel.room_id, {});
  auto room = rooms_.find(room_id);
  if (room != rooms_.end()) {
    room->second->leave(channel.peer_id, reason, reply_to);
    if (room->second->size() == 0) rooms_.erase(room);
  }
  channel.peer_id.clear();
  // The people waiting learn that the host stepped out (they keep waiting).
  if (channel.join.host && !host_present(room_id)) tell_waiting(room_id);
  if (auto lobby = lobbies_.find(room_id);
      lobby != lobbies_.end() && lobby->second.empty() && !rooms_.contains(room_id)) {
    lobbies_.erase(lobby);
  }
}

bool MediaWorker::enter(Channel& channel, const std::string& room_id, const JoinRequest& join,
                        RequestId request) {
  auto& room = rooms_[room_id];
  if (!room) {
    routing::RouterConfig router_config{routing::steady_to_unix_offset_ns()};
    router_config.payload_sampler = payload_sampler_.get();
    room = std::make_unique<Room>(room_id, *server_, router_config,
                                  [this, room_id](const std::string& peer_id) {
                                    // A transport failed inside its own callback: remove the
                                    // participant later.
                                    boost::asio::post(ioc_, [this, room_id, peer_id] {
                                      for (auto& [cid, ch] : channels_) {
                                        if (ch.room_id == room_id && ch.peer_id == peer_id)
                                          leave_room(ch, "failed");
                                      }
                                    });
                                  });
    TickPhases::Counts open{};
    for (const auto& [other_id, other] : rooms_) {
      if (other) ++open[other->tick_phase()];
    }
    room->set_tick_phase(TickPhases::least_used(open));
  }
  if (room->full()) {
    send_error(*channel.sink, "room.join", request, "room_full",
               "This call already has 16 people in it.");
    return false;
  }
  Participant& p = room->join(join, channel.sink, request);
  channel.room_id = room_id;
  channel.peer_id = p.peer_id();
  channel.join = join;
  channel.join.must_wait = false;
  emit(CallEvent::Kind::joined, room_id, p.user_id(), p.peer_id());
  if (join.host) {
    Lobby& lobby = lobbies_[room_id];
    lobby.locked = join.room_locked;
    channel.sink->deliver(lobby.summary().dump());
    tell_waiting(room_id);
  }
  return true;
}

bool MediaWorker::removed_from(const std::string& room_id, const std::string& user_id) const {
  std::lock_guard lock(removed_mutex_);
  auto it = removed_.find(room_id);
  return it != removed_.end() && it->second.contains(user_id);
}

void MediaWorker::emit(CallEvent::Kind kind, const std::string& room_id, const std::string& user_id,
                       const std::string& peer_id) {
  if (!events_) return;
  events_->on_call_event(
      {kind, room_id, user_id, peer_id, static_cast<std::int64_t>(std::time(nullptr))});
}

// The host (authorized by CallSignaling) takes `command.peer_id` out of their call: that
// person's page is told `room.left {reason: "removed"}`, everyone else sees them leave, and
// they cannot join this call again until it ends (their client would rejoin on its own).
// The host's own participant and the one `command.peer_id` names in the host's call; null
// (the error answered) when the host is not in that call or the person is not.
std::pair<Participant*, Participant*> MediaWorker::host_and_target(Channel& host,
                                                                   const CallCommand& command) {
  if (host.room_id.empty() || host.room_id != command.room_id) {
    send_error(*host.sink, command, "not_in_room", "You are not in a call.");
    return {nullptr, nullptr};
  }
  Participant* self = participant_of(host);
  Participant* them = participant_in(host.room_id, command.peer_id);
  if (!self || !them) {
    send_error(*host.sink, command, "participant_not_found",
               "That person is no longer in the call.");
    return {nullptr, nullptr};
  }
  return {self, them};
}

void MediaWorker::remove(Channel& host, const CallCommand& command) {
  SignalingSink& sink = *host.sink;
  auto [self, them] = host_and_target(host, command);
  if (!self) return;
  if (them->user_id() == self->user_id()) {
    return send_error(sink, command, "cannot_remove_self", "Leave the call instead.");
  }
  const std::string user_id = them->user_id();
  {
    std::lock_guard lock(removed_mutex_);
    removed_[host.room_id].insert(user_id);
  }
  // Every tab and device of theirs in this call goes, not only the one named.
  const std::string peer_id = command.peer_id;
  for (auto& [id, ch] : channels_) {
    if (ch.room_id != host.room_id) continue;
    if (Participant* p = participant_of(ch); p && p->user_id() == user_id) {
      leave_room(ch, "removed");
    }
  }
  nlohmann::json done{{"type", "room.removed"}, {"peer_id", peer_id}};
  if (command.request) done["id"] = *command.request;
  sink.deliver(done.dump());
}

// The host asks one person to unmute (docs/SIGNALING.md): a prompt on their page, which
// they answer themselves; nobody can unmute someone else's microphone.
void MediaWorker::ask_unmute(Channel& host, const CallCommand& command) {
  SignalingSink& sink = *host.sink;
  auto [self, them] = host_and_target(host, command);
  if (!self) return;
  if (them == self) return send_error(sink, command, "cannot_ask_self", "Unmute yourself instead.");
  them->sink().deliver(nlohmann::json{{"type", "room.unmute_request"},
                                      {"source", to_string(command.source)},
                                      {"from_name", self->display_name()}}
                           .dump());
  nlohmann::json done{{"type", "room.unmute_asked"}, {"peer_id", command.peer_id}};
  if (command.request) done["id"] = *command.request;
  sink.deliver(done.dump());
}

void MediaWorker::handle(ChannelId id, CallCommand& command) {
  auto it = channels_.find(id);
  if (it == channels_.end() || !server_) return;  // the socket closed meanwhile
  Channel& channel = it->second;
  SignalingSink& sink = *channel.sink;
  using Kind = CallCommand::Kind;

  if (command.kind == Kind::join) {
    if (!channel.room_id.empty() || !channel.waiting_for.empty()) {
      return send_error(sink, command, "already_in_room", "Leave the current call first.");
    }
    if (removed_from(command.room_id, command.join.user_id)) {
      return send_error(sink, command, "removed_from_call", "The host removed you from this call.");
    }
    if (command.join.must_wait) {
      return wait(id, channel, command.room_id, command.join, command.request, nullptr);
    }
    enter(channel, command.room_id, command.join, command.request);
    return;
  }
  if (command.kind == Kind::leave) {
    if (stop_waiting(id, channel)) {
      nlohmann::json left{{"type", "room.left"}, {"reason", "left"}};
      if (command.request) left["id"] = *command.request;
      return sink.deliver(left.dump());
    }
    if (channel.room_id.empty()) {
      return send_error(sink, command, "not_in_room", "You are not in a call.");
    }
    return leave_room(channel, "left", command.request);
  }
  if (command.kind == Kind::remove) return remove(channel, command);
  if (command.kind == Kind::ask_unmute) return ask_unmute(channel, command);
  if (command.kind == Kind::admit || command.kind == Kind::deny ||
      command.kind == Kind::send_back || command.kind == Kind::lock ||
      command.kind == Kind::lobby_message) {
    return run_lobby(channel, command);
  }

  Participant* p = participant_of(channel);
  if (!p) return send_error(sink, command, "not_in_room", "You are not in a call.");
  Room& room = *rooms_.at(channel.room_id);
  std::string error;
  switch (command.kind) {
    case Kind::publish:
      if (!room.publish(*p, command.sdp, command.sources, &error, command.request)) {
        send_error(sink, command, "invalid_sdp", "The offer could not be used: " + error);
      }
      return;
    case Kind::answer:
      if (!p->apply_answer(command.sdp, &error)) {
        send_error(sink, command, "invalid_sdp", "The answer could not be used: " + error);
      }
      return;
    case Kind::restart_ice:
      p->restart_recv_ice();  // also drops an offer the browser could not apply
      p->negotiate();
      return;
    case Kind::mute:
      room.set_muted(*p, command.source, command.muted);
      return;
    case Kind::layers:
      p->set_layer_wishes(command.layers);
      return;
    case Kind::join:
    case Kind::leave:
    case Kind::remove:
    case Kind::admit:
    case Kind::deny:
    case Kind::send_back:
    case Kind::lock:
    case Kind::lobby_message:
    case Kind::ask_unmute:
      return;
  }
}

void MediaWorker::schedule_tick() {
  tick_timer_.expires_after(rooms_.empty() ? TickPhases::kPeriod : TickPhases::kStep);
  tick_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (ec || !server_) return;
    const std::int64_t now = routing::steady_now_ns();
    std::uint64_t people = 0;
    const unsigned due = tick_phases_.next();
    for (auto& [id, room] : rooms_) {
      if (room->tick_phase() == due) room->tick(now);
      people += room->size();
    }
    rooms_open_.store(rooms_.size(), std::memory_order_relaxed);
    participants_.store(people, std::memory_order_relaxed);
    datagrams_received_.store(server_->socket_stats().datagrams_received,
                              std::memory_order_relaxed);
    const DropSnapshot drops = server_->dropped().snapshot();
    for (std::size_t i = 0; i < kDropReasonCount; ++i) {
      drops_[i].store(drops.by_reason[i], std::memory_order_relaxed);
    }
    if (payload_sampler_ && now >= next_sample_flush_ns_) {
      next_sample_flush_ns_ = now + 250'000'000;
      // Tests only: a blocking append on the media thread is acceptable there.
      std::ofstream(payload_sample_file_, std::ios::app) << payload_sampler_->drain_json_lines();
    }
    schedule_tick();
  });
}

DwellHistogram::Counts MediaWorker::dwell_snapshot() const noexcept {
  return stopped_ || !server_ ? DwellHistogram::Counts{} : server_->dwell().snapshot();
}

double MediaWorker::cpu_seconds() const noexcept {
  return stopped_ ? 0 : thread_.cpu_seconds();
}

std::string MediaWorker::render_metrics() const {
  std::ostringstream out;
  out << "# HELP haven_sfu_rooms Calls with at least one participant.\n"
         "# TYPE haven_sfu_rooms gauge\n"
      << "haven_sfu_rooms " << rooms_open_.load() << "\n"
      << "# HELP haven_sfu_participants People in calls.\n"
         "# TYPE haven_sfu_participants gauge\n"
      << "haven_sfu_participants " << participants_.load() << "\n"
      << "# HELP haven_sfu_datagrams_received_total UDP datagrams at the media port.\n"
         "# TYPE haven_sfu_datagrams_received_total counter\n"
      << "haven_sfu_datagrams_received_total " << datagrams_received_.load() << "\n"
      << "# HELP haven_sfu_dropped_packets_total Datagrams the SFU dropped, by reason.\n"
         "# TYPE haven_sfu_dropped_packets_total counter\n";
  for (std::size_t i = 0; i < kDropReasonCount; ++i) {
    out << "haven_sfu_dropped_packets_total{reason=\"" << to_string(static_cast<DropReason>(i))
        << "\"} " << drops_[i].load(std::memory_order_relaxed) << "\n";
  }
  return out.str();
}

}  // namespace haven::sfu::rooms
