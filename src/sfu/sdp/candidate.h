// ICE candidate attribute (RFC 8839 §5.1), shared by the SDP parser and trickle-ICE
// signalling (RTCIceCandidate.candidate is the same text with a "candidate:" prefix).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sfu/sdp/session_description.h"

namespace haven::sfu::sdp {

// Parses "[candidate:]<foundation> <component> <transport> <priority> <address> <port>
// typ <type> [raddr <a>] [rport <p>] [tcptype <t>] *(<name> <value>)". `raw` is set to the
// text after the optional "candidate:" prefix. Never throws; on failure returns nullopt
// and, if `error` is given, a reason.
std::optional<Candidate> parse_candidate(std::string_view text, std::string* error = nullptr);

// The attribute value for `c` without the "candidate:" prefix, built from the fields (the
// `raw` text is ignored). Extension pairs keep their order.
std::string format_candidate(const Candidate& c);

// ice-char (RFC 8839 §5.1): ALPHA / DIGIT / "+" / "/". Used for foundations and for
// ice-ufrag/ice-pwd.
bool is_ice_chars(std::string_view s);

}  // namespace haven::sfu::sdp
