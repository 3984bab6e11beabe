// Consumer: what it does with the subscriber's RTCP, and the SRs it sends.
#include <array>
#include <cstring>

#include "sfu/routing/consumer.h"
#include "sfu/routing/peer_transport.h"
#include "sfu/routing/producer.h"
#include "sfu/routing/rtp_time.h"
#include "sfu/rtcp/ntp_time.h"
#include "sfu/rtp/byte_order.h"
#include "sfu/rtp/rtx.h"

namespace haven::sfu::routing {

void Consumer::on_keyframe_request(bool fir) noexcept {
  ++(fir ? stats_.fir_received : stats_.pli_received);
  request_keyframe();
}

void Consumer::on_report_block(const rtcp::ReportBlock& block, std::uint32_t now_compact) noexcept {
  stats_.fraction_lost = block.fraction_lost;
  stats_.cumulative_lost = block.cumulative_lost;
  const std::int64_t rtt = rtcp::rtt_ns(now_compact, block.lsr, block.dlsr);
  if (rtt >= 0) {
    stats_.rtt_ns = rtt;
    transport_.on_rtt(rtt);
  }
}

void Consumer::on_nack(const rtcp::Nack& nack, std::int64_t now_ns) noexcept {
  for (const std::uint16_t seq : nack.seqs) {
    ++stats_.nack_seqs;
    SentLog::Record* record = sent_ ? sent_->find(seq, now_ns) : nullptr;
    if (!record) {
      ++stats_.nack_unavailable;  // too old, or never sent
      continue;
    }
    // Already resent within one RTT: that copy may still be in flight (MS RtpStreamSend).
    if (record->resent_ns >= 0 && now_ns - record->resent_ns < transport_.rtt_ns()) continue;
    const std::size_t len = rebuild(*record, now_ns);
    if (len == 0) {
      ++stats_.nack_unavailable;  // the producer's store has moved on
      continue;
    }
    retransmit(rebuild_buffer_.first(len), now_ns);
    record->resent_ns = now_ns;
  }
}

void Consumer::retransmit(std::span<std::uint8_t> cached, std::int64_t now_ns) noexcept {
  const auto original = rtp::RtpPacket::parse(cached);
  if (!original) return;  // unreachable: we built it
  const std::uint8_t rtx_pt = payload_types_.rtx[original->payload_type()];
  std::size_t len = 0;
  if (rtx_ssrc_ != 0 && rtx_pt != kNoPayloadType) {
    // RFC 4588 §4: rtx PT, RTX SSRC, the RTX stream's own seq, OSN + original payload.
    len =
        rtp::rtx_encode(*original, send_buffer_.first(kMaxDatagram), rtx_pt, rtx_ssrc_, rtx_seq_++);
  } else {
    // No RTX negotiated: the same packet again under its own sequence number. AES_CM
    // sessions allow that repeat (allow_repeat_tx); GCM sessions refuse it, because the
    // stamps below change the authenticated header under the same nonce
    // (gcm_rtp_protector.h), so under GCM such a NACK goes unanswered.
    std::memcpy(send_buffer_.data(), cached.data(), cached.size());
    len = cached.size();
  }
  if (len == 0) return;
  bool has_twcc = false;
  std::uint16_t twcc_seq = 0;
  stamp_transport_values(send_buffer_, len, now_ns, has_twcc, twcc_seq);
  ++stats_.retransmitted;
  transport_.send_rtp(send_buffer_, len, has_twcc, twcc_seq);
}

void Consumer::stamp_transport_values(std::span<std::uint8_t> packet, std::size_t len,
                                      std::int64_t now_ns, bool& has_twcc,
                                      std::uint16_t& twcc_seq) noexcept {
  // A retransmission is a new packet on the transport: fresh transport-wide seq (the
  // subscriber's estimator must see it) and send time.
  auto view = rtp::RtpPacket::parse(packet.first(len));
  if (!view) return;
  if (transport_cc_id_ != 0) {
    std::array<std::uint8_t, 2> v{};
    const std::uint16_t seq = transport_.next_twcc_seq();
    store_be16(v.data(), seq);
    if (view->set_extension_value(transport_cc_id_, v)) {
      has_twcc = true;
      twcc_seq = seq;
    }
  }
  if (abs_send_time_id_ != 0) {
    std::array<std::uint8_t, 3> v{};
    store_be24(v.data(), abs_send_time(now_ns));
    view->set_extension_value(abs_send_time_id_, v);
  }
}

std::optional<rtcp::SenderReport> Consumer::make_sender_report(std::int64_t now_ns,
                                                               std::uint64_t ntp) {
  if (!rewriter_.has_output() || !current_ || now_ns < next_report_ns_) return std::nullopt;
  next_report_ns_ = now_ns + config_.report_interval_ns;
  const std::uint32_t clock = producer_.clock_rate();
  rtcp::SenderReport sr;
  sr.ssrc = ssrc_;
  sr.ntp_timestamp = ntp;
  // RTP time "now" (RFC 3550 §6.4.1). From the publisher's own SR when there is one: the
  // publisher's audio and video SRs then map to our NTP clock with the same offset, which
  // keeps its lip sync intact; otherwise extrapolated from the last packet sent.
  const SenderReportInfo& src = producer_.stream(*current_).last_sr;
  if (src.valid) {
    sr.rtp_timestamp =
        src.rtp_timestamp + rtp_units(now_ns - src.arrival_ns, clock) + rewriter_.ts_offset();
  } else {
    sr.rtp_timestamp = rewriter_.last_ts() + rtp_units(now_ns - last_sent_ns_, clock);
  }
  sr.packet_count = static_cast<std::uint32_t>(stats_.packets_sent);
  sr.octet_count = static_cast<std::uint32_t>(stats_.octets_sent);
  return sr;
}

}  // namespace haven::sfu::routing
