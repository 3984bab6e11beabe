// The browser's half of Haven's SDP, for clients that are not browsers (haven-loadgen,
// tests): a publish offer for the SEND connection and answers to the SFU's RECV offers,
// shaped like Chromium's (tests/fixtures/sdp/, tests/unit/sfu/negotiation/fixtures/), so
// the SFU negotiates with them exactly as with a browser. Only what a WebRtcClient can
// carry is offered: Opus and VP8 with RTX, one UDP transport (BUNDLE, rtcp-mux), no
// simulcast, no data channel.
//
// Chromium's numbering is kept: payload types 111 (Opus), 96/97 (VP8/RTX) and extension ids
// 1 ssrc-audio-level, 2 abs-send-time, 3 transport-wide-cc, 4 mid, 13 video-orientation.
// The SFU keeps a browser's ids (it may not renumber an offer), so a client sends its RTP
// with these.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfu/client/webrtc_client.h"
#include "sfu/dtls/fingerprint.h"
#include "sfu/ice/ice_credentials.h"
#include "sfu/sdp/session_description.h"

namespace haven::sfu {

inline constexpr std::uint8_t kBrowserOpusPayloadType = 111;
inline constexpr std::uint8_t kBrowserVp8PayloadType = 96;
inline constexpr std::uint8_t kBrowserVp8RtxPayloadType = 97;

inline constexpr std::uint8_t kBrowserAudioLevelId = 1;
inline constexpr std::uint8_t kBrowserAbsSendTimeId = 2;
inline constexpr std::uint8_t kBrowserTransportCcId = 3;
inline constexpr std::uint8_t kBrowserMidId = 4;
inline constexpr std::uint8_t kBrowserVideoOrientationId = 13;

// One sendonly transceiver of the publish offer.
struct BrowserTrack {
  sdp::MediaKind kind = sdp::MediaKind::audio;  // audio (Opus) or video (VP8 + RTX)
  std::string mid;                              // "0", "1", ... as Chromium numbers them
  std::string track_id;                         // a=msid track id
  std::uint32_t ssrc = 0;
  std::uint32_t rtx_ssrc = 0;  // video only: a=ssrc-group:FID ssrc rtx_ssrc
};

// The client's transport as its SDP states it: its ICE credentials (pass the same ones to
// WebRtcClientOptions::local_ice) and the fingerprint of its DTLS certificate.
struct BrowserTransport {
  ice::IceCredentials ice;
  Fingerprint fingerprint;
};

struct BrowserOffer {
  BrowserTransport transport;
  std::string cname;                 // a=ssrc:<n> cname:, RTCP SDES
  std::string stream_id;             // a=msid stream id shared by the tracks
  std::vector<BrowserTrack> tracks;  // m-line order; the first is the BUNDLE tag
  std::string session_id = "1";      // o= id and version
  std::uint64_t session_version = 2;
};

// The SEND connection's offer: BUNDLE over every track, a=setup:actpass, trickle ICE with
// no candidate yet (the SFU is ICE-lite: the client's checks carry its address), a=sendonly,
// a=msid, rtcp-mux and rtcp-rsize, feedback nack / nack pli / ccm fir / goog-remb /
// transport-cc on VP8 and transport-cc on Opus, a=ssrc cname/msid and the FID group.
sdp::SessionDescription make_browser_offer(const BrowserOffer& offer);

// The answer to one of the SFU's RECV offers: every live section (sendonly) recvonly with
// the offered codecs, feedback and extension ids kept; a section offered a=inactive stays
// inactive; port 0 sections are answered with port 0; a=setup:active (the SFU is the DTLS
// server); BUNDLE over the sections with a port. nullopt with a reason when the offer is
// not one a browser could accept (no m-section with a port and ICE credentials, a section
// without a mid, a live section that is not sendonly).
std::optional<sdp::SessionDescription> make_browser_answer(const sdp::SessionDescription& offer,
                                                           const BrowserTransport& transport,
                                                           std::string* error = nullptr);

// What a WebRtcClient needs from an SFU description (a SEND answer or a RECV offer): ICE
// credentials, fingerprint and the host candidate's address of its first section with a
// port. nullopt with a reason otherwise.
std::optional<WebRtcClientRemote> sfu_remote_from_sdp(const sdp::SessionDescription& sd,
                                                      std::string* error = nullptr);

}  // namespace haven::sfu
