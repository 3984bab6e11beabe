// Router: lifecycle of peers, producers and consumers, and the RTP data plane.
#include "sfu/routing/router.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string_view>

#include "sfu/rtcp/compound.h"
#include "sfu/rtcp/ntp_time.h"
#include "sfu/rtp/byte_order.h"

namespace haven::sfu::routing {
namespace {

bool params_usable(const RtpParameters& params) noexcept {
  if (params.codecs.empty() || params.encodings.empty()) return false;
  for (const auto& c : params.codecs) {
    if (c.payload_type >= 128) return false;
    if (c.rtx_payload_type && *c.rtx_payload_type >= 128) return false;
  }
  return true;
}

bool equals(std::span<const std::uint8_t> value, std::string_view text) noexcept {
  return value.size() == text.size() && std::memcmp(value.data(), text.data(), text.size()) == 0;
}

template <typename T>
void erase_value(std::vector<T>& v, const T& value) {
  v.erase(std::remove(v.begin(), v.end(), value), v.end());
}

}  // namespace

std::int64_t steady_now_ns() noexcept {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t steady_to_unix_offset_ns() noexcept {
  const auto unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  return unix_ns - steady_now_ns();
}

Router::Router(Config config, Listener* listener)
    : config_(config),
      listener_(listener),
      rng_(config.random_seed != 0 ? config.random_seed : std::random_device{}()),
      speaker_(config.speaker) {}

Router::~Router() = default;

std::uint32_t Router::random_ssrc() {
  std::uniform_int_distribution<std::uint32_t> dist(1, 0xFFFFFFFFu);
  return dist(rng_);
}

std::uint16_t Router::random_initial_seq() {
  // 1000..32767: far from the wrap, so libsrtp's rollover guess cannot go wrong on the
  // first packets (interop notes §5, ms#1437).
  std::uniform_int_distribution<int> dist(1000, 32767);
  return static_cast<std::uint16_t>(dist(rng_));
}

std::uint64_t Router::ntp_now(std::int64_t now_ns) const noexcept {
  return rtcp::ntp_from_unix_ns(now_ns + config_.wall_clock_offset_ns);
}

Router::Peer& Router::ensure_peer(PeerId id) {
  auto [it, inserted] = peers_.try_emplace(id);
  if (inserted) it->second.transport = std::make_unique<PeerTransport>(id, random_ssrc());
  return it->second;
}

Router::Peer* Router::find_peer(PeerId id) noexcept {
  const auto it = peers_.find(id);
  return it == peers_.end() ? nullptr : &it->second;
}

void Router::set_sink(PeerId peer, PeerSink* sink) {
  ensure_peer(peer).transport->set_sink(sink);
}

Producer* Router::producer(ProducerId id) const noexcept {
  const auto it = producers_.find(id);
  return it == producers_.end() ? nullptr : it->second.get();
}

Consumer* Router::consumer(ConsumerId id) const noexcept {
  const auto it = consumers_.find(id);
  return it == consumers_.end() ? nullptr : it->second.get();
}

const BandwidthEstimate* Router::bandwidth_estimate(PeerId peer) const noexcept {
  const auto it = peers_.find(peer);
  return it == peers_.end() ? nullptr : &it->second.transport->estimate();
}

Producer* Router::add_producer(PeerId peer_id, const RtpParameters& params) {
  if (!params_usable(params)) return nullptr;
  Peer& peer = ensure_peer(peer_id);
  for (const auto& e : params.encodings) {
    if ((e.ssrc != 0 && peer.routes.contains(e.ssrc)) ||
        (e.rtx_ssrc != 0 && peer.routes.contains(e.rtx_ssrc))) {
      return nullptr;
    }
  }
  Producer::Config pc;
  const bool video = params.kind == MediaKind::video;
  pc.report_interval_ns =
      video ? config_.video_report_interval_ns : config_.audio_report_interval_ns;
  pc.store_entries = video ? config_.video_cache_packets : config_.audio_cache_packets;
  pc.store_bytes = video ? config_.video_store_bytes : config_.audio_store_bytes;
  pc.store_age_ns = video ? config_.video_cache_age_ns : config_.audio_cache_age_ns;
  pc.sampler = config_.payload_sampler;
  const ProducerId id = next_producer_id_++;
  auto owned = std::unique_ptr<Producer>(new Producer(id, *peer.transport, params, pc));
  Producer* p = owned.get();
  for (std::size_t i = 0; i < params.encodings.size(); ++i) {
    const auto& e = params.encodings[i];
    if (e.ssrc != 0) peer.routes[e.ssrc] = Route{p, i, false};
    if (e.rtx_ssrc != 0) peer.routes[e.rtx_ssrc] = Route{p, i, true};
  }
  if (params.extensions.transport_cc != 0 && has_feedback(params.codecs.front(), "transport-cc")) {
    peer.transport_cc = true;
  }
  peer.producers.push_back(p);
  producers_.emplace(id, std::move(owned));
  return p;
}

Consumer* Router::add_consumer(PeerId subscriber, ProducerId producer_id,
                               const RtpParameters& params, bool paused) {
  Producer* producer = this->producer(producer_id);
  if (producer == nullptr || !params_usable(params) || params.kind != producer->kind()) {
    return nullptr;
  }
  const Encoding& enc = params.encodings.front();
  if (enc.ssrc == 0 || enc.ssrc == enc.rtx_ssrc) return nullptr;
  const auto payload_types = map_payload_types(producer->parameters(), params);
  if (!payload_types) return nullptr;
  Peer& peer = ensure_peer(subscriber);
  if (peer.outgoing.contains(enc.ssrc) ||
      (enc.rtx_ssrc != 0 && peer.outgoing.contains(enc.rtx_ssrc))) {
    return nullptr;
  }

  Consumer::Config cc;
  const bool video = params.kind == MediaKind::video;
  // A retransmission buffer only when the subscriber can NACK the codec in use.
  const std::uint8_t out_pt =
      payload_types->media[producer->parameters().codecs.front().payload_type];
  for (const auto& codec : params.codecs) {
    if (codec.payload_type == out_pt && has_feedback(codec, "nack")) {
      cc.cache_packets = video ? config_.video_cache_packets : config_.audio_cache_packets;
      cc.cache_age_ns = video ? config_.video_cache_age_ns : config_.audio_cache_age_ns;
    }
  }
  cc.report_interval_ns = config_.sender_report_interval_ns;
  const auto resume = [&peer](std::uint32_t ssrc) -> std::optional<std::uint16_t> {
    const auto it = peer.resume_seq.find(ssrc);
    if (it == peer.resume_seq.end()) return std::nullopt;
    return it->second;
  };
  cc.first_seq = resume(enc.ssrc).value_or(random_initial_seq());
  cc.first_ts = static_cast<std::uint32_t>(rng_());
  cc.first_rtx_seq = resume(enc.rtx_ssrc).value_or(random_initial_seq());

  const ConsumerId id = next_consumer_id_++;
  auto owned = std::unique_ptr<Consumer>(new Consumer(id, *peer.transport, *producer, params,
                                                      *payload_types, cc, std::span(send_buffer_),
                                                      std::span(rebuild_buffer_)));
  Consumer* c = owned.get();
  consumers_.emplace(id, std::move(owned));
  producer->add_consumer(c);
  peer.consumers.push_back(c);
  peer.outgoing[enc.ssrc] = c;
  if (enc.rtx_ssrc != 0) peer.outgoing[enc.rtx_ssrc] = c;
  if (paused) {
    c->pause();
  } else {
    c->request_keyframe();  // a joining subscriber needs one to start decoding
  }
  return c;
}

void Router::destroy_consumer(Consumer* c) {
  c->producer().remove_consumer(c);
  if (Peer* peer = find_peer(c->peer())) {
    erase_value(peer->consumers, c);
    peer->outgoing.erase(c->ssrc());
    if (c->rtx_ssrc() != 0) peer->outgoing.erase(c->rtx_ssrc());
    if (const auto next = c->next_seq()) peer->resume_seq[c->ssrc()] = *next;
    if (c->rtx_ssrc() != 0) peer->resume_seq[c->rtx_ssrc()] = c->next_rtx_seq();
    // RFC 3550 §6.6: tell the subscriber the SSRC is gone.
    rtcp::Bye bye;
    bye.ssrcs.push_back(c->ssrc());
    if (c->rtx_ssrc() != 0) bye.ssrcs.push_back(c->rtx_ssrc());
    send_rtcp(*peer->transport, {rtcp::Packet(std::move(bye))});
  }
  consumers_.erase(c->id());  // destroys c
}

void Router::destroy_producer(Producer* p, std::vector<ClosedEvent>& events) {
  const std::vector<Consumer*> consumers(p->consumers().begin(), p->consumers().end());
  for (Consumer* c : consumers) {
    events.push_back({c->peer(), c->id(), p->id()});
    destroy_consumer(c);
  }
  if (Peer* peer = find_peer(p->peer())) {
    std::erase_if(peer->routes, [p](const auto& entry) { return entry.second.producer == p; });
    erase_value(peer->producers, p);
    peer->transport_cc =
        std::any_of(peer->producers.begin(), peer->producers.end(), [](Producer* q) {
          return q->parameters().extensions.transport_cc != 0 &&
                 has_feedback(q->parameters().codecs.front(), "transport-cc");
        });
  }
  producers_.erase(p->id());
}

void Router::notify(const std::vector<ClosedEvent>& events) {
  if (listener_ == nullptr) return;
  for (const auto& e : events) listener_->on_consumer_closed(e.subscriber, e.consumer, e.producer);
}

bool Router::close_consumer(ConsumerId id) {
  Consumer* c = consumer(id);
  if (c == nullptr) return false;
  destroy_consumer(c);
  return true;
}

bool Router::close_producer(ProducerId id) {
  Producer* p = producer(id);
  if (p == nullptr) return false;
  std::vector<ClosedEvent> events;
  destroy_producer(p, events);
  notify(events);
  return true;
}

void Router::close_peer(PeerId id) {
  Peer* peer = find_peer(id);
  if (peer == nullptr) return;
  std::vector<ClosedEvent> events;
  const std::vector<Producer*> producers = peer->producers;
  for (Producer* p : producers) destroy_producer(p, events);
  peer->transport->set_sink(nullptr);  // going away: no BYEs for its own consumers
  const std::vector<Consumer*> consumers = peer->consumers;
  for (Consumer* c : consumers) destroy_consumer(c);
  speaker_.forget(id);
  peers_.erase(id);
  notify(events);
}

std::optional<Router::Route> Router::bind_by_mid(Peer& peer,
                                                 const rtp::RtpPacket& packet) noexcept {
  // Chrome sends MID (and RID for simulcast) until an RR acknowledges the SSRC (ms#335,
  // str0m#603): the first packets of a layer whose SSRC the SDP did not list say where
  // they belong.
  for (Producer* p : peer.producers) {
    const RtpParameters& params = p->parameters();
    if (params.extensions.mid == 0) continue;
    const auto mid = packet.extension(params.extensions.mid);
    if (!mid || !equals(*mid, params.mid)) continue;
    std::optional<std::span<std::uint8_t>> rid;
    bool rtx = false;
    if (params.extensions.repaired_rid != 0) {
      rid = packet.extension(params.extensions.repaired_rid);
      rtx = rid.has_value();
    }
    if (!rid && params.extensions.rid != 0) rid = packet.extension(params.extensions.rid);
    std::optional<std::size_t> index;
    if (rid) {
      for (std::size_t i = 0; i < p->stream_count(); ++i) {
        if (equals(*rid, p->stream(i).rid)) index = i;
      }
    } else if (p->stream_count() == 1) {
      index = 0;  // one encoding, SSRC not signalled: the MID says it all
      rtx = p->pt_info_.rtx_apt[packet.payload_type()] != kNoPayloadType;
    }
    if (!index) return std::nullopt;
    const std::uint32_t ssrc = packet.ssrc();
    const Producer::Stream& s = p->stream(*index);
    const std::uint32_t old = rtx ? s.rtx_ssrc : s.ssrc;
    try {
      if (old != 0) peer.routes.erase(old);  // the publisher changed SSRC for the layer
      peer.routes[ssrc] = Route{p, *index, rtx};
    } catch (...) {
      return std::nullopt;  // out of memory: drop this packet, a later one binds
    }
    p->bind_ssrc(*index, ssrc, rtx);
    ++stats_.ssrc_bound;
    return Route{p, *index, rtx};
  }
  return std::nullopt;
}

Router::RtpResult Router::receive_rtp(PeerId peer_id, rtp::RtpPacket& packet,
                                      std::int64_t arrival_ns) noexcept {
  ++stats_.rtp_received;
  Peer* peer = find_peer(peer_id);
  if (peer == nullptr) {
    ++stats_.rtp_unknown_peer;
    return RtpResult::unknown_peer;
  }
  std::optional<Route> route;
  if (const auto it = peer->routes.find(packet.ssrc()); it != peer->routes.end()) {
    route = it->second;
  } else {
    route = bind_by_mid(*peer, packet);
  }
  if (!route) {
    ++stats_.rtp_unknown_ssrc;
    return RtpResult::unknown_ssrc;
  }
  // Transport-wide sequence numbers cover every packet on the transport, RTX and probes
  // included (draft-holmer-rmcat-transport-wide-cc-extensions-01 §2).
  const std::uint8_t twcc_id = route->producer->parameters().extensions.transport_cc;
  if (peer->transport_cc && twcc_id != 0) {
    if (const auto value = packet.extension(twcc_id); value && value->size() >= 2) {
      peer->transport->on_twcc_received(load_be16(value->data()), arrival_ns, packet.ssrc());
    }
  }
  route->producer->receive_rtp(packet, route->stream, route->rtx, arrival_ns);
  return RtpResult::routed;
}

}  // namespace haven::sfu::routing
