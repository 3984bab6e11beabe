// SDP parser for WebRTC offers/answers (RFC 8866 syntax, JSEP RFC 8829 subset).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "sfu/sdp/session_description.h"

namespace haven::sfu::sdp {

// Parses a complete session description. Never throws on any input (bad_alloc aside) and
// rejects, with a message naming the line in `error` if given:
//  - input over kMaxSdpSize, a line over kMaxLineLength, more than kMaxMediaSections m=
//    lines or more than kMaxCodecsPerSection formats on one m= line;
//  - a first line other than "v=0", a missing/duplicate o=, s= or t=, an unknown line type,
//    control characters other than TAB, session-only lines inside a media section;
//  - malformed known attributes (non-numeric payload type, bad fingerprint, bad candidate,
//    invalid ice-ufrag/ice-pwd, ...), duplicate single-valued attributes (mid, direction,
//    setup, ice-ufrag, ice-pwd, rtpmap/fmtp of one PT, extmap id, simulcast), duplicate
//    payload types on an m= line, and mids that repeat across sections.
// Lines may end in CRLF or LF; blank lines are skipped. Unknown attributes are kept.
std::optional<SessionDescription> parse_sdp(std::string_view text, std::string* error = nullptr);

}  // namespace haven::sfu::sdp
