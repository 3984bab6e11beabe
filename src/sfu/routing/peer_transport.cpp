#include "sfu/routing/peer_transport.h"

#include <algorithm>

namespace haven::sfu::routing {
namespace {

// Exponential average with weight 1/4 for the new sample; the first sample is taken as is.
std::uint64_t smooth(std::uint64_t average, std::uint64_t sample, bool first) noexcept {
  return first ? sample : (average * 3 + sample) / 4;
}

}  // namespace

PeerTransport::PeerTransport(PeerId peer, std::uint32_t rtcp_ssrc) noexcept
    : peer_(peer), rtcp_ssrc_(rtcp_ssrc), builder_(rtcp_ssrc, 0, 0) {}

void PeerTransport::send_rtp(std::span<std::uint8_t> buffer, std::size_t len, bool has_twcc,
                             std::uint16_t twcc_seq) noexcept {
  if (has_twcc) {
    Sent& s = sent_[twcc_seq % kSentHistory];
    s.seq = twcc_seq;
    s.size = static_cast<std::uint16_t>(len);
    s.used = true;
  }
  ++rtp_sent_;
  if (sink_ != nullptr) sink_->send_rtp(buffer, len);
}

void PeerTransport::send_rtcp(std::span<const std::uint8_t> compound) {
  if (sink_ != nullptr && !compound.empty()) sink_->send_rtcp(compound);
}

void PeerTransport::on_remb(std::uint64_t bitrate_bps, std::int64_t now_ns) noexcept {
  estimate_.remb_bps = bitrate_bps;
  estimate_.remb_at_ns = now_ns;
}

void PeerTransport::on_transport_feedback(const rtcp::TransportFeedback& feedback,
                                          std::int64_t now_ns) {
  if (feedback.status_count == 0) return;
  std::uint64_t acked_bytes = 0;
  for (const auto& r : feedback.received) {
    const Sent& s = sent_[r.seq % kSentHistory];
    if (s.used && s.seq == r.seq) acked_bytes += s.size;
  }
  const bool first = estimate_.feedback_at_ns < 0;
  const auto arrivals = rtcp::twcc_arrivals(feedback);
  if (arrivals.size() >= 2) {
    const std::int64_t span_us = arrivals.back().arrival_us - arrivals.front().arrival_us;
    if (span_us >= 20'000) {  // shorter spans say more about burstiness than bitrate
      const std::uint64_t rate = acked_bytes * 8 * 1'000'000 / static_cast<std::uint64_t>(span_us);
      estimate_.acked_bps = smooth(estimate_.acked_bps, rate, estimate_.acked_bps == 0);
    }
  }
  const std::size_t lost = feedback.status_count -
                           std::min<std::size_t>(feedback.received.size(), feedback.status_count);
  const std::uint64_t loss = lost * 256 / feedback.status_count;
  estimate_.loss_fraction = static_cast<std::uint8_t>(
      std::min<std::uint64_t>(255, smooth(estimate_.loss_fraction, loss, first)));
  estimate_.feedback_at_ns = now_ns;
}

void PeerTransport::on_rtt(std::int64_t rtt_ns) noexcept {
  if (rtt_ns <= 0) return;
  rtt_ns_ = rtt_ns_ == 0 ? rtt_ns : (rtt_ns_ * 7 + rtt_ns) / 8;
}

void PeerTransport::on_twcc_received(std::uint16_t seq, std::int64_t arrival_ns,
                                     std::uint32_t media_ssrc) noexcept {
  const std::int64_t unwrapped = twcc_in_unwrapper_.unwrap(seq);
  last_media_ssrc_ = media_ssrc;
  if (arrival_count_ == kMaxArrivals) return;  // tick() is late; the gap reads as loss
  arrivals_[arrival_count_++] = {unwrapped, arrival_ns / 1000};
}

std::vector<rtcp::TransportFeedback> PeerTransport::take_feedback() {
  std::vector<rtcp::TransportFeedback> out;
  if (arrival_count_ == 0) return out;
  scratch_.assign(arrivals_.begin(),
                  arrivals_.begin() + static_cast<std::ptrdiff_t>(arrival_count_));
  arrival_count_ = 0;
  std::sort(scratch_.begin(), scratch_.end(),
            [](const Arrival& a, const Arrival& b) { return a.seq < b.seq; });
  for (const auto& a : scratch_) {
    // Duplicates, and stragglers older than what earlier feedback already covered (they
    // were reported lost; reporting them now would restart the numbering backwards).
    if (a.seq <= last_fed_seq_) continue;
    if (!builder_.add(a.seq, a.arrival_us)) {
      if (!builder_.empty()) out.push_back(builder_.take());
      if (!builder_.add(a.seq, a.arrival_us)) continue;
    }
    last_fed_seq_ = a.seq;
  }
  if (!builder_.empty()) out.push_back(builder_.take());
  for (auto& fb : out) fb.media_ssrc = last_media_ssrc_;
  return out;
}

}  // namespace haven::sfu::routing
