#include "sfu/rtcp/receiver_stats.h"

#include "sfu/rtcp/ntp_time.h"

namespace haven::sfu::rtcp {

ReceiverStats::ReceiverStats(std::uint32_t ssrc, std::uint32_t clock_rate,
                             int min_sequential) noexcept
    : ssrc_(ssrc), clock_rate_(clock_rate), seq_(min_sequential) {}

std::uint32_t ReceiverStats::to_rtp_units(std::int64_t ns) const noexcept {
  // Split so ns * clock_rate cannot overflow; the result wraps like an RTP timestamp.
  constexpr std::int64_t kNs = 1'000'000'000;
  const std::int64_t seconds = ns / kNs;
  const std::int64_t rem = ns % kNs;
  const std::uint64_t units = static_cast<std::uint64_t>(seconds) * clock_rate_ +
                              static_cast<std::uint64_t>(rem * clock_rate_ / kNs);
  return static_cast<std::uint32_t>(units);
}

void ReceiverStats::on_packet(std::uint16_t seq, std::uint32_t rtp_timestamp,
                              std::int64_t arrival_ns) noexcept {
  const std::uint32_t old_max = seq_.extended_max();
  if (!seq_.update(seq)) return;
  const bool restarted = seq_.received() == 1;  // validated, or resynced after a jump
  if (restarted) {
    expected_prior_ = 0;  // A.1 init_seq() clears the interval counters too
    received_prior_ = 0;
  }
  if (!restarted && seq_.extended_max() <= old_max) return;  // duplicate/reordered/resent
  // A.8: transit = arrival - timestamp (both in RTP units); D = transit - last transit.
  const std::uint32_t transit = to_rtp_units(arrival_ns) - rtp_timestamp;
  if (!restarted && last_transit_) {
    const std::int64_t d = static_cast<std::int32_t>(transit - *last_transit_);
    const std::int64_t abs_d = d < 0 ? -d : d;
    const std::int64_t next = static_cast<std::int64_t>(jitter_q4_) + abs_d -
                              ((static_cast<std::int64_t>(jitter_q4_) + 8) >> 4);
    jitter_q4_ = next < 0 ? 0 : static_cast<std::uint64_t>(next);
  }
  last_transit_ = transit;
}

void ReceiverStats::on_sender_report(std::uint64_t ntp_timestamp,
                                     std::int64_t arrival_ns) noexcept {
  last_sr_compact_ = compact_ntp(ntp_timestamp);
  last_sr_arrival_ns_ = arrival_ns;
}

std::uint32_t ReceiverStats::jitter() const noexcept {
  const std::uint64_t j = jitter_q4_ >> 4;
  return j > 0xFFFFFFFFu ? 0xFFFFFFFFu : static_cast<std::uint32_t>(j);
}

std::int32_t ReceiverStats::cumulative_lost() const noexcept {
  std::int64_t lost = seq_.expected() - static_cast<std::int64_t>(seq_.received());
  if (lost > 0x7FFFFF) lost = 0x7FFFFF;
  if (lost < -0x800000) lost = -0x800000;
  return static_cast<std::int32_t>(lost);
}

ReportBlock ReceiverStats::make_report_block(std::int64_t now_ns) noexcept {
  ReportBlock block;
  block.ssrc = ssrc_;
  block.cumulative_lost = cumulative_lost();
  block.extended_highest_seq = seq_.extended_max();
  block.jitter = jitter();
  // A.3: fraction of the packets expected since the last report that were lost.
  const std::int64_t expected = seq_.expected();
  const std::int64_t received = seq_.received();
  const std::int64_t expected_interval = expected - expected_prior_;
  const std::int64_t received_interval = received - received_prior_;
  const std::int64_t lost_interval = expected_interval - received_interval;
  expected_prior_ = expected;
  received_prior_ = received;
  if (expected_interval > 0 && lost_interval > 0) {
    block.fraction_lost = static_cast<std::uint8_t>((lost_interval << 8) / expected_interval);
  }
  if (last_sr_compact_ != 0) {
    block.lsr = last_sr_compact_;
    block.dlsr = compact_from_ns(now_ns - last_sr_arrival_ns_);
  }
  return block;
}

}  // namespace haven::sfu::rtcp
