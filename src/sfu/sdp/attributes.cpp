// Value grammars of the attributes WebRTC uses. Tokens are split at runs of spaces (see
// text::split_tokens) so that re-joining with one space, as the writer does, reads back
// identically.
#include "sfu/sdp/attributes.h"

#include <vector>

#include "sfu/sdp/candidate.h"
#include "sfu/sdp/text.h"

namespace haven::sfu::sdp {

namespace {

bool fail(std::string& why, const char* reason) {
  why = reason;
  return false;
}

// One simulcast list (RFC 8853 §5.1): sc-str-list = sc-alt-list *(";" sc-alt-list),
// sc-alt-list = sc-id *("," sc-id), sc-id = [sc-id-paused] rid-id with "~" for paused.
bool parse_simulcast_list(std::string_view s, SimulcastList& out, std::string& why) {
  out.clear();
  while (true) {
    std::size_t semi = s.find(';');
    std::string_view stream = s.substr(0, semi);
    std::vector<SimulcastRid> alternatives;
    while (true) {
      std::size_t comma = stream.find(',');
      std::string_view alt = stream.substr(0, comma);
      SimulcastRid rid;
      if (!alt.empty() && alt.front() == '~') {
        rid.paused = true;
        alt.remove_prefix(1);
      }
      if (!is_rid_id(alt)) return fail(why, "simulcast: bad rid in list");
      rid.rid = std::string(alt);
      alternatives.push_back(std::move(rid));
      if (comma == std::string_view::npos) break;
      stream = stream.substr(comma + 1);
    }
    out.push_back(std::move(alternatives));
    if (semi == std::string_view::npos) break;
    s = s.substr(semi + 1);
  }
  return true;
}

}  // namespace

std::optional<std::uint8_t> parse_payload_type(std::string_view s) {
  auto pt = text::parse_uint<unsigned>(s);
  if (!pt || *pt > 127) return std::nullopt;
  return static_cast<std::uint8_t>(*pt);
}

bool parse_rtpmap(std::string_view value, Codec& out, std::string& why) {
  auto tok = text::split_tokens(value);
  if (tok.size() != 2) return fail(why, "rtpmap: expected '<pt> <name>/<clock>'");
  auto pt = parse_payload_type(tok[0]);
  if (!pt) return fail(why, "rtpmap: non-numeric or out-of-range payload type");
  std::string_view enc = tok[1];
  std::size_t slash = enc.find('/');
  if (slash == 0 || slash == std::string_view::npos) return fail(why, "rtpmap: no clock rate");
  std::string_view name = enc.substr(0, slash);
  std::string_view rest = enc.substr(slash + 1);
  std::size_t slash2 = rest.find('/');
  auto clock = text::parse_uint<std::uint32_t>(rest.substr(0, slash2));
  if (!clock) return fail(why, "rtpmap: bad clock rate");
  std::optional<std::uint16_t> channels;
  if (slash2 != std::string_view::npos) {
    channels = text::parse_uint<std::uint16_t>(rest.substr(slash2 + 1));
    if (!channels) return fail(why, "rtpmap: bad channel count");
  }
  out.pt = *pt;
  out.name = std::string(name);
  out.clock_rate = *clock;
  out.channels = channels;
  return true;
}

bool parse_fingerprint(std::string_view value, Fingerprint& out, std::string& why) {
  auto tok = text::split_tokens(value);
  if (tok.size() != 2) return fail(why, "fingerprint: expected '<hash> <hex>'");
  std::string_view hex = tok[1];
  // 2HEX *(":" 2HEX): length 3n-1, at most 64 bytes (sha-512).
  if (hex.size() < 2 || (hex.size() + 1) % 3 != 0 || hex.size() > 64 * 3 - 1)
    return fail(why, "fingerprint: bad length");
  for (std::size_t i = 0; i < hex.size(); ++i) {
    bool colon = (i % 3 == 2);
    if (colon ? hex[i] != ':' : text::hex_value(hex[i]) < 0)
      return fail(why, "fingerprint: not colon-separated hex bytes");
  }
  out.algorithm = std::string(tok[0]);
  out.value = std::string(hex);
  return true;
}

bool parse_extmap(std::string_view value, Extmap& out, std::string& why) {
  auto [id_dir, rest] = text::next_token(value);
  std::size_t slash = id_dir.find('/');
  auto id = text::parse_uint<std::uint16_t>(id_dir.substr(0, slash));
  if (!id || *id < 1 || *id > 255) return fail(why, "extmap: id must be 1-255");
  std::optional<Direction> direction;
  if (slash != std::string_view::npos) {
    direction = direction_from_string(id_dir.substr(slash + 1));
    if (!direction) return fail(why, "extmap: bad direction");
  }
  auto [uri, attributes] = text::next_token(rest);
  if (uri.empty()) return fail(why, "extmap: missing URI");
  out.id = *id;
  out.direction = direction;
  out.uri = std::string(uri);
  out.attributes = std::string(text::trim(attributes));
  return true;
}

bool parse_group(std::string_view value, Group& out, std::string& why) {
  auto tok = text::split_tokens(value);
  if (tok.empty()) return fail(why, "group: missing semantics");
  out.semantics = std::string(tok[0]);
  out.mids.assign(tok.begin() + 1, tok.end());
  return true;
}

bool parse_msid_semantic(std::string_view value, MsidSemantic& out, std::string& why) {
  auto tok = text::split_tokens(value);
  if (tok.empty()) return fail(why, "msid-semantic: missing semantic");
  out.semantic = std::string(tok[0]);
  out.stream_ids.assign(tok.begin() + 1, tok.end());
  return true;
}

bool parse_msid(std::string_view value, Msid& out, std::string& why) {
  auto tok = text::split_tokens(value);
  if (tok.empty() || tok.size() > 2) return fail(why, "msid: expected '<stream> [<track>]'");
  out.stream_id = std::string(tok[0]);
  out.track_id = tok.size() == 2 ? std::string(tok[1]) : std::string();
  return true;
}

bool parse_ssrc_group(std::string_view value, SsrcGroup& out, std::string& why) {
  auto tok = text::split_tokens(value);
  if (tok.size() < 2) return fail(why, "ssrc-group: expected '<semantics> <ssrc>...'");
  out.semantics = std::string(tok[0]);
  out.ssrcs.clear();
  for (std::size_t i = 1; i < tok.size(); ++i) {
    auto ssrc = text::parse_uint<std::uint32_t>(tok[i]);
    if (!ssrc) return fail(why, "ssrc-group: bad SSRC");
    out.ssrcs.push_back(*ssrc);
  }
  return true;
}

bool parse_rid(std::string_view value, Rid& out, std::string& why) {
  auto [id, rest] = text::next_token(value);
  if (!is_rid_id(id)) return fail(why, "rid: bad id");
  auto [dir, params] = text::next_token(rest);
  if (dir == "send") {
    out.direction = RidDirection::send;
  } else if (dir == "recv") {
    out.direction = RidDirection::recv;
  } else {
    return fail(why, "rid: direction must be send or recv");
  }
  out.id = std::string(id);
  out.params = text::split_params(params);
  return true;
}

bool parse_simulcast(std::string_view value, Simulcast& out, std::string& why) {
  auto tok = text::split_tokens(value);
  if (tok.empty() || tok.size() % 2 != 0 || tok.size() > 4)
    return fail(why, "simulcast: expected 'send <list>' and/or 'recv <list>'");
  out = Simulcast{};
  bool have_send = false, have_recv = false;
  for (std::size_t i = 0; i < tok.size(); i += 2) {
    bool send = tok[i] == "send";
    if (!send && tok[i] != "recv") return fail(why, "simulcast: direction must be send or recv");
    bool& seen = send ? have_send : have_recv;
    if (seen) return fail(why, "simulcast: direction given twice");
    seen = true;
    if (!parse_simulcast_list(tok[i + 1], send ? out.send : out.recv, why)) return false;
  }
  return true;
}

bool is_rid_id(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool is_valid_ice_ufrag(std::string_view s) {
  return s.size() >= 4 && s.size() <= 256 && is_ice_chars(s);
}

bool is_valid_ice_pwd(std::string_view s) {
  return s.size() >= 22 && s.size() <= 256 && is_ice_chars(s);
}

}  // namespace haven::sfu::sdp
