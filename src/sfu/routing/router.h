// The Router is one room's forwarding core (mediasoup's shape: Router -> Producer/Consumer).
// It owns every Producer and Consumer (unique_ptr; the indexes hold plain pointers), routes
// each publisher packet by SSRC (or by MID/RID for the first packets of a simulcast layer)
// to its producer, which fans it out to the consumers, and terminates RTCP on every leg
// (interop notes §5): subscribers' PLI/FIR become rate-limited key-frame requests, their
// NACKs are answered from the consumers' buffers, their RR/REMB/transport-cc feed RTT and
// bandwidth estimates; nothing they send goes upstream as is. tick() sends the RTCP the
// SFU owes: RRs, upstream NACKs, PLI retries, transport-cc feedback (or REMB) to
// publishers, SRs to subscribers, and evaluates the active speaker.
//
// Threading and failure model: one thread (the media worker) calls everything; no locks.
// The data plane (receive_rtp) never throws and never allocates per packet, except once
// per simulcast layer when an SSRC is first bound from its rid. Times are monotonic
// nanoseconds from one clock; Config::wall_clock_offset_ns turns them into NTP for SRs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <unordered_map>
#include <vector>

#include "sfu/routing/active_speaker.h"
#include "sfu/routing/consumer.h"
#include "sfu/routing/payload_sampler.h"
#include "sfu/routing/peer_sink.h"
#include "sfu/routing/peer_transport.h"
#include "sfu/routing/producer.h"
#include "sfu/rtcp/rtcp_packets.h"
#include "sfu/rtp/rtp_packet.h"
#include "sfu/rtp_parameters.h"

namespace haven::sfu::routing {

// system_clock - steady_clock now: Config::wall_clock_offset_ns for a Router driven by
// std::chrono::steady_clock.
std::int64_t steady_to_unix_offset_ns() noexcept;
// std::chrono::steady_clock now, in nanoseconds: the clock every Router time is on.
std::int64_t steady_now_ns() noexcept;

struct RouterConfig {
  std::int64_t wall_clock_offset_ns = 0;  // unix ns = monotonic ns + offset (SR NTP)
  std::uint64_t random_seed = 0;          // 0: from std::random_device
  // REMB sent to publishers that did not negotiate transport-cc, so Chrome ramps up to
  // it instead of creeping up on RR loss alone (janus#1182, ms#133).
  std::uint64_t remb_bitrate_bps = 3'000'000;
  // Retransmission storage (packet_store.h): entries per producer stream and per consumer
  // log, bytes per producer stream (video: 2 s at 1 Mbps), and how old a packet may be.
  std::size_t video_cache_packets = 1024;
  std::size_t audio_cache_packets = 64;
  std::size_t video_store_bytes = 256 * 1024;
  std::size_t audio_store_bytes = 16 * 1024;
  std::int64_t video_cache_age_ns = 2'000'000'000;
  std::int64_t audio_cache_age_ns = 1'000'000'000;
  std::int64_t video_report_interval_ns = 1'000'000'000;  // RR per video SSRC
  std::int64_t audio_report_interval_ns = 5'000'000'000;  // RR per audio SSRC
  std::int64_t sender_report_interval_ns = 1'000'000'000;
  std::int64_t transport_cc_interval_ns = 100'000'000;
  std::int64_t remb_interval_ns = 1'000'000'000;
  ActiveSpeakerSelector::Config speaker;
  // Tests only (payload_sampler.h): every producer offers its packets here; null: off.
  PayloadSampler* payload_sampler = nullptr;
};

class Router {
 public:
  // Events up to signaling. Called on the worker thread outside any Router iteration, so
  // the listener may call back into the Router.
  class Listener {
   public:
    virtual ~Listener() = default;
    // The consumer closed because its producer closed (close_producer, or close_peer of
    // the publisher): the subscriber's m-line needs renegotiating. Not called for
    // close_consumer().
    virtual void on_consumer_closed(PeerId subscriber, ConsumerId consumer,
                                    ProducerId producer) = 0;
    // The loudest peer changed (ActiveSpeakerSelector: hysteresis, at most every 500 ms).
    virtual void on_active_speaker(PeerId peer) = 0;
  };

  using Config = RouterConfig;

  struct Stats {
    std::uint64_t rtp_received = 0;
    std::uint64_t rtp_unknown_peer = 0;
    std::uint64_t rtp_unknown_ssrc = 0;  // no producer for the SSRC, MID or RID: dropped
    std::uint64_t ssrc_bound = 0;        // SSRCs learnt from MID/RID
    std::uint64_t rtcp_received = 0;
    std::uint64_t rtcp_malformed = 0;
    std::uint64_t rtcp_sent = 0;  // compound packets
  };

  enum class RtpResult { routed, unknown_peer, unknown_ssrc };

  explicit Router(Config config = {}, Listener* listener = nullptr);
  ~Router();
  Router(const Router&) = delete;
  Router& operator=(const Router&) = delete;

  // Where a peer's outgoing RTP/RTCP goes (nullptr detaches). Sinks are not owned.
  void set_sink(PeerId peer, PeerSink* sink);

  // A publisher's track. nullptr when the parameters are unusable (no codec, no encoding,
  // payload type >= 128) or an SSRC is already in use on that peer's transport.
  Producer* add_producer(PeerId peer, const RtpParameters& params);
  // `params` are the subscriber side: its payload types, extension ids, the consumer's
  // SSRC and RTX SSRC (encodings[0]) and MID. nullptr for an unknown producer, a kind
  // mismatch, no common codec, SSRC 0 or one already used toward that peer. A video
  // consumer asks for a key frame at once unless created paused.
  Consumer* add_consumer(PeerId subscriber, ProducerId producer, const RtpParameters& params,
                         bool paused = false);
  // Close and destroy; returns false for unknown ids. close_producer closes its consumers
  // first (Listener::on_consumer_closed each); a closed consumer sends RTCP BYE.
  bool close_producer(ProducerId id);
  bool close_consumer(ConsumerId id);
  // Everything the peer publishes and consumes, and its transport state.
  void close_peer(PeerId peer);

  Producer* producer(ProducerId id) const noexcept;
  Consumer* consumer(ConsumerId id) const noexcept;
  // Bandwidth the peer's REMB / transport-cc feedback reports (for simulcast selection).
  const BandwidthEstimate* bandwidth_estimate(PeerId peer) const noexcept;
  std::optional<PeerId> active_speaker() const noexcept { return speaker_.current(); }
  const Stats& stats() const noexcept { return stats_; }

  // Data plane: one decrypted RTP packet from `peer`'s transport. The packet's buffer may
  // be modified (RTX is restored in place).
  RtpResult receive_rtp(PeerId peer, rtp::RtpPacket& packet, std::int64_t arrival_ns) noexcept;
  // One decrypted compound RTCP packet from `peer`'s transport.
  void receive_rtcp(PeerId peer, std::span<const std::uint8_t> compound, std::int64_t now_ns);
  // Timers; call every 20-50 ms.
  void tick(std::int64_t now_ns);

 private:
  struct Route {
    Producer* producer = nullptr;
    std::size_t stream = 0;
    bool rtx = false;
  };
  struct Peer {
    std::unique_ptr<PeerTransport> transport;
    std::vector<Producer*> producers;
    std::vector<Consumer*> consumers;
    std::unordered_map<std::uint32_t, Route> routes;        // publisher SSRC -> stream
    std::unordered_map<std::uint32_t, Consumer*> outgoing;  // our SSRC toward it -> consumer
    // Where a closed consumer's SSRCs left off: one that reuses them continues there, since
    // the SRTP sender never uses a sequence number (an index, GCM's nonce) twice.
    std::unordered_map<std::uint32_t, std::uint16_t> resume_seq;
    bool transport_cc = false;  // a producer negotiated transport-cc: feedback, not REMB
    std::int64_t next_transport_cc_ns = 0;
    std::int64_t next_remb_ns = 0;
  };
  struct ClosedEvent {
    PeerId subscriber;
    ConsumerId consumer;
    ProducerId producer;
  };

  Peer& ensure_peer(PeerId id);
  Peer* find_peer(PeerId id) noexcept;
  std::optional<Route> bind_by_mid(Peer& peer, const rtp::RtpPacket& packet) noexcept;
  void destroy_consumer(Consumer* consumer);
  void destroy_producer(Producer* producer, std::vector<ClosedEvent>& events);
  void notify(const std::vector<ClosedEvent>& events);
  std::uint64_t ntp_now(std::int64_t now_ns) const noexcept;
  std::uint32_t random_ssrc();
  std::uint16_t random_initial_seq();
  void send_rtcp(PeerTransport& transport, const std::vector<rtcp::Packet>& packets);
  void collect_publisher_rtcp(Peer& peer, std::int64_t now_ns, std::vector<rtcp::Packet>& out);
  void collect_subscriber_rtcp(Peer& peer, std::int64_t now_ns, std::vector<rtcp::Packet>& out);
  void update_active_speaker(std::int64_t now_ns);

  Config config_;
  Listener* listener_;
  std::mt19937_64 rng_;
  std::unordered_map<PeerId, Peer> peers_;
  std::unordered_map<ProducerId, std::unique_ptr<Producer>> producers_;
  std::unordered_map<ConsumerId, std::unique_ptr<Consumer>> consumers_;
  ProducerId next_producer_id_ = 1;
  ConsumerId next_consumer_id_ = 1;
  ActiveSpeakerSelector speaker_;
  std::vector<ActiveSpeakerSelector::Candidate> speaker_scratch_;
  std::vector<rtcp::ReportBlock> block_scratch_;
  std::array<std::uint8_t, kSendBufferSize> send_buffer_{};
  std::array<std::uint8_t, kMaxDatagram> rebuild_buffer_{};  // NACK answers (Consumer::rebuild)
  Stats stats_;
};

}  // namespace haven::sfu::routing
