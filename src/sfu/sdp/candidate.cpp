// ICE candidate grammar, RFC 8839 §5.1:
//   candidate-attribute = "candidate" ":" foundation SP component-id SP transport SP
//                         priority SP connection-address SP port SP "typ" SP cand-type
//                         [SP rel-addr] [SP rel-port] *(SP cand-extension)
// tcptype comes from RFC 6544 §4.5. Unknown extensions are name/value pairs we keep.
#include "sfu/sdp/candidate.h"

#include <vector>

#include "sfu/sdp/text.h"

namespace haven::sfu::sdp {

namespace {

bool fail(std::string* error, const char* why) {
  if (error) *error = why;
  return false;
}

}  // namespace

bool is_ice_chars(std::string_view s) {
  for (char c : s) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '/';
    if (!ok) return false;
  }
  return true;
}

std::optional<Candidate> parse_candidate(std::string_view text, std::string* error) {
  constexpr std::string_view kPrefix = "candidate:";
  if (text.size() >= kPrefix.size() && text::iequals(text.substr(0, kPrefix.size()), kPrefix))
    text.remove_prefix(kPrefix.size());

  std::vector<std::string_view> tok = text::split_tokens(text);
  if (tok.size() < 8) {
    fail(error, "candidate: fewer than 8 fields");
    return std::nullopt;
  }
  Candidate c;
  // Foundation: 1*32 ice-char.
  if (tok[0].empty() || tok[0].size() > 32 || !is_ice_chars(tok[0])) {
    fail(error, "candidate: bad foundation");
    return std::nullopt;
  }
  c.foundation = std::string(tok[0]);
  auto component = text::parse_uint<std::uint16_t>(tok[1]);
  if (!component || *component < 1 || *component > 256) {
    fail(error, "candidate: bad component id");
    return std::nullopt;
  }
  c.component = *component;
  c.transport = std::string(tok[2]);
  auto priority = text::parse_uint<std::uint32_t>(tok[3]);
  if (!priority) {
    fail(error, "candidate: bad priority");
    return std::nullopt;
  }
  c.priority = *priority;
  c.address = std::string(tok[4]);
  auto port = text::parse_uint<std::uint16_t>(tok[5]);
  if (!port) {
    fail(error, "candidate: bad port");
    return std::nullopt;
  }
  c.port = *port;
  if (tok[6] != "typ") {
    fail(error, "candidate: missing 'typ'");
    return std::nullopt;
  }
  c.type = std::string(tok[7]);

  if ((tok.size() - 8) % 2 != 0) {
    fail(error, "candidate: extension without a value");
    return std::nullopt;
  }
  for (std::size_t i = 8; i + 1 < tok.size(); i += 2) {
    std::string_view name = tok[i];
    std::string_view value = tok[i + 1];
    if (name == "raddr") {
      c.related_address = std::string(value);
    } else if (name == "rport") {
      auto rport = text::parse_uint<std::uint16_t>(value);
      if (!rport) {
        fail(error, "candidate: bad rport");
        return std::nullopt;
      }
      c.related_port = *rport;
    } else if (name == "tcptype") {
      c.tcp_type = std::string(value);
    } else {
      c.extensions.emplace_back(std::string(name), std::string(value));
    }
  }
  c.raw = std::string(text);
  return c;
}

std::string format_candidate(const Candidate& c) {
  std::string out;
  out.reserve(96);
  out += c.foundation;
  out += ' ';
  out += std::to_string(c.component);
  out += ' ';
  out += c.transport;
  out += ' ';
  out += std::to_string(c.priority);
  out += ' ';
  out += c.address;
  out += ' ';
  out += std::to_string(c.port);
  out += " typ ";
  out += c.type;
  if (!c.related_address.empty()) {
    out += " raddr ";
    out += c.related_address;
  }
  if (c.related_port) {
    out += " rport ";
    out += std::to_string(*c.related_port);
  }
  if (!c.tcp_type.empty()) {
    out += " tcptype ";
    out += c.tcp_type;
  }
  for (const auto& [name, value] : c.extensions) {
    out += ' ';
    out += name;
    out += ' ';
    out += value;
  }
  return out;
}

}  // namespace haven::sfu::sdp
