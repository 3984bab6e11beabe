// Router: RTCP terminated per leg (interop notes §5, JG janus_rtcp_filter) and the timers.
#include <algorithm>
#include <type_traits>
#include <variant>

#include "sfu/routing/router.h"
#include "sfu/rtcp/compound.h"
#include "sfu/rtcp/ntp_time.h"

namespace haven::sfu::routing {
namespace {

constexpr std::size_t kMaxReportBlocks = 31;  // 5-bit count (RFC 3550 §6.4.2)
// Chunks of up to 8 + 2 + 255 bytes: 4 per SDES packet always fit one compound datagram.
constexpr std::size_t kSdesChunksPerPacket = 4;

}  // namespace

void Router::send_rtcp(PeerTransport& transport, const std::vector<rtcp::Packet>& packets) {
  if (transport.sink() == nullptr || packets.empty()) return;
  std::vector<std::uint8_t> datagram;
  std::vector<std::uint8_t> one;
  const auto flush = [&] {
    if (datagram.empty()) return;
    transport.send_rtcp(datagram);
    ++stats_.rtcp_sent;
    datagram.clear();
  };
  for (const auto& packet : packets) {
    one.clear();
    if (!rtcp::serialize_packet(packet, one)) continue;  // not encodable: skip it alone
    if (datagram.size() + one.size() > kMaxRtcpCompound) flush();
    datagram.insert(datagram.end(), one.begin(), one.end());
  }
  flush();
}

void Router::receive_rtcp(PeerId peer_id, std::span<const std::uint8_t> compound,
                          std::int64_t now_ns) {
  ++stats_.rtcp_received;
  Peer* peer = find_peer(peer_id);
  if (peer == nullptr) return;
  const auto parsed = rtcp::parse_compound(compound);
  if (!parsed) {
    ++stats_.rtcp_malformed;
    return;
  }
  const std::uint32_t now_compact = rtcp::compact_ntp(ntp_now(now_ns));
  std::vector<Producer*> asked;  // producers that got a key-frame request
  const auto consumer_for = [peer](std::uint32_t ssrc) -> Consumer* {
    const auto it = peer->outgoing.find(ssrc);
    return it == peer->outgoing.end() ? nullptr : it->second;
  };
  const auto report_blocks = [&](const std::vector<rtcp::ReportBlock>& blocks) {
    for (const auto& block : blocks) {
      Consumer* c = consumer_for(block.ssrc);
      if (c != nullptr && c->ssrc() == block.ssrc) c->on_report_block(block, now_compact);
    }
  };
  const auto keyframe_request = [&](std::uint32_t media_ssrc, bool fir) {
    Consumer* c = consumer_for(media_ssrc);
    if (c == nullptr) return;
    c->on_keyframe_request(fir);
    if (std::find(asked.begin(), asked.end(), &c->producer()) == asked.end()) {
      asked.push_back(&c->producer());
    }
  };

  for (const auto& packet : *parsed) {
    std::visit(
        [&](const auto& p) {
          using T = std::decay_t<decltype(p)>;
          if constexpr (std::is_same_v<T, rtcp::SenderReport>) {
            // From a publisher: its clock mapping, for RR LSR/DLSR and A/V sync.
            const auto it = peer->routes.find(p.ssrc);
            if (it != peer->routes.end() && !it->second.rtx) {
              it->second.producer->on_sender_report(it->second.stream, p, now_ns);
            }
            report_blocks(p.reports);  // it may be a subscriber as well
          } else if constexpr (std::is_same_v<T, rtcp::ReceiverReport>) {
            report_blocks(p.reports);
          } else if constexpr (std::is_same_v<T, rtcp::Pli>) {
            keyframe_request(p.media_ssrc, false);
          } else if constexpr (std::is_same_v<T, rtcp::Fir>) {
            for (const auto& entry : p.entries) keyframe_request(entry.ssrc, true);
          } else if constexpr (std::is_same_v<T, rtcp::Nack>) {
            Consumer* c = consumer_for(p.media_ssrc);
            if (c != nullptr && c->ssrc() == p.media_ssrc) c->on_nack(p, now_ns);
          } else if constexpr (std::is_same_v<T, rtcp::Remb>) {
            peer->transport->on_remb(p.bitrate_bps, now_ns);
          } else if constexpr (std::is_same_v<T, rtcp::TransportFeedback>) {
            peer->transport->on_transport_feedback(p, now_ns);
          }
          // SDES and BYE: nothing to do (the SSRC's producer closes through signaling).
        },
        packet);
  }

  // Relay the key-frame requests now rather than at the next tick (rate-limited there).
  for (Producer* p : asked) {
    std::vector<rtcp::Packet> out;
    p->collect_keyframe_requests(now_ns, out);
    send_rtcp(p->publisher_, out);
  }
}

void Router::collect_publisher_rtcp(Peer& peer, std::int64_t now_ns,
                                    std::vector<rtcp::Packet>& out) {
  const std::uint32_t sender = peer.transport->rtcp_ssrc();
  block_scratch_.clear();
  for (Producer* p : peer.producers) p->collect_report_blocks(now_ns, block_scratch_);
  for (std::size_t i = 0; i < block_scratch_.size(); i += kMaxReportBlocks) {
    rtcp::ReceiverReport rr;
    rr.ssrc = sender;
    const std::size_t end = std::min(block_scratch_.size(), i + kMaxReportBlocks);
    rr.reports.assign(block_scratch_.begin() + static_cast<std::ptrdiff_t>(i),
                      block_scratch_.begin() + static_cast<std::ptrdiff_t>(end));
    out.emplace_back(std::move(rr));
  }
  for (Producer* p : peer.producers) p->collect_feedback(now_ns, out);

  if (peer.producers.empty()) return;
  if (peer.transport_cc) {
    if (now_ns < peer.next_transport_cc_ns) return;
    peer.next_transport_cc_ns = now_ns + config_.transport_cc_interval_ns;
    for (auto& fb : peer.transport->take_feedback()) out.emplace_back(std::move(fb));
  } else if (config_.remb_bitrate_bps > 0 && now_ns >= peer.next_remb_ns) {
    rtcp::Remb remb;
    remb.sender_ssrc = sender;
    remb.bitrate_bps = config_.remb_bitrate_bps;
    for (Producer* p : peer.producers) {
      for (std::size_t i = 0; i < p->stream_count(); ++i) {
        if (p->stream(i).ssrc != 0) remb.ssrcs.push_back(p->stream(i).ssrc);
      }
    }
    if (remb.ssrcs.empty()) return;  // nothing received yet to attach it to
    peer.next_remb_ns = now_ns + config_.remb_interval_ns;
    out.emplace_back(std::move(remb));
  }
}

void Router::collect_subscriber_rtcp(Peer& peer, std::int64_t now_ns,
                                     std::vector<rtcp::Packet>& out) {
  const std::uint64_t ntp = ntp_now(now_ns);
  rtcp::Sdes sdes;
  for (Consumer* c : peer.consumers) {
    auto sr = c->make_sender_report(now_ns, ntp);
    if (!sr) continue;
    out.emplace_back(std::move(*sr));
    const std::string& cname =
        c->parameters().cname.empty() ? c->producer().parameters().cname : c->parameters().cname;
    if (cname.empty() || cname.size() > 255) continue;
    sdes.chunks.push_back({c->ssrc(), {{rtcp::kSdesCname, cname}}});
    if (sdes.chunks.size() == kSdesChunksPerPacket) {
      out.emplace_back(std::move(sdes));
      sdes = {};
    }
  }
  if (!sdes.chunks.empty()) out.emplace_back(std::move(sdes));
}

void Router::update_active_speaker(std::int64_t now_ns) {
  speaker_scratch_.clear();
  for (const auto& [id, p] : producers_) {
    if (p->kind() == MediaKind::audio && p->parameters().extensions.audio_level != 0) {
      speaker_scratch_.push_back({p->peer(), p->loudness(now_ns)});
    }
  }
  const auto speaker = speaker_.update(speaker_scratch_, now_ns);
  if (speaker && listener_ != nullptr) listener_->on_active_speaker(*speaker);
}

void Router::tick(std::int64_t now_ns) {
  std::vector<rtcp::Packet> out;
  // Layers a publisher stopped sending are noticed here, not per packet (nothing arrives
  // on them to notice with), before the feedback below carries the key-frame requests.
  for (auto& [id, peer] : peers_) {
    for (Consumer* c : peer.consumers) c->follow_active_layers(now_ns);
  }
  for (auto& [id, peer] : peers_) {
    out.clear();
    // Sender reports first: a compound packet starts with an SR or RR (RFC 3550 §6.1).
    collect_subscriber_rtcp(peer, now_ns, out);
    collect_publisher_rtcp(peer, now_ns, out);
    send_rtcp(*peer.transport, out);
  }
  update_active_speaker(now_ns);
}

}  // namespace haven::sfu::routing
