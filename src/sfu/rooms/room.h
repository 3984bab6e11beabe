// One call on the media thread: its Router (the forwarding core) and the Participants in
// it, and the fan-out rule — every track one participant publishes is offered to every
// other participant, and taken back when it stops (docs/SIGNALING.md).
//
// Ownership: the CallHub owns Rooms (unique_ptr); a Room owns its Router and
// Participants. Everything runs on the media thread; no locks.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sfu/rooms/participant.h"
#include "sfu/routing/router.h"
#include "sfu/transport/webrtc_server.h"

namespace haven::sfu::rooms {

// The most people in one call (the owner and 15 others, docs/SIGNALING.md).
inline constexpr std::size_t kMaxParticipants = 16;
// The most tracks one participant publishes (camera, microphone, screen, with room).
inline constexpr std::size_t kMaxPublishedTracks = 8;

struct JoinRequest {
  std::string user_id;
  std::string display_name;
  bool guest = false;  // a guest link's person, without an account (docs/SESSIONS.md "Guests")
  // Decided by the caller (http/call_signaling, docs/SESSIONS.md "Waiting room"): the host
  // runs the waiting room; anyone else the host has not admitted waits in it.
  bool host = false;
  bool must_wait = false;
  bool room_locked = false;  // the room's lock as stored when they asked
  std::string host_name;     // shown to a waiting person ("<name> will let you in")
};

// The id a client put on a request; its direct reply carries it back (docs/SIGNALING.md).
using RequestId = std::optional<std::int64_t>;

class Room final : private routing::Router::Listener, private Participant::Listener {
 public:
  // `on_lost(peer_id)` is called when a participant's transport failed; the owner removes
  // that participant later, outside the transport's callback.
  Room(std::string id, WebRtcServer& server, routing::RouterConfig config,
       std::function<void(const std::string& peer_id)> on_lost);
  ~Room() override;
  Room(const Room&) = delete;
  Room& operator=(const Room&) = delete;

  const std::string& id() const noexcept { return id_; }
  // The MediaWorker's tick phase this room's timers run in (tick_phases.h).
  unsigned tick_phase() const noexcept { return tick_phase_; }
  void set_tick_phase(unsigned phase) noexcept { tick_phase_ = phase; }
  std::size_t size() const noexcept { return participants_.size(); }
  bool full() const noexcept { return participants_.size() >= kMaxParticipants; }
  Participant* find(const std::string& peer_id) noexcept;

  // Adds a participant, tells the others (room.participant_joined) and them (room.joined),
  // and offers them every track already published. The caller checked full().
  Participant& join(const JoinRequest& request, std::shared_ptr<SignalingSink> sink,
                    RequestId reply_to = std::nullopt);
  // Takes the participant's tracks back from everyone, tells the others
  // (room.participant_left) and, when `reason` is set, the participant (room.left).
  void leave(const std::string& peer_id, const char* reason, RequestId reply_to = std::nullopt);
  // Everyone leaves with `reason` (room.left).
  void close_all(const char* reason);

  // media.publish: answers the send connection's offer and publishes what it now sends.
  // `sources` labels tracks by mid. False with `error` when the offer cannot be used.
  bool publish(Participant& p, const std::string& sdp,
               const std::map<std::string, TrackSource>& sources, std::string* error,
               RequestId reply_to = std::nullopt);
  // media.mute: remember and tell the others.
  void set_muted(Participant& p, TrackSource source, bool muted);

  // Timers of the Router (RTCP, active speaker) and, once a second, each subscriber's
  // simulcast layers; call every 20-50 ms.
  void tick(std::int64_t now_ns);
  const routing::Router& router() const noexcept { return router_; }

  // Room-wide message to everyone but `except` (nullptr: everyone).
  void broadcast(const std::string& json_text, const Participant* except = nullptr);

 private:
  // Router::Listener
  void on_consumer_closed(routing::PeerId subscriber, routing::ConsumerId consumer,
                          routing::ProducerId producer) override;
  void on_active_speaker(routing::PeerId peer) override;
  // Participant::Listener
  void on_transport_lost(Participant& participant) override;

  void unpublish(const PublishedTrack& track);
  nlohmann::json participant_json(Participant& p) const;
  std::vector<PublishedTrack>& tracks_of(const std::string& peer_id) { return tracks_[peer_id]; }

  std::string id_;
  unsigned tick_phase_ = 0;
  WebRtcServer& server_;
  routing::Router router_;
  std::function<void(const std::string&)> on_lost_;
  routing::PeerId next_peer_ = 2;  // send peer 2k, recv peer 2k+1
  std::int64_t next_layer_update_ns_ = 0;
  std::vector<std::unique_ptr<Participant>> participants_;     // join order
  std::map<std::string, std::vector<PublishedTrack>> tracks_;  // by publisher peer id
};

}  // namespace haven::sfu::rooms
