// RECV connection offers and answers; see recv_negotiator.h.
#include "sfu/negotiation/recv_negotiator.h"

#include <algorithm>
#include <utility>

#include "sfu/negotiation/header_extensions.h"
#include "sfu/sdp/codec_match.h"
#include "sfu/sdp/queries.h"

namespace haven::sfu::negotiation {

namespace {

void set_error(std::string* error, std::string message) {
  if (error) *error = std::move(message);
}

// token-char of RFC 8866 §9 (msid-id is 1*64token-char, RFC 8830 §2).
bool is_token(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (unsigned char c : s) {
    bool ok = c == 0x21 || (c >= 0x23 && c <= 0x27) || c == 0x2A || c == 0x2B || c == 0x2D ||
              c == 0x2E || (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) ||
              (c >= 0x5E && c <= 0x7E);
    if (!ok) return false;
  }
  return true;
}

// CNAME (RFC 3550 §6.5.1, RFC 5576 §6.1): any visible characters, at most 255 bytes.
bool is_cname(std::string_view s) {
  if (s.empty() || s.size() > 255) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return c > 0x20 && c < 0x7F; });
}

void add_ssrc(sdp::MediaSection& m, std::uint32_t ssrc, const ConsumerSlot& c) {
  sdp::Ssrc s;
  s.ssrc = ssrc;
  s.attributes.push_back({"cname", c.cname});
  s.attributes.push_back({"msid", c.stream_id + ' ' + c.track_id});
  m.ssrcs.push_back(std::move(s));
}

}  // namespace

RecvNegotiator::RecvNegotiator(TransportInfo local, std::string session_id)
    : local_(std::move(local)), session_id_(std::move(session_id)) {}

std::optional<std::string> RecvNegotiator::add_consumer(const ConsumerSlot& slot,
                                                        std::string* error) {
  if (kind_of(slot.codec) != slot.kind) {
    set_error(error, "consumer kind does not match its codec");
    return std::nullopt;
  }
  if (!is_token(slot.stream_id, 64) || !is_token(slot.track_id, 64)) {
    set_error(error, "stream_id/track_id must be 1-64 msid token characters (RFC 8830)");
    return std::nullopt;
  }
  if (!is_cname(slot.cname)) {
    set_error(error, "cname must be 1-255 visible characters");
    return std::nullopt;
  }
  const bool video = slot.kind == MediaKind::video;
  if (slot.ssrc == 0 || (video && (slot.rtx_ssrc == 0 || slot.rtx_ssrc == slot.ssrc)) ||
      (!video && slot.rtx_ssrc != 0)) {
    set_error(error, video ? "video consumer needs two distinct non-zero SSRCs (media, RTX)"
                           : "audio consumer needs one non-zero SSRC and no RTX SSRC");
    return std::nullopt;
  }
  for (const auto& s : sections_) {
    if (!s.consumer) continue;
    for (std::uint32_t used : {s.consumer->ssrc, s.consumer->rtx_ssrc}) {
      if (used != 0 && (used == slot.ssrc || used == slot.rtx_ssrc)) {
        set_error(error, "SSRC " + std::to_string(used) + " is already used by mid " + s.mid);
        return std::nullopt;
      }
    }
  }
  Section fresh{std::to_string(next_mid_), slot.kind, slot.codec, slot, false};
  // Recycle a closed m-line of the same kind the browser has already seen closed: it has
  // stopped that transceiver, so a new mid there is a new transceiver (RFC 8829 §5.2.2).
  // Index 0 is never closed with port 0, so it is never recycled.
  for (std::size_t i = 1; i < sections_.size(); ++i) {
    if (sections_[i].recyclable && sections_[i].kind == slot.kind) {
      ++next_mid_;
      sections_[i] = std::move(fresh);
      return sections_[i].mid;
    }
  }
  if (sections_.size() >= sdp::kMaxMediaSections) {
    set_error(error, "the RECV connection already has " + std::to_string(sections_.size()) +
                         " m-sections and none can be recycled yet");
    return std::nullopt;
  }
  ++next_mid_;
  sections_.push_back(std::move(fresh));
  return sections_.back().mid;
}

bool RecvNegotiator::remove_consumer(std::string_view mid) {
  for (auto& s : sections_) {
    if (s.mid != mid || !s.consumer) continue;
    s.consumer.reset();
    s.recyclable = false;  // only after an answered offer has carried it closed
    return true;
  }
  return false;
}

const ConsumerSlot* RecvNegotiator::consumer(std::string_view mid) const {
  for (const auto& s : sections_)
    if (s.mid == mid && s.consumer) return &*s.consumer;
  return nullptr;
}

std::size_t RecvNegotiator::consumer_count() const {
  return static_cast<std::size_t>(std::count_if(
      sections_.begin(), sections_.end(), [](const Section& s) { return s.consumer.has_value(); }));
}

sdp::MediaSection RecvNegotiator::build_section(std::size_t index, const Section& s) const {
  sdp::MediaSection m;
  m.kind = s.kind == MediaKind::audio ? sdp::MediaKind::audio : sdp::MediaKind::video;
  m.mid = s.mid;
  m.codecs = server_codec_lines(s.codec);
  for (const auto& c : m.codecs) m.payload_types.push_back(c.pt);
  const bool port_zero = !s.consumer && index != 0;
  const sdp::Setup setup = role_established_ ? sdp::Setup::passive : sdp::Setup::actpass;
  write_local_transport(m, local_, setup, port_zero);
  if (!s.consumer) {
    // Closed (RFC 3264 §8.2 port 0), or the BUNDLE tag kept alive as inactive.
    m.direction = sdp::Direction::inactive;
    if (!port_zero) {
      m.rtcp_rsize = true;
      m.extmaps = recv_extmaps(s.kind);
    }
    return m;
  }
  const ConsumerSlot& c = *s.consumer;
  m.direction = sdp::Direction::sendonly;
  m.rtcp_rsize = true;  // RFC 5506: routing parses reduced-size RTCP
  m.extmaps = recv_extmaps(s.kind);
  m.msids.push_back({c.stream_id, c.track_id});
  add_ssrc(m, c.ssrc, c);
  if (c.rtx_ssrc != 0) {
    add_ssrc(m, c.rtx_ssrc, c);
    m.ssrc_groups.push_back({"FID", {c.ssrc, c.rtx_ssrc}});  // RFC 5576 §4.2, RFC 4588
  }
  return m;
}

sdp::SessionDescription RecvNegotiator::offer() {
  ++version_;
  sdp::SessionDescription sd = session_skeleton(session_id_, version_, true);
  sdp::Group bundle{"BUNDLE", {}};
  pending_.clear();
  for (std::size_t i = 0; i < sections_.size(); ++i) {
    sdp::MediaSection m = build_section(i, sections_[i]);
    if (m.port != 0) bundle.mids.push_back(m.mid);
    pending_.push_back({m.mid, sections_[i].consumer, m.port == 0});
    sd.media.push_back(std::move(m));
  }
  if (!bundle.mids.empty()) sd.groups.push_back(std::move(bundle));
  pending_empty_offer_ = sections_.empty();
  return sd;
}

std::optional<RtpParameters> RecvNegotiator::accept_section(const sdp::MediaSection& answered,
                                                            const Offered& offered,
                                                            std::string* error) const {
  const ConsumerSlot& c = *offered.consumer;
  const std::uint8_t pt = server_payload_type(c.codec);
  const sdp::Codec* codec = nullptr;
  for (const auto& x : answered.codecs)
    if (x.pt == pt) codec = &x;
  if (!codec || !server_codec_from_name(codec->name) ||
      *server_codec_from_name(codec->name) != c.codec) {
    set_error(error, "mid " + offered.mid + ": answer lacks payload type " + std::to_string(pt));
    return std::nullopt;
  }
  RtpParameters rtp;
  rtp.mid = offered.mid;
  rtp.kind = c.kind;
  CodecParameters params;
  // The SFU's own line with the feedback both sides listed (RFC 4585 §4.2).
  for (const auto& line : server_codec_lines(c.codec)) {
    if (line.pt != pt) continue;
    params = to_codec_parameters(line, nullptr, c.kind);
    params.rtcp_feedback.clear();
    for (const auto& fb : line.rtcp_fb)
      if (sdp::has_rtcp_fb(answered, *codec, fb.type, fb.parameter))
        params.rtcp_feedback.push_back(feedback_text(fb));
  }
  const sdp::Codec* rtx = sdp::find_rtx(answered, pt);
  if (rtx && server_rtx_payload_type(c.codec) != 0 && rtx->pt == server_rtx_payload_type(c.codec))
    params.rtx_payload_type = rtx->pt;
  rtp.codecs.push_back(std::move(params));
  for (const auto& e : answered.extmaps) {
    std::uint8_t ours = recv_extension_id(e.uri);
    if (ours == 0) continue;  // not offered: the browser cannot have accepted it
    if (e.id != ours) {
      set_error(error, "mid " + offered.mid + ": answer renumbers " + e.uri + " from " +
                           std::to_string(ours) + " to " + std::to_string(e.id));
      return std::nullopt;
    }
    set_extension_id(rtp.extensions, e.uri, e.id);
  }
  rtp.encodings.push_back({c.ssrc, c.rtx_ssrc, {}});
  rtp.cname = c.cname;
  rtp.stream_id = c.stream_id;
  rtp.track_id = c.track_id;
  return rtp;
}

std::optional<RecvAnswerResult> RecvNegotiator::apply_answer(const sdp::SessionDescription& answer,
                                                             std::string* error) {
  if (!has_pending_offer()) {
    set_error(error, "no offer is waiting for an answer");
    return std::nullopt;
  }
  if (answer.media.size() != pending_.size()) {
    set_error(error, "answer has " + std::to_string(answer.media.size()) +
                         " m-sections, the offer had " + std::to_string(pending_.size()));
    return std::nullopt;
  }
  RecvAnswerResult result;
  const sdp::MediaSection* transport = nullptr;
  for (std::size_t i = 0; i < pending_.size(); ++i) {
    const auto& m = answer.media[i];
    const Offered& o = pending_[i];
    if (m.mid != o.mid) {
      set_error(error, "answer m-section " + std::to_string(i) + " has mid '" + m.mid +
                           "', the offer had '" + o.mid + "'");
      return std::nullopt;
    }
    if (m.port == 0) continue;  // rejected (or answered closed as offered)
    if (o.port_zero) {
      set_error(error, "mid " + o.mid + ": answer revives a section offered with port 0");
      return std::nullopt;
    }
    if (!m.rtcp_mux) {
      set_error(error, "mid " + o.mid + ": answer lacks a=rtcp-mux");
      return std::nullopt;
    }
    auto setup = sdp::setup(answer, m);
    if (setup != sdp::Setup::active) {
      set_error(error, "mid " + o.mid + ": answer has a=setup:" +
                           (setup ? sdp::to_string(*setup) : "<missing>") +
                           "; the SFU is the DTLS server, the browser must answer active");
      return std::nullopt;
    }
    if (!transport) transport = &m;
  }
  if (transport) {
    const sdp::Group* bundle = sdp::bundle_group(answer);
    if (!bundle || bundle->mids.empty()) {
      set_error(error, "answer has no a=group:BUNDLE");
      return std::nullopt;
    }
    if (const auto* tag = sdp::find_media(answer, bundle->mids.front()); tag && tag->port != 0)
      transport = tag;
    auto remote = read_remote_transport(answer, *transport, error);
    if (!remote) return std::nullopt;
    if (remote_ && remote_->fingerprint != remote->fingerprint) {
      set_error(error, "answer changes the DTLS fingerprint (DTLS is never restarted)");
      return std::nullopt;
    }
    result.remote = std::move(remote);
  } else {
    result.remote = remote_;
  }

  for (std::size_t i = 0; i < pending_.size(); ++i) {
    const auto& m = answer.media[i];
    const Offered& o = pending_[i];
    if (!o.consumer || !consumer(o.mid)) continue;  // closed, or removed since the offer
    auto dir = m.effective_direction();
    if (m.port == 0 || dir == sdp::Direction::inactive) {
      result.declined_mids.push_back(o.mid);
      continue;
    }
    if (dir != sdp::Direction::recvonly) {
      set_error(error, "mid " + o.mid + ": answer direction " + sdp::to_string(dir) +
                           " to a sendonly offer (RFC 3264 §6.1 allows recvonly/inactive)");
      return std::nullopt;
    }
    auto rtp = accept_section(m, o, error);
    if (!rtp) return std::nullopt;
    result.accepted.push_back(std::move(*rtp));
  }

  // Committed: the browser has now seen the port-0 sections and stopped their transceivers.
  for (const Offered& o : pending_) {
    if (!o.port_zero) continue;
    for (auto& s : sections_)
      if (s.mid == o.mid && !s.consumer) s.recyclable = true;
  }
  if (transport) role_established_ = true;
  remote_ = result.remote;
  pending_.clear();
  pending_empty_offer_ = false;
  return result;
}

}  // namespace haven::sfu::negotiation
