// The browser's half of Haven's SDP; see browser_sdp.h.
#include "sfu/client/browser_sdp.h"

#include <utility>

#include "sfu/sdp/candidate.h"
#include "sfu/sdp/queries.h"
#include "sfu/sdp/text.h"

namespace haven::sfu {

namespace {

void set_error(std::string* error, std::string message) {
  if (error) *error = std::move(message);
}

sdp::Codec codec(std::uint8_t pt, std::string name, std::uint32_t clock,
                 std::optional<std::uint16_t> channels, std::string fmtp,
                 std::vector<sdp::RtcpFeedback> feedback) {
  sdp::Codec c;
  c.pt = pt;
  c.name = std::move(name);
  c.clock_rate = clock;
  c.channels = channels;
  c.fmtp_params = sdp::text::split_params(fmtp);  // what the parser derives from the text
  c.fmtp = std::move(fmtp);
  c.rtcp_fb = std::move(feedback);
  return c;
}

sdp::Extmap extmap(std::uint8_t id, std::string_view uri) {
  sdp::Extmap e;
  e.id = id;
  e.uri = std::string(uri);
  return e;
}

sdp::Fingerprint sdp_fingerprint(const Fingerprint& fp) {
  return {std::string(fingerprint_algorithm_name(fp.algorithm)), format_fingerprint_hex(fp.digest)};
}

// The transport lines Chromium writes into every section before gathering: the discard
// port, c=IN IP4 0.0.0.0, a=rtcp:9, its ICE credentials with trickle, and its fingerprint.
void write_transport(sdp::MediaSection& m, const BrowserTransport& t, sdp::Setup setup,
                     bool rejected) {
  m.port = rejected ? 0 : 9;
  m.connection = sdp::Connection{"IN", "IP4", "0.0.0.0"};
  m.attributes.push_back({"rtcp", "9 IN IP4 0.0.0.0"});
  m.ice_ufrag = t.ice.ufrag;
  m.ice_pwd = t.ice.pwd;
  m.ice_options = {"trickle"};
  m.fingerprints = {sdp_fingerprint(t.fingerprint)};
  m.setup = setup;
  m.rtcp_mux = true;
}

void add_ssrc(sdp::MediaSection& m, std::uint32_t ssrc, const std::string& cname,
              const std::string& msid) {
  m.ssrcs.push_back({ssrc, {{"cname", cname}, {"msid", msid}}});
}

sdp::MediaSection offer_section(const BrowserOffer& offer, const BrowserTrack& track) {
  sdp::MediaSection m;
  m.kind = track.kind;
  m.mid = track.mid;
  write_transport(m, offer.transport, sdp::Setup::actpass, false);
  m.direction = sdp::Direction::sendonly;
  m.rtcp_rsize = true;
  m.msids.push_back({offer.stream_id, track.track_id});
  const std::string msid = offer.stream_id + ' ' + track.track_id;
  if (track.kind == sdp::MediaKind::audio) {
    m.extmaps = {extmap(kBrowserAudioLevelId, sdp::ext::kAudioLevel),
                 extmap(kBrowserAbsSendTimeId, sdp::ext::kAbsSendTime),
                 extmap(kBrowserTransportCcId, sdp::ext::kTransportCc),
                 extmap(kBrowserMidId, sdp::ext::kMid)};
    m.codecs.push_back(codec(kBrowserOpusPayloadType, "opus", 48000, 2,
                             "minptime=10;useinbandfec=1", {{"transport-cc", ""}}));
    add_ssrc(m, track.ssrc, offer.cname, msid);
  } else {
    m.extmaps = {extmap(kBrowserAbsSendTimeId, sdp::ext::kAbsSendTime),
                 extmap(kBrowserVideoOrientationId, sdp::ext::kVideoOrientation),
                 extmap(kBrowserTransportCcId, sdp::ext::kTransportCc),
                 extmap(kBrowserMidId, sdp::ext::kMid)};
    m.codecs.push_back(codec(
        kBrowserVp8PayloadType, "VP8", 90000, std::nullopt, "",
        {{"goog-remb", ""}, {"transport-cc", ""}, {"ccm", "fir"}, {"nack", ""}, {"nack", "pli"}}));
    m.codecs.push_back(codec(kBrowserVp8RtxPayloadType, "rtx", 90000, std::nullopt,
                             "apt=" + std::to_string(kBrowserVp8PayloadType), {}));
    m.ssrc_groups.push_back({"FID", {track.ssrc, track.rtx_ssrc}});
    add_ssrc(m, track.ssrc, offer.cname, msid);
    add_ssrc(m, track.rtx_ssrc, offer.cname, msid);
  }
  for (const auto& c : m.codecs) m.payload_types.push_back(c.pt);
  return m;
}

sdp::SessionDescription skeleton(const std::string& session_id, std::uint64_t version) {
  sdp::SessionDescription sd;
  sd.origin = sdp::Origin{"-", session_id, version, "IN", "IP4", "127.0.0.1"};
  sd.timings = {sdp::Timing{}};
  sd.extmap_allow_mixed = true;
  return sd;
}

// Chromium's answer to a section offered with port 0: port 0, the transport lines,
// a=inactive and the offered codecs' rtpmaps only.
sdp::MediaSection rejected_answer(const sdp::MediaSection& offered, const BrowserTransport& t) {
  sdp::MediaSection m;
  m.kind = offered.kind;
  m.other_kind = offered.other_kind;
  m.proto = offered.proto;
  m.mid = offered.mid;
  write_transport(m, t, sdp::Setup::active, true);
  m.direction = sdp::Direction::inactive;
  for (const auto& c : offered.codecs) {
    m.codecs.push_back(codec(c.pt, c.name, c.clock_rate, c.channels, "", {}));
    m.payload_types.push_back(c.pt);
  }
  if (m.payload_types.empty()) m.payload_types = offered.payload_types;
  if (!offered.is_rtp()) m.formats = offered.formats;
  return m;
}

}  // namespace

sdp::SessionDescription make_browser_offer(const BrowserOffer& offer) {
  sdp::SessionDescription sd = skeleton(offer.session_id, offer.session_version);
  sdp::Group bundle{"BUNDLE", {}};
  for (const auto& track : offer.tracks) {
    sd.media.push_back(offer_section(offer, track));
    bundle.mids.push_back(track.mid);
  }
  sd.groups.push_back(std::move(bundle));
  sd.msid_semantic = sdp::MsidSemantic{"WMS", {offer.stream_id}};
  return sd;
}

std::optional<sdp::SessionDescription> make_browser_answer(const sdp::SessionDescription& offer,
                                                           const BrowserTransport& transport,
                                                           std::string* error) {
  if (offer.media.empty()) {
    set_error(error, "offer has no m-section");
    return std::nullopt;
  }
  sdp::SessionDescription sd =
      skeleton(offer.origin.session_id.empty() ? "1" : offer.origin.session_id,
               offer.origin.session_version);
  sd.msid_semantic = sdp::MsidSemantic{"WMS", {}};
  sdp::Group bundle{"BUNDLE", {}};
  for (const auto& m : offer.media) {
    if (m.mid.empty()) {
      set_error(error, "offered m-section without a=mid");
      return std::nullopt;
    }
    if (m.port == 0) {
      sd.media.push_back(rejected_answer(m, transport));
      continue;
    }
    const auto dir = m.effective_direction();
    if (dir != sdp::Direction::sendonly && dir != sdp::Direction::inactive) {
      set_error(error, "mid " + m.mid + ": offered " + sdp::to_string(dir) +
                           ", a receive-only client expects sendonly or inactive");
      return std::nullopt;
    }
    sdp::MediaSection a;
    a.kind = m.kind;
    a.proto = m.proto;
    a.mid = m.mid;
    write_transport(a, transport, sdp::Setup::active, false);
    a.direction =
        dir == sdp::Direction::sendonly ? sdp::Direction::recvonly : sdp::Direction::inactive;
    a.rtcp_rsize = m.rtcp_rsize;
    a.extmaps = m.extmaps;  // an answer keeps the offerer's ids
    a.payload_types = m.payload_types;
    a.codecs = m.codecs;
    a.rtcp_fb_all = m.rtcp_fb_all;
    bundle.mids.push_back(a.mid);
    sd.media.push_back(std::move(a));
  }
  if (bundle.mids.empty()) {
    set_error(error, "offer has no m-section with a port");
    return std::nullopt;
  }
  sd.groups.push_back(std::move(bundle));
  return sd;
}

std::optional<WebRtcClientRemote> sfu_remote_from_sdp(const sdp::SessionDescription& sd,
                                                      std::string* error) {
  for (const auto& m : sd.media) {
    if (m.port == 0) continue;
    WebRtcClientRemote remote;
    remote.ice_ufrag = std::string(sdp::ice_ufrag(sd, m));
    remote.ice_pwd = std::string(sdp::ice_pwd(sd, m));
    const auto& fps = sdp::fingerprints(sd, m);
    if (remote.ice_ufrag.empty() || remote.ice_pwd.empty() || fps.empty()) {
      set_error(error, "mid " + m.mid + ": no ICE credentials or fingerprint");
      return std::nullopt;
    }
    remote.fingerprint = fps.front().algorithm + ' ' + fps.front().value;
    for (const auto& c : m.candidates) {
      if (c.component != 1 || !sdp::text::iequals(c.transport, "udp")) continue;
      if (auto address = WebRtcClientRemote::address_from_candidate(sdp::format_candidate(c))) {
        remote.address = *address;
        return remote;
      }
    }
    set_error(error, "mid " + m.mid + ": no UDP host candidate with an IP address");
    return std::nullopt;
  }
  set_error(error, "no m-section with a port");
  return std::nullopt;
}

}  // namespace haven::sfu
