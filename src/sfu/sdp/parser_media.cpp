// SDP parser, media-section half: the m= line, media-level attributes and codecs.
// Codec attributes (rtpmap/fmtp/rtcp-fb) are collected per payload type and turned into
// Codec entries in m= line order when the section ends (finish_media).
#include <array>

#include "sfu/sdp/attributes.h"
#include "sfu/sdp/candidate.h"
#include "sfu/sdp/parser_impl.h"
#include "sfu/sdp/text.h"

namespace haven::sfu::sdp::detail {

namespace {

// RFC 3551 §6 static payload types, used when an m= line lists one without a=rtpmap.
struct StaticPt {
  std::uint8_t pt;
  MediaKind kind;
  const char* name;
  std::uint32_t clock;
};
constexpr std::array<StaticPt, 11> kStaticPts{{{0, MediaKind::audio, "PCMU", 8000},
                                               {3, MediaKind::audio, "GSM", 8000},
                                               {4, MediaKind::audio, "G723", 8000},
                                               {8, MediaKind::audio, "PCMA", 8000},
                                               {9, MediaKind::audio, "G722", 8000},
                                               {13, MediaKind::audio, "CN", 8000},
                                               {18, MediaKind::audio, "G729", 8000},
                                               {26, MediaKind::video, "JPEG", 90000},
                                               {31, MediaKind::video, "H261", 90000},
                                               {32, MediaKind::video, "MPV", 90000},
                                               {34, MediaKind::video, "H263", 90000}}};

}  // namespace

bool Parser::media_line(char type, std::string_view value) {
  switch (type) {
    case 'c':
      if (media_->connection) return bad("second c= line in a media section");
      return parse_connection(value, media_->connection);
    case 'b':
      return parse_bandwidth(value, media_->bandwidths);
    case 'a':
      return media_attribute(value);
    case 'i':
    case 'k':
      media_extra_[type == 'i' ? 0 : 1].push_back(ExtraLine{type, std::string(value)});
      return true;
    default:
      if (session_extra_rank(type) >= 0 || type == 'o' || type == 's' || type == 't')
        return bad(std::string(1, type) + "= not allowed in a media section");
      return bad(std::string("unknown line type '") + type + "='");
  }
}

bool Parser::start_media(std::string_view value) {
  if (media_) finish_media();
  if (sd_.media.size() >= kMaxMediaSections)
    return bad("more than " + std::to_string(kMaxMediaSections) + " m= sections");
  auto tok = text::split_tokens(value);
  if (tok.size() < 4) return bad("bad m= line: expected '<media> <port> <proto> <fmt>...'");
  if (tok.size() - 3 > kMaxCodecsPerSection)
    return bad("bad m= line: more than " + std::to_string(kMaxCodecsPerSection) + " formats");
  MediaSection m;
  if (tok[0] == "audio") {
    m.kind = MediaKind::audio;
  } else if (tok[0] == "video") {
    m.kind = MediaKind::video;
  } else if (tok[0] == "application") {
    m.kind = MediaKind::application;
  } else {
    m.kind = MediaKind::other;
    m.other_kind = std::string(tok[0]);
  }
  std::size_t slash = tok[1].find('/');
  auto port = text::parse_uint<std::uint16_t>(tok[1].substr(0, slash));
  if (!port) return bad("bad m= line: bad port");
  m.port = *port;
  if (slash != std::string_view::npos) {
    m.port_count = text::parse_uint<std::uint16_t>(tok[1].substr(slash + 1));
    if (!m.port_count) return bad("bad m= line: bad port count");
  }
  m.proto = std::string(tok[2]);
  m.payload_types.clear();
  m.formats.clear();
  bool rtp = m.is_rtp();
  std::array<bool, 128> seen{};
  for (std::size_t i = 3; i < tok.size(); ++i) {
    if (!rtp) {
      m.formats.emplace_back(tok[i]);
      continue;
    }
    auto pt = parse_payload_type(tok[i]);
    if (!pt) return bad("bad m= line: non-numeric or out-of-range payload type");
    if (seen[*pt]) return bad("bad m= line: payload type listed twice");
    seen[*pt] = true;
    m.payload_types.push_back(*pt);
  }
  sd_.media.push_back(std::move(m));
  media_ = &sd_.media.back();
  pending_.assign(128, PendingCodec{});
  for (auto& bucket : media_extra_) bucket.clear();
  return true;
}

void Parser::finish_media() {
  for (std::uint8_t pt : media_->payload_types) {
    PendingCodec& p = pending_[pt];
    if (!p.rtpmap) {
      for (const auto& s : kStaticPts) {
        if (s.pt != pt || s.kind != media_->kind) continue;
        p.codec.name = s.name;
        p.codec.clock_rate = s.clock;
        p.rtpmap = true;
      }
    }
    if (!p.rtpmap && p.codec.fmtp.empty() && p.codec.rtcp_fb.empty()) continue;
    Codec codec = std::move(p.codec);
    codec.pt = pt;
    codec.fmtp_params = text::split_params(codec.fmtp);
    media_->codecs.push_back(std::move(codec));
  }
  for (auto& bucket : media_extra_)
    for (auto& line : bucket) media_->extra_lines.push_back(std::move(line));
}

bool Parser::media_attribute(std::string_view text) {
  std::string_view name;
  OptValue v;
  if (!split_attribute(text, name, v)) return false;
  MediaSection& m = *media_;
  CommonFields f{m.ice_ufrag,          m.ice_pwd, m.ice_options, m.fingerprints, m.setup,
                 m.extmap_allow_mixed, m.extmaps};
  Handled h = common_attribute(f, name, v);
  if (h != Handled::no) return h == Handled::yes;
  std::string why;
  if (auto dir = direction_from_string(name)) {
    if (m.direction) return bad("more than one direction attribute");
    m.direction = dir;
  } else if (name == "mid") {
    if (!need_value(name, v)) return false;
    if (!m.mid.empty()) return bad("second a=mid");
    std::string_view mid = text::trim(*v);
    if (mid.find_first_of(" \t") != std::string_view::npos) return bad("a=mid with a space");
    m.mid = std::string(mid);
  } else if (name == "rtcp-mux") {
    m.rtcp_mux = true;
  } else if (name == "rtcp-rsize") {
    m.rtcp_rsize = true;
  } else if (name == "end-of-candidates") {
    m.end_of_candidates = true;
  } else if (name == "candidate") {
    if (!need_value(name, v)) return false;
    auto c = parse_candidate(*v, &why);
    if (!c) return bad(why);
    m.candidates.push_back(std::move(*c));
  } else if (name == "msid") {
    Msid msid;
    if (!need_value(name, v)) return false;
    if (!parse_msid(*v, msid, why)) return bad(why);
    m.msids.push_back(std::move(msid));
  } else if (name == "ssrc") {
    if (!need_value(name, v)) return false;
    auto [ssrc_text, rest] = text::next_token(*v);
    auto ssrc = text::parse_uint<std::uint32_t>(ssrc_text);
    if (!ssrc) return bad("a=ssrc: bad SSRC");
    Ssrc* entry = nullptr;
    for (auto& s : m.ssrcs)
      if (s.ssrc == *ssrc) entry = &s;
    if (!entry) entry = &m.ssrcs.emplace_back(Ssrc{*ssrc, {}});
    if (!rest.empty()) {
      std::size_t colon = rest.find(':');
      if (colon == 0) return bad("a=ssrc: attribute without a name");
      entry->attributes.push_back(SsrcAttribute{
          std::string(rest.substr(0, colon)),
          colon == std::string_view::npos ? std::nullopt
                                          : std::optional<std::string>(rest.substr(colon + 1))});
    }
  } else if (name == "ssrc-group") {
    SsrcGroup g;
    if (!need_value(name, v)) return false;
    if (!parse_ssrc_group(*v, g, why)) return bad(why);
    m.ssrc_groups.push_back(std::move(g));
  } else if (name == "rid") {
    Rid rid;
    if (!need_value(name, v)) return false;
    if (!parse_rid(*v, rid, why)) return bad(why);
    for (const auto& r : m.rids)
      if (r.id == rid.id && r.direction == rid.direction) return bad("a=rid repeated");
    m.rids.push_back(std::move(rid));
  } else if (name == "simulcast") {
    Simulcast sc;
    if (!need_value(name, v)) return false;
    if (m.simulcast) return bad("second a=simulcast");
    if (!parse_simulcast(*v, sc, why)) return bad(why);
    m.simulcast = std::move(sc);
  } else if (m.is_rtp() && (name == "rtpmap" || name == "fmtp" || name == "rtcp-fb")) {
    if (!need_value(name, v)) return false;
    return codec_attribute(name, *v);
  } else {
    m.attributes.push_back(
        Attribute{std::string(name), v ? std::optional<std::string>(*v) : std::nullopt});
  }
  return true;
}

bool Parser::codec_attribute(std::string_view name, std::string_view value) {
  std::string why;
  if (name == "rtpmap") {
    Codec parsed;
    if (!parse_rtpmap(value, parsed, why)) return bad(why);
    PendingCodec& p = pending_[parsed.pt];
    if (p.rtpmap) return bad("second a=rtpmap for one payload type");
    p.rtpmap = true;
    p.codec.name = std::move(parsed.name);
    p.codec.clock_rate = parsed.clock_rate;
    p.codec.channels = parsed.channels;
    return true;
  }
  auto [pt_text, rest] = text::next_token(value);
  if (name == "rtcp-fb") {
    auto [type, parameter] = text::next_token(rest);
    if (type.empty()) return bad("a=rtcp-fb without a feedback type");
    RtcpFeedback fb{std::string(type), std::string(text::trim(parameter))};
    if (pt_text == "*") {
      media_->rtcp_fb_all.push_back(std::move(fb));
      return true;
    }
    auto pt = parse_payload_type(pt_text);
    if (!pt) return bad("a=rtcp-fb: non-numeric or out-of-range payload type");
    pending_[*pt].codec.rtcp_fb.push_back(std::move(fb));
    return true;
  }
  auto pt = parse_payload_type(pt_text);  // fmtp
  if (!pt) return bad("a=fmtp: non-numeric or out-of-range payload type");
  PendingCodec& p = pending_[*pt];
  if (p.fmtp) return bad("second a=fmtp for one payload type");
  p.fmtp = true;
  p.codec.fmtp = std::string(text::trim(rest));
  return true;
}

}  // namespace haven::sfu::sdp::detail
