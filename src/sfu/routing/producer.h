// A Producer is one track a publisher sends: one stream per encoding (three with
// simulcast), each with its media SSRC, optional RTX SSRC and rid. The Router owns it and
// feeds it the publisher's packets; it keeps the receive-side state the SFU owes the
// publisher (receiver statistics for RRs, SRs for lip sync, upstream NACKs, key-frame
// requests, the audio level) and fans every packet out to its consumers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "sfu/routing/active_speaker.h"
#include "sfu/routing/codec_info.h"
#include "sfu/routing/keyframe_requester.h"
#include "sfu/routing/nack_generator.h"
#include "sfu/routing/packet_store.h"
#include "sfu/routing/payload_sampler.h"
#include "sfu/routing/peer_sink.h"
#include "sfu/routing/rtp_mapping.h"
#include "sfu/rtcp/receiver_stats.h"
#include "sfu/rtcp/rtcp_packets.h"
#include "sfu/rtp/rtp_packet.h"
#include "sfu/rtp/sequence.h"
#include "sfu/rtp_parameters.h"

namespace haven::sfu::routing {

class Consumer;
class PeerTransport;

// The publisher's last Sender Report for a stream: maps its RTP clock to its NTP clock
// (RFC 3550 §6.4.1), which aligns layers on a switch and extrapolates our SRs.
struct SenderReportInfo {
  bool valid = false;
  std::uint64_t ntp = 0;
  std::uint32_t rtp_timestamp = 0;
  std::int64_t arrival_ns = 0;
};

class Producer {
 public:
  struct Stream {
    std::uint32_t ssrc = 0;  // 0 until learnt from a packet's rid (simulcast without SSRCs)
    std::uint32_t rtx_ssrc = 0;
    std::string rid;
    std::optional<rtcp::ReceiverStats> stats;  // from the first packet on
    rtp::SeqUnwrapper unwrapper;
    rtp::ArrivalWindow arrivals;  // forwards each sequence number once
    NackGenerator nack;
    KeyframeRequester keyframe;
    SenderReportInfo last_sr;
    std::uint8_t fir_seq = 0;
    std::uint64_t packets = 0;
    std::uint64_t keyframes = 0;
    std::int64_t last_packet_ns = -1;
    std::int64_t next_report_ns = 0;
  };

  struct Stats {
    std::uint64_t packets = 0;  // media packets, RTX-recovered ones included
    std::uint64_t bytes = 0;
    std::uint64_t rtx_recovered = 0;
    std::uint64_t rtx_probes = 0;  // padding-only RTX, dropped (RFC 4588 §4, MS RtxDecode)
    std::uint64_t duplicates = 0;  // a sequence number that had arrived already, dropped
    std::uint64_t unknown_payload_type = 0;
    std::uint64_t nack_sent = 0;  // sequence numbers NACKed upstream
    std::uint64_t keyframe_requests_sent = 0;
  };

  ProducerId id() const noexcept { return id_; }
  PeerId peer() const noexcept { return peer_; }
  MediaKind kind() const noexcept { return params_.kind; }
  const RtpParameters& parameters() const noexcept { return params_; }
  std::uint32_t clock_rate() const noexcept { return clock_rate_; }
  std::size_t stream_count() const noexcept { return streams_.size(); }
  const Stream& stream(std::size_t index) const noexcept { return streams_[index]; }
  // What the publisher sent on stream `index`, for consumers answering NACKs; nullptr
  // when the producer keeps no storage.
  const PacketStore* packet_store(std::size_t index) const noexcept {
    return index < stores_.size() ? stores_[index].get() : nullptr;
  }
  std::span<Consumer* const> consumers() const noexcept { return consumers_; }
  const Stats& stats() const noexcept { return stats_; }

  // Someone needs a key frame on `stream`: a PLI (or FIR if the publisher negotiated only
  // "ccm fir") goes out on the next Router::tick or receive_rtcp, at most once per second,
  // repeated each second until one arrives (KeyframeRequester).
  void request_keyframe(std::size_t stream) noexcept;
  // Smoothed audio level (AudioLevelMeter::loudness), 0 for video or without the extension.
  int loudness(std::int64_t now_ns) const noexcept { return meter_.loudness(now_ns); }

 private:
  friend class Router;

  struct Config {
    std::int64_t report_interval_ns = 1'000'000'000;
    // Retransmission storage per stream (packet_store.h); 0 entries: none.
    std::size_t store_entries = 0;
    std::size_t store_bytes = 0;
    std::int64_t store_age_ns = 0;
    PayloadSampler* sampler = nullptr;  // tests only (payload_sampler.h)
  };

  Producer(ProducerId id, PeerTransport& publisher, const RtpParameters& params, Config config);

  // Data plane: one packet of stream `index` (an RTX packet when `rtx`).
  void receive_rtp(rtp::RtpPacket& packet, std::size_t index, bool rtx,
                   std::int64_t arrival_ns) noexcept;
  void on_sender_report(std::size_t index, const rtcp::SenderReport& sr, std::int64_t now_ns);
  void bind_ssrc(std::size_t index, std::uint32_t ssrc, bool rtx) noexcept;
  void add_consumer(Consumer* consumer);
  void remove_consumer(Consumer* consumer) noexcept;

  // Control plane, for the RTCP the SFU sends the publisher: report blocks that are due,
  // and NACK/PLI/FIR feedback (sender SSRC = the transport's RTCP SSRC).
  void collect_report_blocks(std::int64_t now_ns, std::vector<rtcp::ReportBlock>& out);
  void collect_feedback(std::int64_t now_ns, std::vector<rtcp::Packet>& out);
  void collect_keyframe_requests(std::int64_t now_ns, std::vector<rtcp::Packet>& out);

  ProducerId id_;
  PeerId peer_;
  PeerTransport& publisher_;
  RtpParameters params_;
  Config config_;
  PayloadTypeInfo pt_info_;
  std::uint32_t clock_rate_ = 90000;
  bool nack_enabled_ = false;
  bool use_fir_ = false;
  std::vector<Stream> streams_;
  std::vector<std::unique_ptr<PacketStore>> stores_;  // one per stream, or none
  std::vector<Consumer*> consumers_;
  AudioLevelMeter meter_;
  Stats stats_;
  std::vector<std::uint16_t> nack_scratch_;
};

}  // namespace haven::sfu::routing
