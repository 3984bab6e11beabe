// SEND connection of one browser client: the browser offers its sendonly camera, mic and
// screen tracks (and re-offers when they change); the SFU answers. docs/SFU.md
// "Negotiation" has the two-connection design.
//
// The answer: a=ice-lite, one host candidate, a=setup:passive (the SFU is always the DTLS
// server, RFC 5763 §5 — and the same value on every re-answer, or Chrome fails with
// "Failed to set SSL role for the transport", pion#3552), BUNDLE over every accepted
// section, rtcp-mux, recvonly for what the browser sends. Per section the SFU takes one
// codec (codec_policy.h) with its RTX and the header extensions routing understands
// (header_extensions.h), keeping the browser's payload types and extension ids. What it
// cannot take (data channel, unknown codecs, sections outside BUNDLE) is answered with
// port 0 — except the offerer's BUNDLE-tag section: rejecting it would take the bundle
// transport with it (RFC 8843 §7.3; MSC RemoteSdp.ts, restsend/rustrtc#27), so that one is
// answered a=inactive.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sfu/negotiation/transport_info.h"
#include "sfu/rtp_parameters.h"
#include "sfu/sdp/session_description.h"

namespace haven::sfu::negotiation {

// One track the browser publishes, as the browser sends it: routing maps these payload
// types, extension ids and SSRCs/rids onto each subscriber's. Whether it is a camera, a
// microphone or a screen is signalled separately (the caller's business).
struct ProducerDescription {
  // mid, kind; codecs[0] = the negotiated codec with the browser's PT, rtx PT and feedback
  // as answered; extension ids as the browser numbered them; encodings: ssrc + rtx ssrc
  // from a=ssrc/a=ssrc-group:FID, or (simulcast) one per rid with ssrc 0, lowest layer
  // first; cname; stream_id/track_id from a=msid ("-" when the track has no stream).
  RtpParameters rtp;
};

struct SendAnswer {
  sdp::SessionDescription answer;  // write_sdp(answer) is the text for the browser
  // Sections the browser sends on (sendonly/sendrecv, accepted), in m-line order.
  std::vector<ProducerDescription> producers;
  RemoteTransport remote;    // the browser's ICE credentials and DTLS fingerprint
  bool ice_restart = false;  // re-offer with new browser ICE credentials (RFC 8839 §4.4.1.1.1)
};

class SendNegotiator {
 public:
  // `session_id`: the o= id of every answer on this connection (random by default).
  explicit SendNegotiator(TransportInfo local, std::string session_id = random_session_id());

  // Answers an offer (initial or re-offer) from the browser. nullopt with a reason in
  // `error` when the offer cannot be answered at all: no m-section, no BUNDLE group, a
  // section without a=mid, missing/invalid ICE credentials or fingerprint, a=setup:passive
  // (the browser would have to be the DTLS server), a BUNDLE-tag section that is not
  // audio/video or lacks rtcp-mux, and on re-offers: fewer m-sections, a changed mid on a
  // live section, or a changed DTLS fingerprint (WebRTC never restarts DTLS,
  // rtcweb-wg/jsep#72). State changes only when an answer is returned.
  std::optional<SendAnswer> answer(const sdp::SessionDescription& offer,
                                   std::string* error = nullptr);

  // New local credentials, e.g. after the browser asked for an ICE restart: the next
  // answer carries them (RFC 8445 §9: both sides change ufrag/pwd on restart).
  void set_local_transport(TransportInfo local) { local_ = std::move(local); }
  const TransportInfo& local_transport() const { return local_; }

  // The browser's transport from the last answered offer, if any.
  const std::optional<RemoteTransport>& remote_transport() const { return remote_; }

 private:
  struct AnsweredSection {
    std::string mid;
    bool rejected = false;
  };

  bool check_reoffer(const sdp::SessionDescription& offer, std::string* error) const;

  TransportInfo local_;
  std::string session_id_;
  std::uint64_t version_ = 0;
  std::vector<AnsweredSection> sections_;  // by m-line index, from the last answer
  std::optional<RemoteTransport> remote_;
};

}  // namespace haven::sfu::negotiation
