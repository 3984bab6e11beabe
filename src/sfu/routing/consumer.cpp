#include "sfu/routing/consumer.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "sfu/routing/peer_transport.h"
#include "sfu/routing/producer.h"
#include "sfu/routing/rtp_time.h"
#include "sfu/rtcp/ntp_time.h"
#include "sfu/rtp/byte_order.h"
#include "sfu/rtp/vp8_descriptor.h"

namespace haven::sfu::routing {

Consumer::Consumer(ConsumerId id, PeerTransport& subscriber, Producer& producer,
                   const RtpParameters& params, const PayloadTypeMap& payload_types, Config config,
                   std::span<std::uint8_t> send_buffer, std::span<std::uint8_t> rebuild_buffer)
    : id_(id),
      peer_(subscriber.peer()),
      transport_(subscriber),
      producer_(producer),
      params_(params),
      payload_types_(payload_types),
      extension_ids_(map_extensions(producer.parameters().extensions, params.extensions)),
      config_(config),
      send_buffer_(send_buffer),
      rebuild_buffer_(rebuild_buffer),
      rewriter_(config.first_seq, config.first_ts),
      rtx_seq_(config.first_rtx_seq) {
  ssrc_ = params_.encodings.front().ssrc;
  rtx_ssrc_ = params_.encodings.front().rtx_ssrc;
  mid_id_ = params_.extensions.mid;
  abs_send_time_id_ = params_.extensions.abs_send_time;
  transport_cc_id_ = params_.extensions.transport_cc;
  mid_ = params_.mid;
  if (mid_.empty() || mid_.size() > 255) mid_id_ = 0;  // RFC 8285 two-byte limit
  simulcast_ = producer.stream_count() > 1;
  preferred_ = producer.stream_count() - 1;  // best layer until told otherwise
  target_ = preferred_;
  if (config_.cache_packets > 0) sent_.emplace(config_.cache_packets, config_.cache_age_ns);
}

void Consumer::pause() noexcept {
  paused_ = true;
  rewriter_.end_segment();
}

void Consumer::resume() noexcept {
  if (!paused_) return;
  paused_ = false;
  request_keyframe();
}

void Consumer::request_keyframe() noexcept {
  if (params_.kind != MediaKind::video) return;
  const std::size_t layer = current_ && *current_ == target_ ? *current_ : target_;
  producer_.request_keyframe(layer);
}

void Consumer::set_preferred_layer(std::size_t layer) noexcept {
  const std::size_t top = producer_.stream_count() - 1;
  preferred_ = std::min(layer, top);
  retarget(preferred_);  // follow_active_layers lowers it again if that layer is idle
}

void Consumer::follow_active_layers(std::int64_t now_ns) noexcept {
  // A paused consumer asks for nothing; resume() asks for its key frame and the next tick
  // corrects the target.
  if (!simulcast_ || paused_) return;
  const auto arriving = [&](std::size_t i) {
    const std::int64_t last = producer_.stream(i).last_packet_ns;
    return last >= 0 && now_ns - last < kLayerIdleNs;
  };
  // Downward only: Chromium sheds its top layers first, and a wish for a layer that never
  // arrived yet (a consumer just created) is no reason to go up.
  std::size_t layer = preferred_;
  while (layer > 0 && !arriving(layer)) --layer;
  if (!arriving(layer)) layer = preferred_;  // silent altogether: nothing to choose from
  retarget(layer);
}

void Consumer::retarget(std::size_t layer) noexcept {
  if (layer == target_) return;
  target_ = layer;
  if (!current_ || *current_ != target_) request_keyframe();
}

bool Consumer::can_switch_to(const IncomingPacket& in) const noexcept {
  // Only at the start of a key frame (never mid-GOP) that arrived in order.
  if (in.keyframe_detectable && (!in.keyframe || in.retransmission)) return false;
  const std::size_t layer = in.stream;
  if (!current_) return layer <= target_;  // start with whatever comes first, up to target
  if (*current_ < target_) return layer > *current_ && layer <= target_;
  if (*current_ > target_) return layer >= target_ && layer < *current_;
  return false;
}

std::uint32_t Consumer::aligned_timestamp(const IncomingPacket& in,
                                          std::int64_t now_ns) const noexcept {
  // Where the output timestamp would be by wall clock since the last packet sent.
  const std::uint32_t clock = producer_.clock_rate();
  const std::uint32_t last = rewriter_.last_ts();
  std::uint32_t ts = last + rtp_units(now_ns - last_sent_ns_, clock);
  if (current_) {
    // Both layers come from one capture clock: the publisher's SRs map each layer's RTP
    // time to the same NTP time, so the new layer's frame gets the output timestamp the
    // old layer would have had at that instant (MS SimulcastConsumer, RFC 3550 §6.4.1).
    const SenderReportInfo& from = producer_.stream(*current_).last_sr;
    const SenderReportInfo& to = producer_.stream(in.stream).last_sr;
    if (from.valid && to.valid) {
      const std::int64_t to_ns =
          rtcp::unix_ns_from_ntp(to.ntp) +
          static_cast<std::int32_t>(in.packet.timestamp() - to.rtp_timestamp) *
              std::int64_t{1'000'000'000} / clock;
      const std::int64_t from_ntp_ns = rtcp::unix_ns_from_ntp(from.ntp);
      const std::uint32_t old_layer_ts = from.rtp_timestamp + rtp_units(to_ns - from_ntp_ns, clock);
      const std::uint32_t aligned = old_layer_ts + rewriter_.ts_offset();
      // Trust it unless it disagrees with the wall clock by more than a second (stale SR).
      const auto skew = static_cast<std::int32_t>(aligned - ts);
      if (skew < static_cast<std::int32_t>(clock) && skew > -static_cast<std::int32_t>(clock)) {
        ts = aligned;
      }
    }
  }
  // Never at or before the last frame sent: the receiver would merge the two frames.
  if (static_cast<std::int32_t>(ts - last) <= 0) ts = last + 1;
  return ts;
}

void Consumer::forward(const IncomingPacket& in, std::int64_t now_ns) noexcept {
  if (paused_) return;
  const rtp::RtpPacket& pkt = in.packet;
  const std::uint8_t out_pt = payload_types_.media[pkt.payload_type()];
  const bool same_layer = current_ && *current_ == in.stream;
  if (out_pt == kNoPayloadType || pkt.payload().empty()) {
    // Nothing the subscriber can use (padding-only probes, a codec it lacks): close the
    // sequence gap so it does not NACK what will never come (MS SeqManager::Drop).
    if (same_layer) rewriter_.skip(in.seq);
    ++stats_.dropped;
    return;
  }

  std::optional<rtp::Vp8Descriptor> vp8;
  if (simulcast_ && in.codec == CodecKind::vp8) vp8 = rtp::parse_vp8_descriptor(pkt.payload());

  if (!same_layer) {
    if (!can_switch_to(in)) return;
    std::optional<std::uint32_t> out_ts;
    if (rewriter_.has_output()) out_ts = aligned_timestamp(in, now_ns);
    if (current_) ++stats_.layer_switches;
    rewriter_.start_segment(in.seq, pkt.timestamp(), out_ts);
    if (vp8) vp8_.start_segment(*vp8);
    current_ = in.stream;
  } else if (!rewriter_.in_segment()) {
    // Resumed: same source, so timestamps continue as they are; wait for a key frame.
    if (in.keyframe_detectable && (!in.keyframe || in.retransmission)) return;
    rewriter_.start_segment(in.seq, pkt.timestamp(), std::nullopt);
    if (vp8) vp8_.start_segment(*vp8);
  }

  const auto out = rewriter_.map(in.seq, pkt.timestamp());
  if (!out) return;

  std::uint16_t twcc_seq = 0;
  if (transport_cc_id_ != 0) twcc_seq = transport_.next_twcc_seq();
  const std::size_t len =
      build_packet(pkt, out_pt, out->seq, out->ts, twcc_seq, now_ns, send_buffer_.first(kMaxDatagram));
  if (len == 0) {
    ++stats_.dropped;  // grew beyond kMaxDatagram
    return;
  }
  const std::size_t tail = pkt.size() - pkt.header_size();  // payload + padding, unchanged
  const auto payload_out = send_buffer_.subspan(len - tail, pkt.payload().size());
  if (vp8) vp8_.rewrite(payload_out, *vp8, out->newest);

  if (sent_) {
    SentLog::Record& r = sent_->next(out->seq);
    r.source_seq = pkt.sequence_number();
    r.stream = static_cast<std::uint8_t>(in.stream);
    r.ts = out->ts;
    r.sent_ns = now_ns;
    if (vp8) {
      r.vp8_head_size = static_cast<std::uint8_t>(std::min(vp8->size, SentLog::kMaxVp8Head));
      std::memcpy(r.vp8_head.data(), payload_out.data(), r.vp8_head_size);
    }
  }
  ++stats_.packets_sent;
  stats_.octets_sent += pkt.payload().size();
  if (out->newest) last_sent_ns_ = now_ns;
  transport_.send_rtp(send_buffer_, len, transport_cc_id_ != 0, twcc_seq);
}

std::size_t Consumer::build_packet(const rtp::RtpPacket& pkt, std::uint8_t out_pt,
                                   std::uint16_t seq, std::uint32_t ts, std::uint16_t twcc_seq,
                                   std::int64_t now_ns, std::span<std::uint8_t> out) noexcept {
  // Header extensions: the subscriber's ids, its MID, our abs-send-time and transport-wide
  // sequence number; everything it did not negotiate is dropped.
  std::array<rtp::ExtensionValue, 3> values;
  std::size_t n = 0;
  if (mid_id_ != 0) {
    values[n++] = {mid_id_,
                   std::span(reinterpret_cast<const std::uint8_t*>(mid_.data()), mid_.size())};
  }
  std::array<std::uint8_t, 3> abs{};
  if (abs_send_time_id_ != 0) {
    store_be24(abs.data(), abs_send_time(now_ns));
    values[n++] = {abs_send_time_id_, abs};
  }
  std::array<std::uint8_t, 2> twcc{};
  if (transport_cc_id_ != 0) {
    store_be16(twcc.data(), twcc_seq);
    values[n++] = {transport_cc_id_, twcc};
  }
  const std::size_t len =
      rtp::rewrite_extensions(pkt, out, extension_ids_, std::span(values.data(), n));
  if (len == 0) return 0;
  std::uint8_t* d = out.data();
  d[1] = static_cast<std::uint8_t>((d[1] & 0x80) | out_pt);
  store_be16(d + 2, seq);
  store_be32(d + 4, ts);
  store_be32(d + 8, ssrc_);
  return len;
}

std::size_t Consumer::rebuild(const SentLog::Record& record, std::int64_t now_ns) noexcept {
  const PacketStore* store = producer_.packet_store(record.stream);
  if (!store) return 0;
  const auto stored = store->find(record.source_seq, now_ns);
  if (stored.empty()) return 0;
  // The store's bytes are read-only; RtpPacket views mutable memory, so parse a copy.
  std::uint8_t* scratch = rebuild_buffer_.data();
  std::memcpy(scratch, stored.data(), stored.size());
  const auto original = rtp::RtpPacket::parse(std::span(scratch, stored.size()));
  if (!original) return 0;
  const std::uint8_t out_pt = payload_types_.media[original->payload_type()];
  // Built in the send buffer (free between packets), then moved to the rebuild buffer,
  // which retransmit() reads while it writes the send buffer.
  const std::size_t len = build_packet(*original, out_pt, record.seq, record.ts, 0, now_ns,
                                       send_buffer_.first(kMaxDatagram));
  if (len == 0) return 0;
  const std::size_t payload_at = len - (original->size() - original->header_size());
  std::memcpy(send_buffer_.data() + payload_at, record.vp8_head.data(), record.vp8_head_size);
  std::memcpy(rebuild_buffer_.data(), send_buffer_.data(), len);
  return len;
}

}  // namespace haven::sfu::routing
