#include "sfu/routing/producer.h"

#include <algorithm>

#include "sfu/routing/consumer.h"
#include "sfu/routing/peer_transport.h"
#include "sfu/rtp/rtx.h"

namespace haven::sfu::routing {

Producer::Producer(ProducerId id, PeerTransport& publisher, const RtpParameters& params,
                   Config config)
    : id_(id),
      peer_(publisher.peer()),
      publisher_(publisher),
      params_(params),
      config_(config),
      pt_info_(payload_type_info(params)) {
  const CodecParameters& codec = params_.codecs.front();
  if (codec.clock_rate != 0) clock_rate_ = codec.clock_rate;
  nack_enabled_ = has_feedback(codec, "nack");
  use_fir_ = !has_feedback(codec, "nack pli") && has_feedback(codec, "ccm fir");
  const bool detectable = keyframe_detectable(codec_kind(codec.name));
  streams_.resize(params_.encodings.size());
  for (std::size_t i = 0; i < streams_.size(); ++i) {
    streams_[i].ssrc = params_.encodings[i].ssrc;
    streams_[i].rtx_ssrc = params_.encodings[i].rtx_ssrc;
    streams_[i].rid = params_.encodings[i].rid;
    streams_[i].keyframe = KeyframeRequester(detectable);
    if (config_.store_entries > 0) {
      stores_.push_back(std::make_unique<PacketStore>(config_.store_entries, config_.store_bytes,
                                                      config_.store_age_ns));
    }
  }
  consumers_.reserve(16);
  nack_scratch_.reserve(NackGenerator::kMaxPending);
}

void Producer::request_keyframe(std::size_t stream) noexcept {
  if (params_.kind != MediaKind::video || stream >= streams_.size()) return;
  streams_[stream].keyframe.request();
}

void Producer::bind_ssrc(std::size_t index, std::uint32_t ssrc, bool rtx) noexcept {
  Stream& s = streams_[index];
  if (rtx) {
    s.rtx_ssrc = ssrc;
    return;
  }
  if (s.ssrc != 0 && s.ssrc != ssrc) {
    // The publisher restarted the layer on a new SSRC: a new sequence space and clock.
    s.stats.reset();
    s.unwrapper = {};
    s.nack.reset();
    s.last_sr = {};
  }
  s.ssrc = ssrc;
}

void Producer::add_consumer(Consumer* consumer) {
  consumers_.push_back(consumer);
}

void Producer::remove_consumer(Consumer* consumer) noexcept {
  consumers_.erase(std::remove(consumers_.begin(), consumers_.end(), consumer), consumers_.end());
}

void Producer::receive_rtp(rtp::RtpPacket& packet, std::size_t index, bool rtx,
                           std::int64_t arrival_ns) noexcept {
  Stream& s = streams_[index];
  std::optional<rtp::RtpPacket> restored;
  const rtp::RtpPacket* pkt = &packet;
  if (rtx) {
    const std::uint8_t apt = pt_info_.rtx_apt[packet.payload_type()];
    if (apt == kNoPayloadType) {
      ++stats_.unknown_payload_type;
      return;
    }
    restored = rtp::rtx_decode(packet, apt, s.ssrc);
    if (!restored) {
      ++stats_.rtx_probes;  // bandwidth probe: nothing to restore or forward
      return;
    }
    pkt = &*restored;
  }
  const std::uint8_t pt = pkt->payload_type();
  if (!pt_info_.known[pt]) {
    ++stats_.unknown_payload_type;
    return;
  }

  const std::int64_t seq = s.unwrapper.unwrap(pkt->sequence_number());
  if (!s.arrivals.first_time(seq)) {
    ++stats_.duplicates;  // e.g. a late original after its RTX copy, or the reverse
    return;
  }
  if (rtx) ++stats_.rtx_recovered;
  // min_sequential 1: the transport is authenticated, no probation needed (RFC 3550 A.1).
  if (!s.stats && s.ssrc != 0) s.stats.emplace(s.ssrc, clock_rate_, 1);
  if (s.stats) s.stats->on_packet(pkt->sequence_number(), pkt->timestamp(), arrival_ns);
  if (nack_enabled_ && s.nack.on_packet(seq, arrival_ns)) s.keyframe.request();

  const CodecKind codec = pt_info_.kind[pt];
  const bool detectable = params_.kind == MediaKind::video && keyframe_detectable(codec);
  const bool keyframe = detectable && is_keyframe(codec, pkt->payload());
  if (keyframe) {
    s.keyframe.on_keyframe();
    ++s.keyframes;
  }
  if (params_.kind == MediaKind::audio && params_.extensions.audio_level != 0) {
    if (const auto value = pkt->extension(params_.extensions.audio_level)) {
      if (const auto level = rtp::parse_audio_level(*value)) meter_.on_level(*level, arrival_ns);
    }
  }
  ++s.packets;
  s.last_packet_ns = arrival_ns;
  ++stats_.packets;
  stats_.bytes += pkt->size();

  if (!stores_.empty()) stores_[index]->store(pkt->sequence_number(), pkt->data(), arrival_ns);
  if (config_.sampler) config_.sampler->offer(params_.kind, codec, pkt->ssrc(), pkt->payload());
  const IncomingPacket in{*pkt, seq, index, codec, keyframe, detectable, rtx};
  for (Consumer* consumer : consumers_) consumer->forward(in, arrival_ns);
}

void Producer::on_sender_report(std::size_t index, const rtcp::SenderReport& sr,
                                std::int64_t now_ns) {
  Stream& s = streams_[index];
  s.last_sr = {true, sr.ntp_timestamp, sr.rtp_timestamp, now_ns};
  if (s.stats) s.stats->on_sender_report(sr.ntp_timestamp, now_ns);
}

void Producer::collect_report_blocks(std::int64_t now_ns, std::vector<rtcp::ReportBlock>& out) {
  for (auto& s : streams_) {
    if (!s.stats || now_ns < s.next_report_ns) continue;
    s.next_report_ns = now_ns + config_.report_interval_ns;
    out.push_back(s.stats->make_report_block(now_ns));
  }
}

void Producer::collect_keyframe_requests(std::int64_t now_ns, std::vector<rtcp::Packet>& out) {
  for (auto& s : streams_) {
    // Without a known SSRC there is nobody to address: keep the request until there is.
    if (s.ssrc == 0 || !s.keyframe.poll(now_ns)) continue;
    ++stats_.keyframe_requests_sent;
    if (use_fir_) {
      if (s.keyframe.last_was_new()) ++s.fir_seq;
      rtcp::Fir fir;
      fir.sender_ssrc = publisher_.rtcp_ssrc();
      fir.entries.push_back({s.ssrc, s.fir_seq});
      out.emplace_back(std::move(fir));
    } else {
      out.emplace_back(rtcp::Pli{publisher_.rtcp_ssrc(), s.ssrc});
    }
  }
}

void Producer::collect_feedback(std::int64_t now_ns, std::vector<rtcp::Packet>& out) {
  collect_keyframe_requests(now_ns, out);
  if (!nack_enabled_) return;
  for (auto& s : streams_) {
    if (s.ssrc == 0) continue;
    nack_scratch_.clear();
    s.nack.poll(now_ns, publisher_.rtt_ns(), nack_scratch_);
    if (nack_scratch_.empty()) continue;
    stats_.nack_sent += nack_scratch_.size();
    out.emplace_back(rtcp::Nack{publisher_.rtcp_ssrc(), s.ssrc, nack_scratch_});
  }
}

}  // namespace haven::sfu::routing
