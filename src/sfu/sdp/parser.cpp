// SDP parser: one pass over the lines (RFC 8866 §5 grammar "<type>=<value>"), session
// lines until the first m=, then media sections (parser_media.cpp). Nothing here throws;
// every failure returns through Parser::fail() with the line number.
#include "sfu/sdp/parser.h"

#include "sfu/sdp/attributes.h"
#include "sfu/sdp/parser_impl.h"
#include "sfu/sdp/text.h"

namespace haven::sfu::sdp {

namespace detail {

int session_extra_rank(char type) {
  constexpr std::string_view kOrder = "iueprzk";
  std::size_t rank = kOrder.find(type);
  return rank == std::string_view::npos ? -1 : static_cast<int>(rank);
}

std::optional<SessionDescription> Parser::run(std::string_view text) {
  if (text.size() > kMaxSdpSize) {
    fail("SDP larger than " + std::to_string(kMaxSdpSize) + " bytes");
    return std::nullopt;
  }
  sd_.timings.clear();
  bool first = true;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? nl : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!check_line(line)) return std::nullopt;
    char type = line[0];
    std::string_view value = line.substr(2);
    if (first) {
      if (type != 'v' || value != "0") return fail("missing v=0 as the first line");
      first = false;
      continue;
    }
    bool ok = type == 'm' ? start_media(value)
              : media_    ? media_line(type, value)
                          : session_line(type, value);
    if (!ok) return std::nullopt;
  }
  line_no_ = 0;
  if (first) return fail("missing v=0 as the first line");
  if (media_) finish_media();
  if (!have_origin_) return fail("missing o= line");
  if (!have_name_) return fail("missing s= line");
  if (sd_.timings.empty()) return fail("missing t= line");
  for (auto& bucket : session_extra_)
    for (auto& line : bucket) sd_.extra_lines.push_back(std::move(line));
  for (std::size_t i = 0; i < sd_.media.size(); ++i) {
    if (sd_.media[i].mid.empty()) continue;
    for (std::size_t j = i + 1; j < sd_.media.size(); ++j)
      if (sd_.media[j].mid == sd_.media[i].mid)
        return fail("mid '" + sd_.media[i].mid + "' used by two m-sections");
  }
  return std::move(sd_);
}

std::nullopt_t Parser::fail(std::string_view why) {
  if (error_) {
    *error_ = line_no_ ? "line " + std::to_string(line_no_) + ": " : std::string();
    error_->append(why);
  }
  return std::nullopt;
}

bool Parser::bad(std::string_view why) {
  fail(why);
  return false;
}

bool Parser::check_line(std::string_view line) {
  if (line.size() > kMaxLineLength)
    return bad("line longer than " + std::to_string(kMaxLineLength) + " bytes");
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return bad("control character in line");
  }
  if (line.size() < 2 || line[1] != '=') return bad("expected '<type>=<value>'");
  return true;
}

bool Parser::session_line(char type, std::string_view value) {
  switch (type) {
    case 'o': {
      if (have_origin_) return bad("second o= line");
      auto tok = text::split_tokens(value);
      auto version = tok.size() == 6 ? text::parse_uint<std::uint64_t>(tok[2]) : std::nullopt;
      if (!version) return bad("bad o= line");
      sd_.origin = Origin{std::string(tok[0]), std::string(tok[1]), *version,
                          std::string(tok[3]), std::string(tok[4]), std::string(tok[5])};
      have_origin_ = true;
      return true;
    }
    case 's':
      if (have_name_) return bad("second s= line");
      sd_.session_name = std::string(value);
      have_name_ = true;
      return true;
    case 'c':
      if (sd_.connection) return bad("second session-level c= line");
      return parse_connection(value, sd_.connection);
    case 'b':
      return parse_bandwidth(value, sd_.bandwidths);
    case 't': {
      auto tok = text::split_tokens(value);
      auto start = tok.size() == 2 ? text::parse_uint<std::uint64_t>(tok[0]) : std::nullopt;
      auto stop = tok.size() == 2 ? text::parse_uint<std::uint64_t>(tok[1]) : std::nullopt;
      if (!start || !stop) return bad("bad t= line");
      sd_.timings.push_back(Timing{*start, *stop});
      return true;
    }
    case 'a':
      return session_attribute(value);
    default: {
      int rank = session_extra_rank(type);
      if (rank < 0) return bad(std::string("unknown line type '") + type + "='");
      session_extra_[rank].push_back(ExtraLine{type, std::string(value)});
      return true;
    }
  }
}

bool Parser::parse_connection(std::string_view value, std::optional<Connection>& out) {
  auto tok = text::split_tokens(value);
  if (tok.size() != 3) return bad("bad c= line");
  out = Connection{std::string(tok[0]), std::string(tok[1]), std::string(tok[2])};
  return true;
}

bool Parser::parse_bandwidth(std::string_view value, std::vector<Bandwidth>& out) {
  std::size_t colon = value.find(':');
  if (colon == 0 || colon == std::string_view::npos) return bad("bad b= line");
  std::string_view type = value.substr(0, colon);
  auto bw = text::parse_uint<std::uint64_t>(value.substr(colon + 1));
  if (!bw || type.find_first_of(" \t") != std::string_view::npos) return bad("bad b= line");
  out.push_back(Bandwidth{std::string(type), *bw});
  return true;
}

bool Parser::split_attribute(std::string_view text, std::string_view& name, OptValue& value) {
  std::size_t colon = text.find(':');
  name = text.substr(0, colon);
  value = colon == std::string_view::npos ? OptValue{} : OptValue{text.substr(colon + 1)};
  if (name.empty()) return bad("attribute without a name");
  return true;
}

bool Parser::need_value(std::string_view name, const OptValue& value) {
  if (value && !text::trim(*value).empty()) return true;
  return bad("a=" + std::string(name) + " needs a value");
}

Handled Parser::common_attribute(CommonFields f, std::string_view name, const OptValue& v) {
  auto result = [](bool ok) { return ok ? Handled::yes : Handled::error; };
  std::string why;
  if (name == "ice-ufrag" || name == "ice-pwd") {
    bool ufrag = name == "ice-ufrag";
    std::string& field = ufrag ? f.ice_ufrag : f.ice_pwd;
    if (!need_value(name, v)) return Handled::error;
    if (!field.empty()) return result(bad("second a=" + std::string(name)));
    std::string_view value = text::trim(*v);
    if (ufrag ? !is_valid_ice_ufrag(value) : !is_valid_ice_pwd(value))
      return result(bad("invalid a=" + std::string(name) + " (RFC 8839 §5.4)"));
    field = std::string(value);
    return Handled::yes;
  }
  if (name == "ice-options") {
    if (v)
      for (auto tok : text::split_tokens(*v)) f.ice_options.emplace_back(tok);
    return Handled::yes;
  }
  if (name == "fingerprint") {
    Fingerprint fp;
    if (!need_value(name, v)) return Handled::error;
    if (!parse_fingerprint(*v, fp, why)) return result(bad(why));
    f.fingerprints.push_back(std::move(fp));
    return Handled::yes;
  }
  if (name == "setup") {
    if (!need_value(name, v)) return Handled::error;
    if (f.setup) return result(bad("second a=setup"));
    f.setup = setup_from_string(text::trim(*v));
    return result(f.setup ? true : bad("bad a=setup value"));
  }
  if (name == "extmap-allow-mixed") {
    f.extmap_allow_mixed = true;
    return Handled::yes;
  }
  if (name == "extmap") {
    Extmap ext;
    if (!need_value(name, v)) return Handled::error;
    if (!parse_extmap(*v, ext, why)) return result(bad(why));
    for (const auto& e : f.extmaps)
      if (e.id == ext.id) return result(bad("extmap id used twice"));
    f.extmaps.push_back(std::move(ext));
    return Handled::yes;
  }
  return Handled::no;
}

bool Parser::session_attribute(std::string_view text) {
  std::string_view name;
  OptValue v;
  if (!split_attribute(text, name, v)) return false;
  CommonFields f{sd_.ice_ufrag,          sd_.ice_pwd, sd_.ice_options, sd_.fingerprints, sd_.setup,
                 sd_.extmap_allow_mixed, sd_.extmaps};
  Handled h = common_attribute(f, name, v);
  if (h != Handled::no) return h == Handled::yes;
  std::string why;
  if (name == "group") {
    Group g;
    if (!need_value(name, v)) return false;
    if (!parse_group(*v, g, why)) return bad(why);
    sd_.groups.push_back(std::move(g));
  } else if (name == "ice-lite") {
    sd_.ice_lite = true;
  } else if (name == "msid-semantic") {
    MsidSemantic ms;
    if (!need_value(name, v)) return false;
    if (sd_.msid_semantic) return bad("second a=msid-semantic");
    if (!parse_msid_semantic(*v, ms, why)) return bad(why);
    sd_.msid_semantic = std::move(ms);
  } else {
    sd_.attributes.push_back(
        Attribute{std::string(name), v ? std::optional<std::string>(*v) : std::nullopt});
  }
  return true;
}

}  // namespace detail

std::optional<SessionDescription> parse_sdp(std::string_view text, std::string* error) {
  detail::Parser parser(error);
  return parser.run(text);
}

}  // namespace haven::sfu::sdp
