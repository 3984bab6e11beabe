// RECV connection of one browser client: the SFU offers one sendonly m-section per track
// it forwards from the other participants (and re-offers as they come and go); the browser
// answers. One offerer per connection means no glare. docs/SFU.md "Negotiation".
//
// Every offer: a=ice-lite, one host candidate, BUNDLE over all live sections, rtcp-mux,
// rtcp-rsize, fixed payload types (codec_policy.h) and fixed extension ids
// (header_extensions.h) for the connection's lifetime; a=setup:actpass until an answer
// fixed the roles, then a=setup:passive (the SFU stays the DTLS server: RFC 8842 §5.5, a
// re-offer must not flip the role, pion#3552). Per section: a=sendonly, a=msid, a=ssrc with
// cname and msid, a=ssrc-group:FID for video (shared/notes/sfu-interop.md §4).
//
// Mids are "0", "1", ... and never reused. A removed consumer's section is offered with
// port 0 (a=inactive, out of BUNDLE) — except the first, the BUNDLE tag, which stays
// a=inactive with its port. Once the browser has answered an offer that closed a section,
// a new consumer of the same kind may take that m-line with a new mid (RFC 8829 §5.2.2
// recycling); otherwise sections are appended.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sfu/negotiation/codec_policy.h"
#include "sfu/negotiation/transport_info.h"
#include "sfu/rtp_parameters.h"
#include "sfu/sdp/session_description.h"

namespace haven::sfu::negotiation {

// One forwarded track as the SFU sends it to this subscriber. The SSRCs are the SFU's own
// (routing rewrites the publisher's onto them, shared/notes/sfu-interop.md §5).
struct ConsumerSlot {
  std::string stream_id;  // a=msid stream: the publishing participant (audio+video share it,
                          // Chrome lip-syncs by msid, jitsi/jicofo#1024)
  std::string track_id;   // a=msid track
  MediaKind kind = MediaKind::audio;
  std::string cname;
  ServerCodec codec = ServerCodec::opus;
  std::uint32_t ssrc = 0;
  std::uint32_t rtx_ssrc = 0;  // video: required; audio: 0 (no RTX for Opus)
  bool operator==(const ConsumerSlot&) const = default;
};

// What the browser's answer settled.
struct RecvAnswerResult {
  // The browser's ICE credentials and DTLS fingerprint; nullopt only while no section has
  // ever been negotiated (an offer with no consumer).
  std::optional<RemoteTransport> remote;
  // Consumers the browser accepted (answered recvonly), in m-line order: the SFU's PT, RTX
  // PT and SSRCs, feedback both sides listed, and the extension ids the answer kept.
  std::vector<RtpParameters> accepted;
  // Live consumers the browser answered inactive or with port 0: forward nothing to them.
  std::vector<std::string> declined_mids;
};

class RecvNegotiator {
 public:
  explicit RecvNegotiator(TransportInfo local, std::string session_id = random_session_id());

  // Adds a section for a new consumer and returns its mid, or nullopt with a reason: kind
  // not matching the codec, SSRC 0 or already used by a live section, video without a
  // distinct RTX SSRC, audio with one, ids that are not msid/cname tokens, or 64 sections
  // and none recyclable (sdp::kMaxMediaSections). Takes effect in the next offer().
  std::optional<std::string> add_consumer(const ConsumerSlot& slot, std::string* error = nullptr);

  // Closes the section of `mid`; false if no live consumer has that mid.
  bool remove_consumer(std::string_view mid);

  // The full description for the current state; every call increments the o= version.
  // It becomes the offer that apply_answer() checks against (a newer offer replaces an
  // unanswered one).
  sdp::SessionDescription offer();

  // Checks the browser's answer to the last offer: same number of sections with the same
  // mids in order, a=rtcp-mux, a=setup:active, ICE credentials, a fingerprint (unchanged
  // after the first answer), a BUNDLE group, our payload types kept, extension ids not
  // renumbered, no direction the offer did not allow. nullopt with a reason otherwise
  // (the state is then unchanged: send a new offer).
  std::optional<RecvAnswerResult> apply_answer(const sdp::SessionDescription& answer,
                                               std::string* error = nullptr);

  bool has_pending_offer() const { return !pending_.empty() || pending_empty_offer_; }
  const ConsumerSlot* consumer(std::string_view mid) const;  // live consumers only
  std::size_t consumer_count() const;
  std::size_t section_count() const { return sections_.size(); }
  bool dtls_role_established() const { return role_established_; }

  void set_local_transport(TransportInfo local) { local_ = std::move(local); }
  const TransportInfo& local_transport() const { return local_; }

 private:
  struct Section {
    std::string mid;
    MediaKind kind = MediaKind::audio;
    ServerCodec codec = ServerCodec::opus;
    std::optional<ConsumerSlot> consumer;  // nullopt: closed
    bool recyclable = false;               // closed, and an answered offer carried it with port 0
  };
  // What one offer carried for a section, for apply_answer().
  struct Offered {
    std::string mid;
    std::optional<ConsumerSlot> consumer;  // nullopt: offered closed
    bool port_zero = false;
  };

  sdp::MediaSection build_section(std::size_t index, const Section& s) const;
  std::optional<RtpParameters> accept_section(const sdp::MediaSection& answered,
                                              const Offered& offered, std::string* error) const;

  TransportInfo local_;
  std::string session_id_;
  std::uint64_t version_ = 0;
  std::uint64_t next_mid_ = 0;
  std::vector<Section> sections_;  // by m-line index
  std::vector<Offered> pending_;   // the last offer, until answered
  bool pending_empty_offer_ = false;
  bool role_established_ = false;
  std::optional<RemoteTransport> remote_;
};

}  // namespace haven::sfu::negotiation
