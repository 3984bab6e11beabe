// One person in a call, on the media thread: the glue between their two WebRTC
// transports (send: the browser publishes, recv: the SFU forwards the others' tracks,
// docs/SFU.md "Negotiation"), the SDP negotiators of each, and the room's Router.
//
// Router peer ids: the send transport is `send_peer()`, the recv transport `recv_peer()`;
// the Router sees two peers, one that only publishes and one that only consumes, so each
// PeerSink maps to exactly one transport and RTCP goes back on the leg it is about.
//
// Ownership: the Room owns Participants (unique_ptr); a Participant owns its transports
// (unique_ptr from WebRtcServer::create_transport) and negotiators. Transport events that
// end the participant (DTLS failure, close_notify) go up through Listener; the Room then
// destroys the participant outside the callback (a transport must not be destroyed from
// inside its own callback).
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>

#include "sfu/negotiation/recv_negotiator.h"
#include "sfu/negotiation/send_negotiator.h"
#include "sfu/rooms/layer_cap.h"
#include "sfu/rooms/signaling_sink.h"
#include "sfu/routing/peer_sink.h"
#include "sfu/routing/router.h"
#include "sfu/transport/webrtc_server.h"
#include "sfu/transport/webrtc_transport.h"

namespace haven::sfu::rooms {

// What a published track is, as the browser labelled it in media.publish.
enum class TrackSource { camera, microphone, screen };
const char* to_string(TrackSource source) noexcept;
std::optional<TrackSource> parse_track_source(std::string_view text) noexcept;

// A track some participant publishes, as the Room tracks it.
struct PublishedTrack {
  routing::ProducerId producer = 0;
  std::string publisher;  // peer id
  std::string mid;        // on the publisher's send connection
  TrackSource source = TrackSource::camera;
  negotiation::ServerCodec codec = negotiation::ServerCodec::opus;
  MediaKind kind = MediaKind::audio;
  RtpParameters rtp;  // as the publisher sends it
};

class Participant {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    // A transport closed itself (DTLS failed, close_notify): the participant is gone.
    virtual void on_transport_lost(Participant& participant) = 0;
  };

  Participant(WebRtcServer& server, routing::Router& router, Listener& listener,
              std::string peer_id, std::string user_id, std::string display_name,
              routing::PeerId send_peer_id, std::shared_ptr<SignalingSink> sink);
  ~Participant();
  Participant(const Participant&) = delete;
  Participant& operator=(const Participant&) = delete;

  const std::string& peer_id() const noexcept { return peer_id_; }
  const std::string& user_id() const noexcept { return user_id_; }
  const std::string& display_name() const noexcept { return display_name_; }
  // Came in with a guest link, without an account: shown as "unverified guest".
  bool guest() const noexcept { return guest_; }
  void set_guest(bool guest) noexcept { guest_ = guest; }
  routing::PeerId send_peer() const noexcept { return send_peer_; }
  routing::PeerId recv_peer() const noexcept { return send_peer_ + 1; }
  SignalingSink& sink() noexcept { return *sink_; }
  std::map<TrackSource, bool>& muted() noexcept { return muted_; }

  // ---- send connection ----
  // Answers the browser's offer. The tracks it now sends, by mid, in `producers`.
  std::optional<negotiation::SendAnswer> answer_publish(const std::string& sdp_text,
                                                        std::string* error);

  // ---- recv connection ----
  // Offers `track` to this participant (takes effect with the next offer). False when the
  // negotiator refuses it (64 sections).
  bool add_consumer(const PublishedTrack& track);
  // Stops forwarding the track of `producer` (its section closes in the next offer).
  void remove_consumer(routing::ProducerId producer);
  // The consumer of `consumer` closed in the Router (its producer went away).
  void on_consumer_closed(routing::ConsumerId consumer);
  // Applies the browser's answer to the last offer: consumers start. False with `error`
  // when the answer cannot be used (nothing changes; the next offer repeats).
  bool apply_answer(const std::string& sdp_text, std::string* error);
  // New ICE credentials for the recv transport; the next offer carries them. An offer
  // still waiting for an answer is given up (the browser may have failed to apply it).
  void restart_recv_ice();
  // Sends media.offer when something changed and no offer is waiting for an answer.
  void negotiate();

  // ---- simulcast layer choice (layer_cap.h) ----
  // media.layers: what the tiles want, by recv mid (unknown mids are ignored).
  void set_layer_wishes(const std::map<std::string, LayerWish>& wishes);
  // About once a second: follow the browser's loss feedback, then re-apply the layers.
  void update_layers(std::int64_t now_ns);
  std::size_t layer_ceiling() const noexcept { return layer_cap_.ceiling(); }
  // The Router consumer forwarding the track of recv section `mid`; 0 when none (yet).
  routing::ConsumerId consumer_at(const std::string& mid) const {
    auto it = forwarded_.find(mid);
    return it == forwarded_.end() ? 0 : it->second.consumer;
  }

  WebRtcTransport& send_transport() noexcept { return *send_; }
  WebRtcTransport& recv_transport() noexcept { return *recv_; }

 private:
  // The send leg: RTP/RTCP from the browser into the Router; RTCP about its producers back.
  struct SendLeg final : WebRtcTransport::Listener, routing::PeerSink {
    explicit SendLeg(Participant& p) : self(p) {}
    void on_connected() override {}
    void on_disconnected() override {}
    void on_rtp(rtp::RtpPacket& packet) override;
    void on_rtcp(std::span<const std::uint8_t> compound) override;
    void on_closed() override { self.listener_.on_transport_lost(self); }
    void send_rtp(std::span<std::uint8_t>, std::size_t) override {}  // never consumes
    void send_rtcp(std::span<const std::uint8_t> compound) override;
    Participant& self;
  };
  // The recv leg: forwarded RTP out; the browser's RTCP about it into the Router.
  struct RecvLeg final : WebRtcTransport::Listener, routing::PeerSink {
    explicit RecvLeg(Participant& p) : self(p) {}
    void on_connected() override { self.apply_layers(); }  // resumes waiting consumers
    void on_disconnected() override {}
    void on_rtp(rtp::RtpPacket&) override {}  // the recv connection carries no media in
    void on_rtcp(std::span<const std::uint8_t> compound) override;
    void on_closed() override { self.listener_.on_transport_lost(self); }
    void send_rtp(std::span<std::uint8_t> buffer, std::size_t len) override;
    void send_rtcp(std::span<const std::uint8_t> compound) override;
    Participant& self;
  };
  // One track forwarded to this participant.
  struct Forwarded {
    PublishedTrack track;
    routing::ConsumerId consumer = 0;  // 0 until the browser's answer accepted it
  };

  static negotiation::TransportInfo transport_info(const WebRtcServer& server,
                                                   const WebRtcTransport& transport);
  std::uint32_t fresh_ssrc();
  void apply_layers();
  void send_protected_rtcp(WebRtcTransport& transport, std::span<const std::uint8_t> compound);

  WebRtcServer& server_;
  routing::Router& router_;
  Listener& listener_;
  std::string peer_id_;
  std::string user_id_;
  std::string display_name_;
  bool guest_ = false;
  routing::PeerId send_peer_;
  std::shared_ptr<SignalingSink> sink_;
  std::map<TrackSource, bool> muted_{{TrackSource::camera, false},
                                     {TrackSource::microphone, false}};
  SendLeg send_leg_{*this};
  RecvLeg recv_leg_{*this};
  std::unique_ptr<WebRtcTransport> send_;
  std::unique_ptr<WebRtcTransport> recv_;
  negotiation::SendNegotiator send_negotiator_;
  negotiation::RecvNegotiator recv_negotiator_;
  std::map<std::string, Forwarded> forwarded_;     // by mid on the recv connection
  std::map<std::string, LayerWish> layer_wishes_;  // by mid; absent = high
  LayerCap layer_cap_;
  std::set<std::uint32_t> used_ssrcs_;
  std::mt19937 rng_{std::random_device{}()};
  bool offer_in_flight_ = false;
  bool renegotiate_ = false;
  bool recv_remote_set_ = false;
  std::array<std::uint8_t, routing::kSendBufferSize> rtcp_buffer_{};
};

}  // namespace haven::sfu::rooms
