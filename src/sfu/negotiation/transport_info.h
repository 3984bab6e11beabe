// The transport half of Haven's SDP: what the SFU announces (ICE-lite credentials, its DTLS
// fingerprint, one UDP host candidate) and what it learns from the browser (ICE
// credentials, DTLS fingerprint). Shared by the SEND and RECV negotiators, which put the
// same lines in every m-section (shared/notes/sfu-interop.md §1, §4).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sfu/dtls/fingerprint.h"
#include "sfu/sdp/session_description.h"

namespace haven::sfu::negotiation {

// What the caller owns and the negotiators only write into SDP.
struct TransportInfo {
  std::string ice_ufrag;           // ice::IceCredentials::ufrag (4-256 ice-chars)
  std::string ice_pwd;             // ice::IceCredentials::pwd (22-256 ice-chars)
  std::string fingerprint_sha256;  // "AB:CD:..." (DtlsCertificate::fingerprint_sha256())
  std::string candidate_ip;        // announced address of the SFU's UDP socket (v4 or v6)
  std::uint16_t candidate_port = 0;
  bool operator==(const TransportInfo&) const = default;
};

// What the browser's description says about its end of the transport: feed ice_ufrag/pwd
// to the ICE-lite server (to check USERNAME's remote part) and the fingerprint to
// DtlsTransport::set_remote_fingerprint.
struct RemoteTransport {
  std::string ice_ufrag;
  std::string ice_pwd;
  Fingerprint fingerprint;  // sfu/dtls/fingerprint.h: algorithm + digest bytes
  bool operator==(const RemoteTransport&) const = default;
};

// Whether the caller's values can go into SDP: ICE syntax (RFC 8839 §5.4), a 32-byte
// sha-256 fingerprint, an IP literal and a non-zero port. Empty string = valid.
std::string validate(const TransportInfo& local);

// Host candidate priority for component 1 (RFC 8445 §5.1.2.1): type preference 126 (host),
// local preference 65535, 256 - component 1 = 255.
inline constexpr std::uint32_t kHostCandidatePriority = (126u << 24) | (65535u << 8) | 255u;

// The single host candidate "1 1 udp <prio> <ip> <port> typ host".
sdp::Candidate host_candidate(const TransportInfo& local);

// Writes the SFU's transport lines into one m-section: c= and the m= port from the
// candidate (RFC 8839 §4.2.1.1: default destination), ice-ufrag/pwd, fingerprint, setup,
// rtcp-mux, the candidate and end-of-candidates (RFC 8840 §5; a lite agent gathers
// nothing later). `rejected` sections get port 0 and no candidate.
void write_local_transport(sdp::MediaSection& m, const TransportInfo& local, sdp::Setup setup,
                           bool rejected = false);

// The session-level skeleton of every description the SFU writes: o= with the given id
// and version, s=-, t=0 0, a=ice-lite (RFC 8445 §6.1.1: the browser is then controlling),
// a=msid-semantic: WMS * and a=extmap-allow-mixed when asked.
sdp::SessionDescription session_skeleton(const std::string& session_id, std::uint64_t version,
                                         bool extmap_allow_mixed);

// A random 63-bit o= session id in decimal (JSEP RFC 8829 §5.2.1).
std::string random_session_id();

// Reads the browser's transport from `m` (falling back to session-level lines): valid
// ice-ufrag and ice-pwd, and a sha-256/384/512 fingerprint. nullopt with a reason in
// `error` otherwise.
std::optional<RemoteTransport> read_remote_transport(const sdp::SessionDescription& sd,
                                                     const sdp::MediaSection& m,
                                                     std::string* error);

// The DTLS role the browser states for `m`: session or media a=setup.
std::optional<sdp::Setup> remote_setup(const sdp::SessionDescription& sd,
                                       const sdp::MediaSection& m);

}  // namespace haven::sfu::negotiation
