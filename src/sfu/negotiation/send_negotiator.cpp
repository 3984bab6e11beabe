// SEND connection answers; see send_negotiator.h.
#include "sfu/negotiation/send_negotiator.h"

#include <algorithm>
#include <utility>

#include "sfu/negotiation/codec_policy.h"
#include "sfu/negotiation/header_extensions.h"
#include "sfu/sdp/queries.h"

namespace haven::sfu::negotiation {

namespace {

void set_error(std::string* error, std::string message) {
  if (error) *error = std::move(message);
}

bool has_attribute(const sdp::MediaSection& m, std::string_view name) {
  return std::any_of(m.attributes.begin(), m.attributes.end(),
                     [&](const sdp::Attribute& a) { return a.name == name; });
}

bool in_group(const sdp::Group& g, const std::string& mid) {
  return std::find(g.mids.begin(), g.mids.end(), mid) != g.mids.end();
}

// RFC 8285 §8 / RFC 3264 §6.1: an answer reverses a directional extmap.
std::optional<sdp::Direction> reversed(std::optional<sdp::Direction> d) {
  if (d == sdp::Direction::sendonly) return sdp::Direction::recvonly;
  if (d == sdp::Direction::recvonly) return sdp::Direction::sendonly;
  return d;
}

// The offer's accepted extmaps (section, then session level for URIs the section lacks),
// with the browser's ids.
std::vector<sdp::Extmap> accepted_extmaps(const sdp::SessionDescription& offer,
                                          const sdp::MediaSection& m) {
  std::vector<sdp::Extmap> out;
  auto take = [&](const sdp::Extmap& e) {
    if (!is_accepted_extension(e.uri)) return;
    for (const auto& have : out)
      if (have.uri == e.uri || have.id == e.id) return;
    sdp::Extmap x = e;
    x.direction = reversed(e.direction);
    x.attributes.clear();  // none of the accepted URIs defines extension attributes
    out.push_back(std::move(x));
  };
  for (const auto& e : m.extmaps) take(e);
  for (const auto& e : offer.extmaps) take(e);
  return out;
}

// The cname Chrome gives every SSRC of the connection; simulcast sections have no a=ssrc,
// so fall back to any section of the same offer.
std::string find_cname(const sdp::SessionDescription& offer, const sdp::MediaSection& m) {
  for (const auto& s : m.ssrcs)
    if (auto c = sdp::ssrc_attribute(m, s.ssrc, "cname")) return std::string(*c);
  for (const auto& other : offer.media)
    for (const auto& s : other.ssrcs)
      if (auto c = sdp::ssrc_attribute(other, s.ssrc, "cname")) return std::string(*c);
  return {};
}

void set_msid(RtpParameters& rtp, const sdp::MediaSection& m) {
  if (!m.msids.empty()) {
    rtp.stream_id = m.msids.front().stream_id;
    rtp.track_id = m.msids.front().track_id;
    return;
  }
  for (const auto& s : m.ssrcs) {  // Plan B style "a=ssrc:N msid:<stream> <track>"
    auto v = sdp::ssrc_attribute(m, s.ssrc, "msid");
    if (!v) continue;
    auto space = v->find(' ');
    rtp.stream_id = std::string(v->substr(0, space));
    if (space != std::string_view::npos) rtp.track_id = std::string(v->substr(space + 1));
    return;
  }
}

// a=rid:<x> recv per offered send layer and a=simulcast:recv with the same list
// (RFC 8853 §5.3: the answer mirrors the offer with the direction reversed).
void answer_simulcast(const sdp::MediaSection& offered, sdp::MediaSection& out) {
  sdp::Simulcast sc;
  sc.recv = offered.simulcast->send;
  for (const auto& alternatives : sc.recv)
    for (const auto& alt : alternatives) out.rids.push_back({alt.rid, sdp::RidDirection::recv, {}});
  out.simulcast = std::move(sc);
}

// A section the SFU will not use: port 0, its first format kept (RFC 3264 §6 needs one).
sdp::MediaSection rejected_section(const sdp::MediaSection& offered, const TransportInfo& local) {
  sdp::MediaSection out;
  out.kind = offered.kind;
  out.other_kind = offered.other_kind;
  out.proto = offered.proto;
  out.mid = offered.mid;
  if (offered.is_rtp()) {
    if (!offered.payload_types.empty()) out.payload_types.push_back(offered.payload_types[0]);
    if (!offered.codecs.empty() && offered.codecs[0].pt == offered.payload_types[0]) {
      const sdp::Codec& c = offered.codecs[0];
      sdp::Codec first;
      first.pt = c.pt;
      first.name = c.name;
      first.clock_rate = c.clock_rate;
      first.channels = c.channels;
      out.codecs.push_back(std::move(first));
    }
    out.direction = sdp::Direction::inactive;
  } else if (!offered.formats.empty()) {
    out.formats.push_back(offered.formats[0]);
  }
  write_local_transport(out, local, sdp::Setup::passive, /*rejected=*/true);
  return out;
}

}  // namespace

SendNegotiator::SendNegotiator(TransportInfo local, std::string session_id)
    : local_(std::move(local)), session_id_(std::move(session_id)) {}

bool SendNegotiator::check_reoffer(const sdp::SessionDescription& offer, std::string* error) const {
  // RFC 8829 §5.2.2: m= sections are never removed; a live one keeps its mid, a rejected
  // one may be recycled with a new mid.
  if (offer.media.size() < sections_.size()) {
    set_error(error, "re-offer has " + std::to_string(offer.media.size()) +
                         " m-sections, fewer than the " + std::to_string(sections_.size()) +
                         " already negotiated");
    return false;
  }
  for (std::size_t i = 0; i < sections_.size(); ++i) {
    if (sections_[i].rejected || offer.media[i].mid == sections_[i].mid) continue;
    set_error(error, "re-offer changes the mid of m-section " + std::to_string(i) + " from " +
                         sections_[i].mid + " to " + offer.media[i].mid);
    return false;
  }
  return true;
}

std::optional<SendAnswer> SendNegotiator::answer(const sdp::SessionDescription& offer,
                                                 std::string* error) {
  if (std::string why = validate(local_); !why.empty()) {
    set_error(error, why);
    return std::nullopt;
  }
  if (offer.media.empty()) {
    set_error(error, "offer has no m-section");
    return std::nullopt;
  }
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    if (offer.media[i].mid.empty()) {
      set_error(error, "m-section " + std::to_string(i) + " has no a=mid");
      return std::nullopt;
    }
  }
  const sdp::Group* bundle = sdp::bundle_group(offer);
  if (!bundle || bundle->mids.empty()) {
    set_error(error, "offer has no a=group:BUNDLE (the SFU uses one transport)");
    return std::nullopt;
  }
  const sdp::MediaSection* tag = sdp::find_media(offer, bundle->mids.front());
  if (!tag) {
    set_error(error, "BUNDLE tag mid " + bundle->mids.front() + " has no m-section");
    return std::nullopt;
  }
  if (!tag->is_rtp() ||
      (tag->kind != sdp::MediaKind::audio && tag->kind != sdp::MediaKind::video)) {
    set_error(error, "BUNDLE-tag m-section " + tag->mid + " is not audio/video (no SCTP here)");
    return std::nullopt;
  }
  if (!tag->rtcp_mux) {
    set_error(error, "BUNDLE-tag m-section " + tag->mid + " lacks a=rtcp-mux");
    return std::nullopt;
  }
  // RFC 5763 §5: the offerer says actpass (or active); absent means active (RFC 4145 §4).
  auto setup = remote_setup(offer, *tag).value_or(sdp::Setup::active);
  if (setup != sdp::Setup::actpass && setup != sdp::Setup::active) {
    set_error(error, std::string("offer has a=setup:") + sdp::to_string(setup) +
                         "; the SFU is always the DTLS server, the browser must be able to "
                         "be active");
    return std::nullopt;
  }
  auto remote = read_remote_transport(offer, *tag, error);
  if (!remote) return std::nullopt;
  if (remote_ && remote_->fingerprint != remote->fingerprint) {
    set_error(error, "re-offer changes the DTLS fingerprint (DTLS is never restarted)");
    return std::nullopt;
  }
  if (!check_reoffer(offer, error)) return std::nullopt;

  SendAnswer result;
  result.remote = *remote;
  result.ice_restart =
      remote_ && (remote_->ice_ufrag != remote->ice_ufrag || remote_->ice_pwd != remote->ice_pwd);
  bool mixed = offer.extmap_allow_mixed ||
               std::any_of(offer.media.begin(), offer.media.end(),
                           [](const sdp::MediaSection& m) { return m.extmap_allow_mixed; });
  sdp::SessionDescription& sd = result.answer;
  sd = session_skeleton(session_id_, version_ + 1, mixed);
  sdp::Group answer_bundle{"BUNDLE", {}};
  std::vector<AnsweredSection> sections;

  for (const auto& m : offer.media) {
    const bool is_tag = &m == tag;
    const bool usable = m.is_rtp() && m.rtcp_mux && in_group(*bundle, m.mid) &&
                        (m.port != 0 || has_attribute(m, "bundle-only"));
    std::optional<SendCodecChoice> choice;
    if (usable) choice = choose_send_codec(m);
    if (!choice && !is_tag) {
      sd.media.push_back(rejected_section(m, local_));
      sections.push_back({m.mid, true});
      continue;
    }

    sdp::MediaSection out;
    out.kind = m.kind;
    out.proto = m.proto;
    out.mid = m.mid;
    out.rtcp_rsize = m.rtcp_rsize;
    out.extmap_allow_mixed = m.extmap_allow_mixed;
    const auto dir = m.effective_direction();
    const bool sending =
        choice && (dir == sdp::Direction::sendonly || dir == sdp::Direction::sendrecv);
    out.direction = sending ? sdp::Direction::recvonly : sdp::Direction::inactive;
    const sdp::Codec* rtx = nullptr;
    if (choice) {
      const SendCodecChoice& picked = *choice;
      out.codecs.push_back(answer_codec(m, *picked.primary));
      if (picked.rtx) {
        rtx = picked.rtx;
        out.codecs.push_back(answer_rtx_codec(*picked.rtx, picked.primary->pt));
      }
      out.extmaps = accepted_extmaps(offer, m);
    } else {
      // The BUNDLE tag with nothing usable: keep it alive, inactive, with its first codec.
      sdp::MediaSection stub = rejected_section(m, local_);
      out.codecs = std::move(stub.codecs);
    }
    for (const auto& c : out.codecs) out.payload_types.push_back(c.pt);
    if (out.payload_types.empty() && !m.payload_types.empty())
      out.payload_types.push_back(m.payload_types[0]);
    const bool simulcast = sending && m.simulcast && !m.simulcast->send.empty() &&
                           sdp::find_extmap_id(out, sdp::ext::kRid).has_value();
    if (simulcast) answer_simulcast(m, out);
    write_local_transport(out, local_, sdp::Setup::passive);

    if (sending) {
      ProducerDescription p;
      RtpParameters& rtp = p.rtp;
      rtp.mid = m.mid;
      rtp.kind = m.kind == sdp::MediaKind::audio ? MediaKind::audio : MediaKind::video;
      rtp.codecs.push_back(
          to_codec_parameters(out.codecs.front(), rtx ? &out.codecs[1] : nullptr, rtp.kind));
      rtp.extensions = extension_ids(out.extmaps);
      for (const auto& s : sdp::send_streams(m)) {
        // Simulcast: the rid layers (SSRCs learnt from the rid extension, RFC 8852);
        // otherwise the SSRC-signalled streams.
        if (simulcast ? s.rid.empty() : !s.ssrc) continue;
        rtp.encodings.push_back({s.ssrc.value_or(0), s.rtx_ssrc.value_or(0), s.rid});
      }
      // No a=ssrc (e.g. SSRCs only signalled in RTP): one encoding learnt from the mid.
      if (rtp.encodings.empty()) rtp.encodings.push_back(Encoding{});
      rtp.cname = find_cname(offer, m);
      set_msid(rtp, m);
      result.producers.push_back(std::move(p));
    }
    answer_bundle.mids.push_back(m.mid);
    sections.push_back({m.mid, false});
    sd.media.push_back(std::move(out));
  }

  // The answerer's BUNDLE tag is the offerer's (RFC 8843 §7.3): keep it first.
  std::stable_partition(answer_bundle.mids.begin(), answer_bundle.mids.end(),
                        [&](const std::string& mid) { return mid == tag->mid; });
  sd.groups.push_back(std::move(answer_bundle));

  ++version_;
  sections_ = std::move(sections);
  remote_ = result.remote;
  return result;
}

}  // namespace haven::sfu::negotiation
