// What the Router keeps per peer transport (one BUNDLEd transport per peer): the sink,
// the SFU's RTCP SSRC toward that peer, and the two transport-wide things that belong to
// the transport rather than to a stream (interop notes §5, MS Transport.cpp):
//  - sending: one transport-wide-cc sequence counter shared by all the peer's consumers
//    (RTX included), a short history of what was sent under each number, and the
//    bandwidth estimate the subscriber reports (REMB, or transport-cc feedback turned into
//    an acknowledged bitrate and loss fraction; kept for simulcast layer selection);
//  - receiving: the transport-wide numbers and arrival times of the publisher's packets,
//    turned into transport-cc feedback (RTPFB FMT 15) every ~100 ms.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sfu/routing/peer_sink.h"
#include "sfu/rtcp/transport_feedback.h"
#include "sfu/rtp/sequence.h"

namespace haven::sfu::routing {

struct BandwidthEstimate {
  std::uint64_t remb_bps = 0;        // last REMB from the subscriber, 0 if none
  std::int64_t remb_at_ns = -1;      // when it arrived, -1 never
  std::uint64_t acked_bps = 0;       // smoothed bitrate the subscriber acknowledged (TWCC)
  std::uint8_t loss_fraction = 0;    // smoothed TWCC loss, 1/256 units
  std::int64_t feedback_at_ns = -1;  // last transport-cc feedback, -1 never
};

class PeerTransport {
 public:
  static constexpr std::int64_t kDefaultRttNs = 100'000'000;

  PeerTransport(PeerId peer, std::uint32_t rtcp_ssrc) noexcept;

  PeerId peer() const noexcept { return peer_; }
  std::uint32_t rtcp_ssrc() const noexcept { return rtcp_ssrc_; }
  void set_sink(PeerSink* sink) noexcept { sink_ = sink; }
  PeerSink* sink() const noexcept { return sink_; }

  // --- toward the peer ---
  // The next transport-wide sequence number (wraps at 2^16).
  std::uint16_t next_twcc_seq() noexcept { return twcc_out_seq_++; }
  // Hands a packet to the sink; records size under `twcc_seq` when it carries one.
  void send_rtp(std::span<std::uint8_t> buffer, std::size_t len, bool has_twcc,
                std::uint16_t twcc_seq) noexcept;
  void send_rtcp(std::span<const std::uint8_t> compound);

  // --- feedback from the peer as a subscriber ---
  void on_remb(std::uint64_t bitrate_bps, std::int64_t now_ns) noexcept;
  void on_transport_feedback(const rtcp::TransportFeedback& feedback, std::int64_t now_ns);
  void on_rtt(std::int64_t rtt_ns) noexcept;
  // Round trip measured from the peer's receiver reports of our SRs, or kDefaultRttNs.
  std::int64_t rtt_ns() const noexcept { return rtt_ns_ > 0 ? rtt_ns_ : kDefaultRttNs; }
  const BandwidthEstimate& estimate() const noexcept { return estimate_; }

  // --- from the peer as a publisher ---
  // A packet with transport-wide seq `seq` arrived (media ssrc for the feedback header).
  void on_twcc_received(std::uint16_t seq, std::int64_t arrival_ns,
                        std::uint32_t media_ssrc) noexcept;
  // Transport-cc feedback for everything recorded since the last call (usually one packet,
  // more when it does not fit), sender SSRC = rtcp_ssrc().
  std::vector<rtcp::TransportFeedback> take_feedback();

  std::uint64_t rtp_sent() const noexcept { return rtp_sent_; }

 private:
  struct Sent {
    std::uint16_t seq = 0;
    std::uint16_t size = 0;
    bool used = false;
  };
  struct Arrival {
    std::int64_t seq = 0;
    std::int64_t arrival_us = 0;
  };
  static constexpr std::size_t kSentHistory = 4096;
  static constexpr std::size_t kMaxArrivals = 2048;

  PeerId peer_;
  std::uint32_t rtcp_ssrc_;
  PeerSink* sink_ = nullptr;
  std::uint64_t rtp_sent_ = 0;

  std::uint16_t twcc_out_seq_ = 1;
  std::array<Sent, kSentHistory> sent_{};
  BandwidthEstimate estimate_;
  std::int64_t rtt_ns_ = 0;

  rtp::SeqUnwrapper twcc_in_unwrapper_;
  std::array<Arrival, kMaxArrivals> arrivals_{};
  std::size_t arrival_count_ = 0;
  std::uint32_t last_media_ssrc_ = 0;
  std::int64_t last_fed_seq_ = -1;
  rtcp::TransportFeedbackBuilder builder_;
  std::vector<Arrival> scratch_;
};

}  // namespace haven::sfu::routing
