#include "sfu/rooms/participant.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>

#include "sfu/sdp/parser.h"
#include "sfu/sdp/writer.h"

namespace haven::sfu::rooms {

const char* to_string(TrackSource source) noexcept {
  switch (source) {
    case TrackSource::camera:
      return "camera";
    case TrackSource::microphone:
      return "microphone";
    case TrackSource::screen:
      return "screen";
  }
  return "camera";
}

std::optional<TrackSource> parse_track_source(std::string_view text) noexcept {
  if (text == "camera") return TrackSource::camera;
  if (text == "microphone") return TrackSource::microphone;
  if (text == "screen") return TrackSource::screen;
  return std::nullopt;
}

Participant::Participant(WebRtcServer& server, routing::Router& router, Listener& listener,
                         std::string peer_id, std::string user_id, std::string display_name,
                         routing::PeerId send_peer_id, std::shared_ptr<SignalingSink> sink)
    : server_(server),
      router_(router),
      listener_(listener),
      peer_id_(std::move(peer_id)),
      user_id_(std::move(user_id)),
      display_name_(std::move(display_name)),
      send_peer_(send_peer_id),
      sink_(std::move(sink)),
      send_(server.create_transport(send_leg_)),
      recv_(server.create_transport(recv_leg_)),
      send_negotiator_(transport_info(server, *send_)),
      recv_negotiator_(transport_info(server, *recv_)) {
  router_.set_sink(send_peer(), &send_leg_);
  router_.set_sink(recv_peer(), &recv_leg_);
}

Participant::~Participant() {
  // Producers first: their consumers elsewhere close (Router::Listener renegotiates them).
  router_.close_peer(send_peer());
  router_.close_peer(recv_peer());
  router_.set_sink(send_peer(), nullptr);
  router_.set_sink(recv_peer(), nullptr);
  send_->close();
  recv_->close();
}

negotiation::TransportInfo Participant::transport_info(const WebRtcServer& server,
                                                       const WebRtcTransport& transport) {
  return {transport.local_ice().ufrag, transport.local_ice().pwd,
          format_fingerprint_hex(transport.local_fingerprint().digest), server.announced_address(),
          server.announced_port()};
}

// ---- send connection ----

std::optional<negotiation::SendAnswer> Participant::answer_publish(const std::string& sdp_text,
                                                                   std::string* error) {
  auto offer = sdp::parse_sdp(sdp_text, error);
  if (!offer) return std::nullopt;
  // An ICE restart (RFC 8839 §4.4.1.1.1): the browser changed its credentials, so ours
  // change too before the answer is written.
  const auto& previous = send_negotiator_.remote_transport();
  if (previous && !offer->media.empty()) {
    std::string ignored;
    auto next = negotiation::read_remote_transport(*offer, offer->media.front(), &ignored);
    if (next && next->ice_ufrag != previous->ice_ufrag) {
      send_->restart_ice();
      send_negotiator_.set_local_transport(transport_info(server_, *send_));
    }
  }
  auto answer = send_negotiator_.answer(*offer, error);
  if (!answer) return std::nullopt;
  send_->set_remote_ice_ufrag(answer->remote.ice_ufrag);
  send_->set_remote_fingerprint(answer->remote.fingerprint.to_sdp());
  return answer;
}

void Participant::SendLeg::on_rtp(rtp::RtpPacket& packet) {
  self.router_.receive_rtp(self.send_peer(), packet, routing::steady_now_ns());
}

void Participant::SendLeg::on_rtcp(std::span<const std::uint8_t> compound) {
  self.router_.receive_rtcp(self.send_peer(), compound, routing::steady_now_ns());
}

void Participant::SendLeg::send_rtcp(std::span<const std::uint8_t> compound) {
  self.send_protected_rtcp(*self.send_, compound);
}

// ---- recv connection ----

std::uint32_t Participant::fresh_ssrc() {
  for (;;) {
    const std::uint32_t ssrc = rng_();
    if (ssrc != 0 && used_ssrcs_.insert(ssrc).second) return ssrc;
  }
}

bool Participant::add_consumer(const PublishedTrack& track) {
  negotiation::ConsumerSlot slot;
  slot.stream_id = track.publisher;
  slot.track_id = std::string(to_string(track.source)) + "-" + std::to_string(track.producer);
  slot.kind = track.kind;
  slot.cname = track.publisher;
  slot.codec = track.codec;
  slot.ssrc = fresh_ssrc();
  if (track.kind == MediaKind::video) slot.rtx_ssrc = fresh_ssrc();
  std::string error;
  auto mid = recv_negotiator_.add_consumer(slot, &error);
  if (!mid) return false;
  forwarded_[*mid] = {track, 0};
  renegotiate_ = true;
  return true;
}

void Participant::remove_consumer(routing::ProducerId producer) {
  for (auto it = forwarded_.begin(); it != forwarded_.end(); ++it) {
    if (it->second.track.producer != producer) continue;
    if (it->second.consumer != 0) router_.close_consumer(it->second.consumer);
    recv_negotiator_.remove_consumer(it->first);
    layer_wishes_.erase(it->first);
    forwarded_.erase(it);
    renegotiate_ = true;
    return;
  }
}

void Participant::on_consumer_closed(routing::ConsumerId consumer) {
  for (auto it = forwarded_.begin(); it != forwarded_.end(); ++it) {
    if (it->second.consumer != consumer) continue;
    recv_negotiator_.remove_consumer(it->first);
    layer_wishes_.erase(it->first);
    forwarded_.erase(it);
    renegotiate_ = true;
    return;
  }
}

void Participant::restart_recv_ice() {
  recv_->restart_ice();
  recv_negotiator_.set_local_transport(transport_info(server_, *recv_));
  // The browser asks for this also when it could not apply our last offer: a fresh one
  // goes out now instead of waiting for an answer that will never come.
  offer_in_flight_ = false;
  renegotiate_ = true;
}

void Participant::negotiate() {
  if (offer_in_flight_ || !renegotiate_ || (forwarded_.empty() && !recv_remote_set_)) return;
  renegotiate_ = false;
  offer_in_flight_ = true;
  auto offer = recv_negotiator_.offer();
  nlohmann::json tracks = nlohmann::json::object();
  for (const auto& [mid, f] : forwarded_) {
    tracks[mid] = {{"peer_id", f.track.publisher}, {"source", to_string(f.track.source)}};
  }
  sink_->deliver(
      nlohmann::json{{"type", "media.offer"}, {"sdp", sdp::write_sdp(offer)}, {"tracks", tracks}}
          .dump());
}

bool Participant::apply_answer(const std::string& sdp_text, std::string* error) {
  if (!offer_in_flight_) {
    if (error) *error = "no offer is waiting for an answer";
    return false;
  }
  auto answer = sdp::parse_sdp(sdp_text, error);
  if (!answer) return false;
  auto result = recv_negotiator_.apply_answer(*answer, error);
  if (!result) {
    // The browser's state and ours disagree: start over with a fresh offer.
    offer_in_flight_ = false;
    renegotiate_ = true;
    negotiate();
    return false;
  }
  offer_in_flight_ = false;
  if (result->remote) {
    recv_->set_remote_ice_ufrag(result->remote->ice_ufrag);
    if (!recv_remote_set_) recv_->set_remote_fingerprint(result->remote->fingerprint.to_sdp());
    recv_remote_set_ = true;
  }
  for (const auto& params : result->accepted) {
    auto it = forwarded_.find(params.mid);
    if (it == forwarded_.end() || it->second.consumer != 0) continue;
    // Paused until the recv transport is up: a key frame forwarded before that would be
    // dropped (not_connected), and the subscriber would start mid-stream. on_connected
    // resumes it, which asks for a fresh key frame.
    if (auto* consumer = router_.add_consumer(
            recv_peer(), it->second.track.producer, params,
            /*paused=*/it->second.track.kind == MediaKind::video && !recv_->connected())) {
      it->second.consumer = consumer->id();
    }
  }
  for (const auto& mid : result->declined_mids) {
    auto it = forwarded_.find(mid);
    if (it == forwarded_.end() || it->second.consumer == 0) continue;
    router_.close_consumer(it->second.consumer);
    it->second.consumer = 0;
  }
  apply_layers();  // new consumers start at the layer their tile wants
  negotiate();     // changes that waited for this answer
  return true;
}

void Participant::set_layer_wishes(const std::map<std::string, LayerWish>& wishes) {
  for (const auto& [mid, wish] : wishes) {
    if (forwarded_.count(mid)) layer_wishes_[mid] = wish;
  }
  apply_layers();
}

void Participant::update_layers(std::int64_t now_ns) {
  if (const auto* estimate = router_.bandwidth_estimate(recv_peer())) {
    layer_cap_.update(estimate->loss_fraction, estimate->feedback_at_ns, now_ns);
  }
  apply_layers();
}

void Participant::apply_layers() {
  if (!recv_->connected()) return;  // consumers stay paused until on_connected
  for (const auto& [mid, f] : forwarded_) {
    if (f.track.kind != MediaKind::video || f.consumer == 0) continue;
    auto* consumer = router_.consumer(f.consumer);
    if (!consumer) continue;
    auto wish = layer_wishes_.find(mid);
    const auto layer =
        layer_cap_.layer_for(wish == layer_wishes_.end() ? LayerWish::high : wish->second);
    if (!layer) {
      if (!consumer->paused()) consumer->pause();
      continue;
    }
    if (consumer->paused()) consumer->resume();
    if (consumer->preferred_layer() != *layer) {
      consumer->set_preferred_layer(*layer);
    } else if (consumer->current_layer() &&
               *consumer->current_layer() != consumer->target_layer()) {
      // Still not on the wanted layer: the key frame asked for may have been lost or not
      // usable for a switch. Ask again (the producer sends at most one request a second).
      consumer->request_keyframe();
    }
  }
}

void Participant::RecvLeg::on_rtcp(std::span<const std::uint8_t> compound) {
  self.router_.receive_rtcp(self.recv_peer(), compound, routing::steady_now_ns());
}

void Participant::RecvLeg::send_rtp(std::span<std::uint8_t> buffer, std::size_t len) {
  self.recv_->send_rtp(buffer, len);  // counted by the transport when it cannot send
}

void Participant::RecvLeg::send_rtcp(std::span<const std::uint8_t> compound) {
  self.send_protected_rtcp(*self.recv_, compound);
}

// RTCP arrives read-only; SRTCP protects in place, so it is copied into a buffer with
// room for the trailer first.
void Participant::send_protected_rtcp(WebRtcTransport& transport,
                                      std::span<const std::uint8_t> compound) {
  if (compound.size() > routing::kMaxRtcpCompound) return;
  std::memcpy(rtcp_buffer_.data(), compound.data(), compound.size());
  transport.send_rtcp(rtcp_buffer_, compound.size());
}

}  // namespace haven::sfu::rooms
