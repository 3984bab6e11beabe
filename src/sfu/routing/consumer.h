// A Consumer is one producer's track as one subscriber receives it. Everything the
// subscriber sees is the consumer's own (interop notes §5): SSRC and RTX SSRC, a sequence
// number space starting at a random 1000..32767 and continuous across pauses and layer
// switches, continuous timestamps, the subscriber's payload types and header extension ids,
// its MID on every packet, fresh abs-send-time and a transport-wide sequence number from
// the subscriber's transport. It answers the subscriber's NACKs by rebuilding what it sent
// from the producer's shared PacketStore and its own SentLog (packet_store.h; RTX, RFC
// 4588, or plain without RTX) and produces its SRs.
//
// Simulcast (MS SimulcastConsumer): the producer feeds every layer; the consumer forwards
// the current one and switches only on a key frame of a better-suited layer (never mid-GOP,
// interop notes §6), realigning timestamps through the publisher's SRs and continuing VP8
// PictureID/TL0PICIDX. Layer choice is explicit (set_preferred_layer); choosing it from the
// bandwidth estimate is left to the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "sfu/routing/codec_info.h"
#include "sfu/routing/packet_store.h"
#include "sfu/routing/peer_sink.h"
#include "sfu/routing/rtp_mapping.h"
#include "sfu/routing/stream_rewriter.h"
#include "sfu/rtcp/rtcp_packets.h"
#include "sfu/rtp/header_extensions.h"
#include "sfu/rtp/rtp_packet.h"
#include "sfu/rtp_parameters.h"

namespace haven::sfu::routing {

class PeerTransport;
class Producer;

// A producer's packet as its consumers see it (read-only: each consumer writes its own
// copy into the send buffer).
struct IncomingPacket {
  const rtp::RtpPacket& packet;
  std::int64_t seq = 0;    // unwrapped input sequence number
  std::size_t stream = 0;  // producer stream (simulcast layer, 0 = lowest)
  CodecKind codec = CodecKind::other;
  bool keyframe = false;  // starts a key frame
  bool keyframe_detectable = false;
  bool retransmission = false;  // recovered from the publisher's RTX
};

class Consumer {
 public:
  struct Stats {
    std::uint64_t packets_sent = 0;      // media packets (retransmissions not counted)
    std::uint64_t octets_sent = 0;       // payload octets, as in the SR (RFC 3550 §6.4.1)
    std::uint64_t retransmitted = 0;     // RTX or plain
    std::uint64_t nack_seqs = 0;         // sequence numbers the subscriber NACKed
    std::uint64_t nack_unavailable = 0;  // ... no longer (or never) in the buffer
    std::uint64_t pli_received = 0;
    std::uint64_t fir_received = 0;
    std::uint64_t dropped = 0;  // padding-only, unmapped payload type, oversize
    std::uint64_t layer_switches = 0;
    std::uint8_t fraction_lost = 0;  // from the subscriber's last report block
    std::int32_t cumulative_lost = 0;
    std::int64_t rtt_ns = -1;  // from LSR/DLSR, -1 until measured
  };

  ConsumerId id() const noexcept { return id_; }
  PeerId peer() const noexcept { return peer_; }
  Producer& producer() const noexcept { return producer_; }
  MediaKind kind() const noexcept { return params_.kind; }
  const RtpParameters& parameters() const noexcept { return params_; }
  std::uint32_t ssrc() const noexcept { return ssrc_; }
  std::uint32_t rtx_ssrc() const noexcept { return rtx_ssrc_; }
  const Stats& stats() const noexcept { return stats_; }
  // The first sequence numbers not yet used on ssrc() (nullopt: none used yet) and on
  // rtx_ssrc(), for a later consumer that reuses the SSRCs (Router::add_consumer).
  std::optional<std::uint16_t> next_seq() const noexcept {
    if (!rewriter_.has_output()) return std::nullopt;
    return static_cast<std::uint16_t>(rewriter_.last_seq() + 1);
  }
  std::uint16_t next_rtx_seq() const noexcept { return rtx_seq_; }

  // Mute: nothing is forwarded while paused. Resuming continues the sequence numbers
  // without a gap, waits for a key frame (video) and asks the publisher for one.
  void pause() noexcept;
  void resume() noexcept;
  bool paused() const noexcept { return paused_; }
  // Asks the publisher for a key frame of the layer this consumer needs (rate-limited in
  // the producer). Audio: no-op.
  void request_keyframe() noexcept;

  // Simulcast: the layer (producer stream index, 0 = lowest) to converge to; clamped to
  // the layers the producer has. A switch happens at that layer's next key frame, which
  // is requested.
  void set_preferred_layer(std::size_t layer) noexcept;
  std::size_t preferred_layer() const noexcept { return preferred_; }
  // The layer actually converged to: the preferred one, or the best one below it that the
  // publisher still sends (follow_active_layers).
  std::size_t target_layer() const noexcept { return target_; }
  // A publisher stops sending its top layers when its bandwidth or CPU run short
  // (Chromium's simulcast adaptation); a consumer waiting for a layer that no longer
  // comes would forward nothing. So the target is the best layer at or below the
  // preferred one that had a packet in the last kLayerIdleNs, and climbs back when the
  // preferred layer returns. Router::tick calls it.
  void follow_active_layers(std::int64_t now_ns) noexcept;
  static constexpr std::int64_t kLayerIdleNs = 1'500'000'000;
  // The layer being forwarded, nullopt before the first packet.
  std::optional<std::size_t> current_layer() const noexcept { return current_; }

 private:
  friend class Router;
  friend class Producer;

  struct Config {
    std::size_t cache_packets = 0;  // SentLog entries; 0: NACKs are not answered
    std::int64_t cache_age_ns = 0;
    std::int64_t report_interval_ns = 1'000'000'000;
    std::uint16_t first_seq = 1000;
    std::uint32_t first_ts = 0;
    std::uint16_t first_rtx_seq = 1000;
  };

  Consumer(ConsumerId id, PeerTransport& subscriber, Producer& producer,
           const RtpParameters& params, const PayloadTypeMap& payload_types, Config config,
           std::span<std::uint8_t> send_buffer, std::span<std::uint8_t> rebuild_buffer);

  // Data plane (consumer.cpp).
  void forward(const IncomingPacket& in, std::int64_t now_ns) noexcept;
  bool can_switch_to(const IncomingPacket& in) const noexcept;
  std::uint32_t aligned_timestamp(const IncomingPacket& in, std::int64_t now_ns) const noexcept;

  // Subscriber RTCP (consumer_rtcp.cpp).
  void on_nack(const rtcp::Nack& nack, std::int64_t now_ns) noexcept;
  void on_keyframe_request(bool fir) noexcept;
  void on_report_block(const rtcp::ReportBlock& block, std::uint32_t now_compact) noexcept;
  // The SR for this consumer's SSRC when one is due (every report interval, once
  // something was sent); `ntp` is now on the wall clock.
  std::optional<rtcp::SenderReport> make_sender_report(std::int64_t now_ns, std::uint64_t ntp);
  void retarget(std::size_t layer) noexcept;
  void retransmit(std::span<std::uint8_t> cached, std::int64_t now_ns) noexcept;
  // The subscriber's version of publisher packet `pkt` into `out` (≥ kMaxDatagram bytes):
  // its PT, extension ids, MID, abs-send-time and `twcc_seq`, our seq/ts/SSRC. The payload
  // is copied as is. 0 when it would not fit.
  std::size_t build_packet(const rtp::RtpPacket& pkt, std::uint8_t out_pt, std::uint16_t seq,
                           std::uint32_t ts, std::uint16_t twcc_seq, std::int64_t now_ns,
                           std::span<std::uint8_t> out) noexcept;
  // Rebuilds what was sent under `record` from the producer's store; 0 if it is gone.
  std::size_t rebuild(const SentLog::Record& record, std::int64_t now_ns) noexcept;
  void stamp_transport_values(std::span<std::uint8_t> packet, std::size_t len, std::int64_t now_ns,
                              bool& has_twcc, std::uint16_t& twcc_seq) noexcept;

  ConsumerId id_;
  PeerId peer_;
  PeerTransport& transport_;
  Producer& producer_;
  RtpParameters params_;
  PayloadTypeMap payload_types_;
  rtp::ExtensionIdMap extension_ids_;
  Config config_;
  std::span<std::uint8_t> send_buffer_;     // the Router's, kSendBufferSize bytes
  std::span<std::uint8_t> rebuild_buffer_;  // the Router's, kMaxDatagram bytes

  std::uint32_t ssrc_ = 0;
  std::uint32_t rtx_ssrc_ = 0;
  std::uint8_t mid_id_ = 0;
  std::uint8_t abs_send_time_id_ = 0;
  std::uint8_t transport_cc_id_ = 0;
  std::string mid_;
  bool simulcast_ = false;

  bool paused_ = false;
  std::optional<std::size_t> current_;
  std::size_t preferred_ = 0;  // what the caller asked for
  std::size_t target_ = 0;     // what is converged to (follow_active_layers)
  SeqTsRewriter rewriter_;
  Vp8PictureRewriter vp8_;
  std::int64_t last_sent_ns_ = 0;
  std::uint16_t rtx_seq_ = 0;
  std::optional<SentLog> sent_;
  std::int64_t next_report_ns_ = 0;
  Stats stats_;
};

}  // namespace haven::sfu::routing
