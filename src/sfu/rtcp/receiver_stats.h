// Per received SSRC statistics behind the SFU's receiver reports (interop notes §5: an RR
// per received SSRC every <= 1 s video / <= 5 s audio, with loss, jitter, LSR/DLSR; Chrome
// also keeps sending MID/RID until an RR acknowledges the SSRC).
//
// Loss follows RFC 3550 Appendix A.3 on top of the A.1 sequence tracker; jitter is A.8's
// running estimate J += (|D| - J) / 16, kept in 1/16 units as the listing does.
#pragma once

#include <cstdint>
#include <optional>

#include "sfu/rtcp/rtcp_packets.h"
#include "sfu/rtp/sequence.h"

namespace haven::sfu::rtcp {

class ReceiverStats {
 public:
  // `clock_rate` is the RTP clock of the stream (90000 video, 48000 Opus); min_sequential
  // as in rtp::SequenceTracker (the SFU passes 1: the transport is already authenticated).
  ReceiverStats(std::uint32_t ssrc, std::uint32_t clock_rate,
                int min_sequential = rtp::SequenceTracker::kMinSequential) noexcept;

  // One received RTP packet: its sequence number and timestamp, and its arrival on a
  // monotonic clock in nanoseconds. Jitter only uses packets that advance the highest
  // sequence number, so retransmissions and reordered packets do not inflate it.
  void on_packet(std::uint16_t seq, std::uint32_t rtp_timestamp, std::int64_t arrival_ns) noexcept;

  // A Sender Report from this SSRC arrived (for LSR/DLSR).
  void on_sender_report(std::uint64_t ntp_timestamp, std::int64_t arrival_ns) noexcept;

  // The report block for an RR/SR sent at `now_ns` (same clock as arrival_ns). Starts a new
  // interval for the fraction lost (A.3 expected_prior/received_prior).
  ReportBlock make_report_block(std::int64_t now_ns) noexcept;

  std::uint32_t ssrc() const noexcept { return ssrc_; }
  const rtp::SequenceTracker& sequence() const noexcept { return seq_; }
  // Interarrival jitter in RTP timestamp units (the value a report block carries).
  std::uint32_t jitter() const noexcept;
  // RFC 3550 A.3 cumulative lost (expected - received), clamped to 24-bit signed.
  std::int32_t cumulative_lost() const noexcept;

 private:
  std::uint32_t to_rtp_units(std::int64_t ns) const noexcept;

  std::uint32_t ssrc_;
  std::uint32_t clock_rate_;
  rtp::SequenceTracker seq_;
  std::uint64_t jitter_q4_ = 0;  // J * 16
  std::optional<std::uint32_t> last_transit_;
  std::int64_t expected_prior_ = 0;
  std::int64_t received_prior_ = 0;
  std::uint32_t last_sr_compact_ = 0;  // 0: no SR yet
  std::int64_t last_sr_arrival_ns_ = 0;
};

}  // namespace haven::sfu::rtcp
