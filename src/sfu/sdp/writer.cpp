// SDP serialiser. Every field the parser fills is written back in a form the parser reads
// to the same value: token lists joined by one space, verbatim text kept verbatim.
#include "sfu/sdp/writer.h"

#include "sfu/sdp/candidate.h"

namespace haven::sfu::sdp {

namespace {

class Writer {
 public:
  std::string take() { return std::move(out_); }

  // One "<type>=<parts...>\r\n" line.
  template <typename... Parts>
  void line(char type, const Parts&... parts) {
    out_ += type;
    out_ += '=';
    (append(parts), ...);
    out_ += "\r\n";
  }

  void attribute(std::string_view name, std::optional<std::string_view> value = std::nullopt) {
    if (value)
      line('a', name, ":", *value);
    else
      line('a', name);
  }

  void connection(const std::optional<Connection>& c) {
    if (c) line('c', c->net_type, " ", c->addr_type, " ", c->address);
  }

  void bandwidths(const std::vector<Bandwidth>& bws) {
    for (const auto& b : bws) line('b', b.type, ":", std::to_string(b.value));
  }

  void extras(const std::vector<ExtraLine>& lines, std::string_view types) {
    for (const auto& l : lines)
      if (types.find(l.type) != std::string_view::npos) line(l.type, l.value);
  }

  // Attributes valid at session and media level, in the same order at both.
  void common(const std::string& ufrag, const std::string& pwd,
              const std::vector<std::string>& options, const std::vector<Fingerprint>& fps,
              const std::optional<Setup>& setup) {
    if (!ufrag.empty()) attribute("ice-ufrag", ufrag);
    if (!pwd.empty()) attribute("ice-pwd", pwd);
    if (!options.empty()) line('a', "ice-options:", joined(options));
    for (const auto& fp : fps) line('a', "fingerprint:", fp.algorithm, " ", fp.value);
    if (setup) line('a', "setup:", to_string(*setup));
  }

  void extmaps(const std::vector<Extmap>& exts) {
    for (const auto& e : exts) {
      std::string id = std::to_string(e.id);
      if (e.direction) (id += '/') += to_string(*e.direction);
      if (e.attributes.empty())
        line('a', "extmap:", id, " ", e.uri);
      else
        line('a', "extmap:", id, " ", e.uri, " ", e.attributes);
    }
  }

  void others(const std::vector<Attribute>& attrs) {
    for (const auto& a : attrs)
      attribute(a.name, a.value ? std::optional<std::string_view>(*a.value) : std::nullopt);
  }

  void codec(const Codec& c) {
    std::string pt = std::to_string(c.pt);
    if (!c.name.empty()) {
      std::string enc = c.name + '/' + std::to_string(c.clock_rate);
      if (c.channels) (enc += '/') += std::to_string(*c.channels);
      line('a', "rtpmap:", pt, " ", enc);
    }
    for (const auto& fb : c.rtcp_fb) feedback(pt, fb);
    if (!c.fmtp.empty()) line('a', "fmtp:", pt, " ", c.fmtp);
  }

  void feedback(std::string_view pt, const RtcpFeedback& fb) {
    if (fb.parameter.empty())
      line('a', "rtcp-fb:", pt, " ", fb.type);
    else
      line('a', "rtcp-fb:", pt, " ", fb.type, " ", fb.parameter);
  }

  static std::string joined(const std::vector<std::string>& items) {
    std::string s;
    for (const auto& item : items) {
      if (!s.empty()) s += ' ';
      s += item;
    }
    return s;
  }

  static std::string simulcast_list(const SimulcastList& list) {
    std::string s;
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (i) s += ';';
      for (std::size_t j = 0; j < list[i].size(); ++j) {
        if (j) s += ',';
        if (list[i][j].paused) s += '~';
        s += list[i][j].rid;
      }
    }
    return s;
  }

 private:
  void append(std::string_view s) { out_.append(s); }
  void append(const char* s) { out_.append(s); }
  void append(const std::string& s) { out_.append(s); }

  std::string out_;
};

void write_media(Writer& w, const MediaSection& m) {
  std::string mline = m.kind == MediaKind::other ? m.other_kind : to_string(m.kind);
  mline += ' ';
  mline += std::to_string(m.port);
  if (m.port_count) (mline += '/') += std::to_string(*m.port_count);
  mline += ' ';
  mline += m.proto;
  for (std::uint8_t pt : m.payload_types) (mline += ' ') += std::to_string(pt);
  for (const auto& f : m.formats) (mline += ' ') += f;
  w.line('m', mline);
  w.extras(m.extra_lines, "i");
  w.connection(m.connection);
  w.bandwidths(m.bandwidths);
  w.extras(m.extra_lines, "k");

  w.common(m.ice_ufrag, m.ice_pwd, m.ice_options, m.fingerprints, m.setup);
  if (!m.mid.empty()) w.attribute("mid", m.mid);
  if (m.extmap_allow_mixed) w.attribute("extmap-allow-mixed");
  w.extmaps(m.extmaps);
  if (m.direction) w.attribute(to_string(*m.direction));
  for (const auto& msid : m.msids) {
    if (msid.track_id.empty())
      w.line('a', "msid:", msid.stream_id);
    else
      w.line('a', "msid:", msid.stream_id, " ", msid.track_id);
  }
  if (m.rtcp_mux) w.attribute("rtcp-mux");
  if (m.rtcp_rsize) w.attribute("rtcp-rsize");
  for (const auto& c : m.codecs) w.codec(c);
  for (const auto& fb : m.rtcp_fb_all) w.feedback("*", fb);
  for (const auto& rid : m.rids) {
    std::string params;
    for (const auto& [key, value] : rid.params) {
      if (!params.empty()) params += ';';
      params += key;
      if (!value.empty()) (params += '=') += value;
    }
    const char* dir = rid.direction == RidDirection::send ? "send" : "recv";
    if (params.empty())
      w.line('a', "rid:", rid.id, " ", dir);
    else
      w.line('a', "rid:", rid.id, " ", dir, " ", params);
  }
  if (m.simulcast) {
    std::string sc;
    if (!m.simulcast->send.empty()) sc = "send " + Writer::simulcast_list(m.simulcast->send);
    if (!m.simulcast->recv.empty()) {
      if (!sc.empty()) sc += ' ';
      sc += "recv " + Writer::simulcast_list(m.simulcast->recv);
    }
    w.attribute("simulcast", sc);
  }
  for (const auto& g : m.ssrc_groups) {
    std::string s = g.semantics;
    for (std::uint32_t ssrc : g.ssrcs) (s += ' ') += std::to_string(ssrc);
    w.attribute("ssrc-group", s);
  }
  for (const auto& s : m.ssrcs) {
    std::string id = std::to_string(s.ssrc);
    if (s.attributes.empty()) w.attribute("ssrc", id);
    for (const auto& a : s.attributes) {
      if (a.value)
        w.line('a', "ssrc:", id, " ", a.name, ":", *a.value);
      else
        w.line('a', "ssrc:", id, " ", a.name);
    }
  }
  for (const auto& c : m.candidates)
    w.attribute("candidate", c.raw.empty() ? format_candidate(c) : c.raw);
  if (m.end_of_candidates) w.attribute("end-of-candidates");
  w.others(m.attributes);
}

}  // namespace

std::string write_sdp(const SessionDescription& sd) {
  Writer w;
  const Origin& o = sd.origin;
  w.line('v', "0");
  w.line('o', o.username, " ", o.session_id, " ", std::to_string(o.session_version), " ",
         o.net_type, " ", o.addr_type, " ", o.address);
  w.line('s', sd.session_name);
  w.extras(sd.extra_lines, "iuep");
  w.connection(sd.connection);
  w.bandwidths(sd.bandwidths);
  for (const auto& t : sd.timings)
    w.line('t', std::to_string(t.start), " ", std::to_string(t.stop));
  w.extras(sd.extra_lines, "rzk");

  for (const auto& g : sd.groups) {
    if (g.mids.empty())
      w.attribute("group", g.semantics);
    else
      w.line('a', "group:", g.semantics, " ", Writer::joined(g.mids));
  }
  if (sd.extmap_allow_mixed) w.attribute("extmap-allow-mixed");
  if (sd.msid_semantic) {
    // "a=msid-semantic: WMS ..." with the space, as Chrome, Janus and mediasoup write it.
    std::string ms = " " + sd.msid_semantic->semantic;
    for (const auto& id : sd.msid_semantic->stream_ids) (ms += ' ') += id;
    w.attribute("msid-semantic", ms);
  }
  if (sd.ice_lite) w.attribute("ice-lite");
  w.common(sd.ice_ufrag, sd.ice_pwd, sd.ice_options, sd.fingerprints, sd.setup);
  w.extmaps(sd.extmaps);
  w.others(sd.attributes);

  for (const auto& m : sd.media) write_media(w, m);
  return w.take();
}

}  // namespace haven::sfu::sdp
