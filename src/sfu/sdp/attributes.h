// Parsers for the values of individual SDP attributes (the text after "a=name:"). Used by
// parse_sdp(); exposed so signalling code can parse a single line (e.g. a fingerprint from
// a JSON message). Each returns false with a short reason in `why` on malformed input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sfu/sdp/session_description.h"

namespace haven::sfu::sdp {

// Payload type 0-127 (RFC 3550 §5.1 has 7 bits).
std::optional<std::uint8_t> parse_payload_type(std::string_view s);

// "<pt> <name>/<clock>[/<channels>]" (RFC 8866 §6.6) into pt, name, clock_rate, channels.
bool parse_rtpmap(std::string_view value, Codec& out, std::string& why);

// "<hash-func> XX:XX:..." (RFC 8122 §5); hex is checked, case kept.
bool parse_fingerprint(std::string_view value, Fingerprint& out, std::string& why);

// "<id>[/<direction>] <uri> [<attributes>]" (RFC 8285 §8); id 1-255.
bool parse_extmap(std::string_view value, Extmap& out, std::string& why);

// "<semantics> <mid>..." (RFC 5888 §5).
bool parse_group(std::string_view value, Group& out, std::string& why);

// " WMS <id>..." (leading space as Chrome writes it is accepted).
bool parse_msid_semantic(std::string_view value, MsidSemantic& out, std::string& why);

// "<stream-id> [<track-id>]" (RFC 8830 §2).
bool parse_msid(std::string_view value, Msid& out, std::string& why);

// "<semantics> <ssrc>..." (RFC 5576 §4.2).
bool parse_ssrc_group(std::string_view value, SsrcGroup& out, std::string& why);

// "<id> <send|recv> [<params>]" (RFC 8851 §4).
bool parse_rid(std::string_view value, Rid& out, std::string& why);

// "send <list> [recv <list>]" in either order (RFC 8853 §5.1).
bool parse_simulcast(std::string_view value, Simulcast& out, std::string& why);

// rid-id = 1*(ALPHA / DIGIT / "-" / "_") (RFC 8851 §10).
bool is_rid_id(std::string_view s);

// ice-ufrag 4-256 and ice-pwd 22-256 ice-chars (RFC 8839 §5.4).
bool is_valid_ice_ufrag(std::string_view s);
bool is_valid_ice_pwd(std::string_view s);

}  // namespace haven::sfu::sdp
