// SDP serialiser: the inverse of parse_sdp() for the WebRTC subset.
#pragma once

#include <string>

#include "sfu/sdp/session_description.h"

namespace haven::sfu::sdp {

// Writes CRLF-terminated lines in a fixed canonical order:
//   v= o= s= [i= u= e= p=] [c=] b=* t=+ [r= z= k=]
//   a=group a=extmap-allow-mixed a=msid-semantic a=ice-lite a=ice-ufrag a=ice-pwd
//   a=ice-options a=fingerprint a=setup a=extmap <other session attributes>
// then per media section:
//   m= [i=] [c=] b=* [k=] a=ice-ufrag a=ice-pwd a=ice-options a=fingerprint a=setup a=mid
//   a=extmap-allow-mixed a=extmap a=<direction> a=msid a=rtcp-mux a=rtcp-rsize
//   (a=rtpmap a=rtcp-fb a=fmtp per codec) a=rtcp-fb:* a=rid a=simulcast a=ssrc-group a=ssrc
//   a=candidate a=end-of-candidates <other attributes>
// which is close to what Chromium emits. Only fields that are set produce lines (empty mid,
// absent direction, empty fmtp write nothing), so parse(write(parse(x))) == parse(x).
// The writer does not validate: give it what parse_sdp() would accept.
std::string write_sdp(const SessionDescription& sd);

}  // namespace haven::sfu::sdp
