// Transport lines of Haven's SDP; see transport_info.h.
#include "sfu/negotiation/transport_info.h"

#include <arpa/inet.h>

#include <array>
#include <cstring>

#include "sfu/sdp/attributes.h"
#include "sfu/sdp/queries.h"
#include "util/secret_bytes.h"

namespace haven::sfu::negotiation {

namespace {

bool is_ipv6(const std::string& ip) {
  return ip.find(':') != std::string::npos;
}

bool is_ip_literal(const std::string& ip) {
  std::array<unsigned char, 16> buf{};
  return inet_pton(is_ipv6(ip) ? AF_INET6 : AF_INET, ip.c_str(), buf.data()) == 1;
}

void set_error(std::string* error, std::string message) {
  if (error) *error = std::move(message);
}

}  // namespace

std::string validate(const TransportInfo& local) {
  if (!sdp::is_valid_ice_ufrag(local.ice_ufrag)) return "local ice-ufrag is not 4-256 ice-chars";
  if (!sdp::is_valid_ice_pwd(local.ice_pwd)) return "local ice-pwd is not 22-256 ice-chars";
  auto fp = parse_fingerprint("sha-256 " + local.fingerprint_sha256);
  if (!fp) return "local fingerprint is not 32 hex bytes joined by ':'";
  if (!is_ip_literal(local.candidate_ip)) return "candidate address is not an IP literal";
  if (local.candidate_port == 0) return "candidate port is 0";
  return {};
}

sdp::Candidate host_candidate(const TransportInfo& local) {
  // Built by initialisation: GCC 12 -O3 misreports short literal assignments to std::string
  // (-Wstringop-overflow, GCC PR 105651). raw stays empty: the writer formats the fields.
  return sdp::Candidate{.foundation = "1",
                        .component = 1,
                        .transport = "udp",
                        .priority = kHostCandidatePriority,
                        .address = local.candidate_ip,
                        .port = local.candidate_port,
                        .type = "host"};
}

void write_local_transport(sdp::MediaSection& m, const TransportInfo& local, sdp::Setup setup,
                           bool rejected) {
  const bool v6 = is_ipv6(local.candidate_ip);
  m.port = rejected ? 0 : local.candidate_port;
  m.connection = sdp::Connection{"IN", v6 ? "IP6" : "IP4", local.candidate_ip};
  m.ice_ufrag = local.ice_ufrag;
  m.ice_pwd = local.ice_pwd;
  m.fingerprints = {sdp::Fingerprint{"sha-256", local.fingerprint_sha256}};
  m.setup = setup;
  m.candidates.clear();
  m.end_of_candidates = false;
  if (!m.is_rtp()) return;
  m.rtcp_mux = true;  // rtcpMuxPolicy "require" (rtcweb-wg/jsep#449)
  if (rejected) return;
  m.candidates.push_back(host_candidate(local));
  m.end_of_candidates = true;
}

sdp::SessionDescription session_skeleton(const std::string& session_id, std::uint64_t version,
                                         bool extmap_allow_mixed) {
  sdp::SessionDescription sd;
  sd.origin = sdp::Origin{"-", session_id, version, "IN", "IP4", "0.0.0.0"};
  // session_name keeps its "-" default (s=-, RFC 8829 §5.2.1).
  sd.timings = {sdp::Timing{}};
  sd.ice_lite = true;
  // "WMS *": every msid is a media stream (JG sdp.c, MSC RemoteSdp.ts emit the same).
  sd.msid_semantic = sdp::MsidSemantic{"WMS", {"*"}};
  sd.extmap_allow_mixed = extmap_allow_mixed;
  return sd;
}

std::string random_session_id() {
  auto bytes = random_bytes(8);
  std::uint64_t v = 0;
  std::memcpy(&v, bytes.data(), sizeof v);
  v &= 0x7fffffffffffffffULL;  // 63 bits so it stays positive for every SDP stack
  if (v == 0) v = 1;
  return std::to_string(v);
}

std::optional<RemoteTransport> read_remote_transport(const sdp::SessionDescription& sd,
                                                     const sdp::MediaSection& m,
                                                     std::string* error) {
  RemoteTransport out;
  out.ice_ufrag = std::string(sdp::ice_ufrag(sd, m));
  out.ice_pwd = std::string(sdp::ice_pwd(sd, m));
  if (!sdp::is_valid_ice_ufrag(out.ice_ufrag)) {
    set_error(error, "mid " + m.mid + ": missing or invalid a=ice-ufrag");
    return std::nullopt;
  }
  if (!sdp::is_valid_ice_pwd(out.ice_pwd)) {
    set_error(error, "mid " + m.mid + ": missing or invalid a=ice-pwd");
    return std::nullopt;
  }
  const auto& fps = sdp::fingerprints(sd, m);
  if (fps.empty()) {
    set_error(error, "mid " + m.mid + ": no a=fingerprint (DTLS cannot be authenticated)");
    return std::nullopt;
  }
  // Several fingerprints are allowed (RFC 8122 §5); take the first with a usable hash.
  for (const auto& fp : fps) {
    if (auto parsed = parse_fingerprint(fp.algorithm + " " + fp.value)) {
      out.fingerprint = *parsed;
      return out;
    }
  }
  set_error(error, "mid " + m.mid + ": no a=fingerprint with sha-256/384/512 and a valid digest");
  return std::nullopt;
}

std::optional<sdp::Setup> remote_setup(const sdp::SessionDescription& sd,
                                       const sdp::MediaSection& m) {
  return sdp::setup(sd, m);
}

}  // namespace haven::sfu::negotiation
