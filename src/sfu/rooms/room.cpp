#include "sfu/rooms/room.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "log/logger.h"
#include "sfu/negotiation/codec_policy.h"
#include "sfu/sdp/writer.h"
#include "util/secret_bytes.h"

namespace haven::sfu::rooms {

namespace {
std::string reply(nlohmann::json message, RequestId reply_to) {
  if (reply_to) message["id"] = *reply_to;
  return message.dump();
}
}  // namespace

Room::Room(std::string id, WebRtcServer& server, routing::RouterConfig config,
           std::function<void(const std::string&)> on_lost)
    : id_(std::move(id)), server_(server), router_(config, this), on_lost_(std::move(on_lost)) {}

Room::~Room() {
  // Participants before the Router they feed: each closes its router peers on the way out.
  while (!participants_.empty()) participants_.pop_back();
}

Participant* Room::find(const std::string& peer_id) noexcept {
  for (auto& p : participants_) {
    if (p->peer_id() == peer_id) return p.get();
  }
  return nullptr;
}

nlohmann::json Room::participant_json(Participant& p) const {
  return nlohmann::json{{"peer_id", p.peer_id()},
                        {"user_id", p.user_id()},
                        {"display_name", p.display_name()},
                        {"guest", p.guest()},
                        {"muted",
                         {{"camera", p.muted()[TrackSource::camera]},
                          {"microphone", p.muted()[TrackSource::microphone]}}}};
}

void Room::broadcast(const std::string& json_text, const Participant* except) {
  for (auto& p : participants_) {
    if (p.get() != except) p->sink().deliver(json_text);
  }
}

Participant& Room::join(const JoinRequest& request, std::shared_ptr<SignalingSink> sink,
                        RequestId reply_to) {
  const routing::PeerId send_peer = next_peer_;
  next_peer_ += 2;
  Participant::Listener& events = *this;
  auto owned = std::make_unique<Participant>(server_, router_, events, random_id(), request.user_id,
                                             request.display_name, send_peer, std::move(sink));
  Participant& joined = *owned;
  joined.set_guest(request.guest);
  nlohmann::json others = nlohmann::json::array();
  for (auto& p : participants_) others.push_back(participant_json(*p));
  participants_.push_back(std::move(owned));

  joined.sink().deliver(reply({{"type", "room.joined"},
                               {"room_id", id_},
                               {"peer_id", joined.peer_id()},
                               {"participants", others}},
                              reply_to));
  broadcast(
      nlohmann::json{{"type", "room.participant_joined"}, {"participant", participant_json(joined)}}
          .dump(),
      &joined);
  for (auto& [publisher, tracks] : tracks_) {
    for (auto& track : tracks) joined.add_consumer(track);
  }
  joined.negotiate();
  log::info("room.joined", {{"room", id_}, {"peer", joined.peer_id()}, {"user", joined.user_id()}});
  return joined;
}

void Room::unpublish(const PublishedTrack& track) {
  for (auto& p : participants_) {
    if (p->peer_id() != track.publisher) p->remove_consumer(track.producer);
  }
  router_.close_producer(track.producer);
}

void Room::leave(const std::string& peer_id, const char* reason, RequestId reply_to) {
  auto it = std::find_if(participants_.begin(), participants_.end(),
                         [&](auto& p) { return p->peer_id() == peer_id; });
  if (it == participants_.end()) return;
  std::unique_ptr<Participant> leaving = std::move(*it);
  participants_.erase(it);
  if (auto tracks = tracks_.find(peer_id); tracks != tracks_.end()) {
    for (const auto& track : tracks->second) unpublish(track);
    tracks_.erase(tracks);
  }
  for (auto& p : participants_) p->negotiate();
  broadcast(nlohmann::json{{"type", "room.participant_left"}, {"peer_id", peer_id}}.dump());
  if (reason) leaving->sink().deliver(reply({{"type", "room.left"}, {"reason", reason}}, reply_to));
  log::info("room.left", {{"room", id_}, {"peer", peer_id}, {"user", leaving->user_id()}});
}

void Room::close_all(const char* reason) {
  while (!participants_.empty()) leave(participants_.back()->peer_id(), reason);
}

bool Room::publish(Participant& p, const std::string& sdp,
                   const std::map<std::string, TrackSource>& sources, std::string* error,
                   RequestId reply_to) {
  auto answer = p.answer_publish(sdp, error);
  if (!answer) return false;
  p.sink().deliver(
      reply({{"type", "media.publish_answer"}, {"sdp", sdp::write_sdp(answer->answer)}}, reply_to));

  auto& current = tracks_of(p.peer_id());
  // Tracks the browser no longer sends, or sends with other SSRCs, are taken back first.
  std::vector<PublishedTrack> kept;
  for (auto& track : current) {
    auto same = std::find_if(answer->producers.begin(), answer->producers.end(), [&](auto& d) {
      return d.rtp.mid == track.mid && d.rtp.encodings.size() == track.rtp.encodings.size() &&
             std::equal(d.rtp.encodings.begin(), d.rtp.encodings.end(), track.rtp.encodings.begin(),
                        [](auto& a, auto& b) { return a.ssrc == b.ssrc && a.rid == b.rid; });
    });
    if (same == answer->producers.end()) {
      unpublish(track);
    } else {
      kept.push_back(track);
    }
  }
  current = std::move(kept);

  for (const auto& description : answer->producers) {
    const auto& rtp = description.rtp;
    if (current.size() >= kMaxPublishedTracks) break;
    if (std::any_of(current.begin(), current.end(), [&](auto& t) { return t.mid == rtp.mid; })) {
      continue;
    }
    auto codec = negotiation::server_codec_from_name(rtp.codecs.front().name);
    if (!codec) continue;
    auto* producer = router_.add_producer(p.send_peer(), rtp);
    if (!producer) continue;
    auto source = sources.find(rtp.mid);
    PublishedTrack track{producer->id(),
                         p.peer_id(),
                         rtp.mid,
                         source != sources.end()        ? source->second
                         : rtp.kind == MediaKind::audio ? TrackSource::microphone
                                                        : TrackSource::camera,
                         *codec,
                         rtp.kind,
                         rtp};
    for (auto& other : participants_) {
      if (other.get() != &p) other->add_consumer(track);
    }
    current.push_back(std::move(track));
  }
  for (auto& other : participants_) other->negotiate();
  return true;
}

void Room::set_muted(Participant& p, TrackSource source, bool muted) {
  p.muted()[source] = muted;
  broadcast(nlohmann::json{{"type", "room.mute"},
                           {"peer_id", p.peer_id()},
                           {"source", to_string(source)},
                           {"muted", muted}}
                .dump(),
            &p);
}

void Room::tick(std::int64_t now_ns) {
  router_.tick(now_ns);
  if (now_ns < next_layer_update_ns_) return;
  next_layer_update_ns_ = now_ns + 1'000'000'000;
  for (auto& p : participants_) p->update_layers(now_ns);
}

void Room::on_consumer_closed(routing::PeerId subscriber, routing::ConsumerId consumer,
                              routing::ProducerId) {
  for (auto& p : participants_) {
    if (p->recv_peer() != subscriber) continue;
    p->on_consumer_closed(consumer);
    p->negotiate();
  }
}

void Room::on_active_speaker(routing::PeerId peer) {
  for (auto& p : participants_) {
    if (p->send_peer() == peer) {
      broadcast(nlohmann::json{{"type", "room.active_speaker"}, {"peer_id", p->peer_id()}}.dump());
      return;
    }
  }
}

void Room::on_transport_lost(Participant& participant) {
  on_lost_(participant.peer_id());
}

}  // namespace haven::sfu::rooms
