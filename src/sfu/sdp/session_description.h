// Data model of the SDP subset WebRTC uses (RFC 8866 syntax, RFC 8829 JSEP). Plain structs
// with owning strings so a parsed offer outlives its text and the SFU can build answers by
// filling them in. parse_sdp() (parser.h) fills them, write_sdp() (writer.h) serialises them.
//
// Round-trip contract: for any text x that parses, parse(write(parse(x))) == parse(x) with
// the defaulted operator== below (the `sdp` fuzz target checks it). To keep that true the
// model is lossless for everything the parser accepts: attributes it does not interpret stay
// in `attributes` as name/value, and other line types (i=, u=, k=, ...) in `extra_lines`.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace haven::sfu::sdp {

// Hard limits: anything bigger is rejected before it can cost memory or time.
inline constexpr std::size_t kMaxSdpSize = 64 * 1024;     // whole description, bytes
inline constexpr std::size_t kMaxMediaSections = 64;      // m= lines
inline constexpr std::size_t kMaxLineLength = 4 * 1024;   // one line without CRLF
inline constexpr std::size_t kMaxCodecsPerSection = 128;  // formats on one m= line

// An attribute the parser does not interpret ("a=name" or "a=name:value"), kept verbatim.
struct Attribute {
  std::string name;
  std::optional<std::string> value;  // nullopt: a property attribute without ':'
  bool operator==(const Attribute&) const = default;
};

// A line other than v/o/s/c/b/t/m/a (i=, u=, e=, p=, r=, z=, k=): its type letter and
// the text after '='. The writer emits them at their RFC 8866 §5 position.
struct ExtraLine {
  char type = 'i';
  std::string value;
  bool operator==(const ExtraLine&) const = default;
};

// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (RFC 8866
// §5.2). JSEP (RFC 8829 §5.2.1) wants a random 63-bit id and a version that increments
// with every new description of the same session.
struct Origin {
  std::string username = "-";
  std::string session_id = "0";
  std::uint64_t session_version = 0;
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  std::string address = "127.0.0.1";
  bool operator==(const Origin&) const = default;
};

// c=<nettype> <addrtype> <connection-address> (RFC 8866 §5.7).
struct Connection {
  std::string net_type = "IN";
  std::string addr_type = "IP4";
  std::string address = "0.0.0.0";
  bool operator==(const Connection&) const = default;
};

// b=<bwtype>:<bandwidth> (RFC 8866 §5.8), e.g. AS (kbit/s) or TIAS (bit/s, RFC 3890).
struct Bandwidth {
  std::string type;
  std::uint64_t value = 0;
  bool operator==(const Bandwidth&) const = default;
};

// t=<start-time> <stop-time>; WebRTC always sends "t=0 0".
struct Timing {
  std::uint64_t start = 0;
  std::uint64_t stop = 0;
  bool operator==(const Timing&) const = default;
};

// a=group:<semantics> <mid>... (RFC 5888); BUNDLE per RFC 8843 §7.
struct Group {
  std::string semantics;
  std::vector<std::string> mids;
  bool operator==(const Group&) const = default;
};

// a=msid-semantic: WMS <stream-id>... (pre-RFC 8830 Chrome/Janus convention, still sent).
struct MsidSemantic {
  std::string semantic = "WMS";
  std::vector<std::string> stream_ids;
  bool operator==(const MsidSemantic&) const = default;
};

// a=fingerprint:<hash-func> <hex:hex:...> (RFC 8122 §5). Validated as colon-separated
// hex bytes; compare case-insensitively (see fingerprint_bytes() in queries.h).
struct Fingerprint {
  std::string algorithm;  // "sha-256"
  std::string value;      // "A2:BB:..."
  bool operator==(const Fingerprint&) const = default;
};

// a=setup (RFC 4145 §4, RFC 8842 for DTLS).
enum class Setup : std::uint8_t { actpass, active, passive, holdconn };

// a=sendrecv / sendonly / recvonly / inactive (RFC 8866 §6.7); absent means sendrecv.
enum class Direction : std::uint8_t { sendrecv, sendonly, recvonly, inactive };

// a=extmap:<id>[/<direction>] <uri> [<extension attributes>] (RFC 8285 §8).
struct Extmap {
  std::uint16_t id = 0;  // 1-14 one-byte, 1-255 two-byte header form
  std::optional<Direction> direction;
  std::string uri;
  std::string attributes;  // rest of the line after the URI, usually empty
  bool operator==(const Extmap&) const = default;
};

// a=rtcp-fb:<pt> <type> [<parameters>] (RFC 4585 §4.2), e.g. {"nack","pli"}, {"ccm","fir"}.
struct RtcpFeedback {
  std::string type;
  std::string parameter;  // empty if none
  bool operator==(const RtcpFeedback&) const = default;
};

// One payload type of an RTP m-section: a=rtpmap + a=fmtp + a=rtcp-fb lines for it.
struct Codec {
  std::uint8_t pt = 0;
  std::string name;  // encoding name as written ("opus", "VP8", "rtx"); empty if no rtpmap
  std::uint32_t clock_rate = 0;
  std::optional<std::uint16_t> channels;  // "opus/48000/2" -> 2; absent means 1
  std::string fmtp;                       // a=fmtp text after the PT, verbatim (trimmed)
  // fmtp split at ';' then at the first '=': ordered, keys as written ("111/111" for RED
  // has an empty value). Derived from `fmtp` by the parser; the writer emits `fmtp`.
  std::vector<std::pair<std::string, std::string>> fmtp_params;
  std::vector<RtcpFeedback> rtcp_fb;
  bool operator==(const Codec&) const = default;
};

// a=msid:<stream-id> [<track-id>] (RFC 8830 §2). Chrome sends "-" for "no stream".
struct Msid {
  std::string stream_id;
  std::string track_id;  // empty if absent
  bool operator==(const Msid&) const = default;
};

// a=ssrc:<ssrc> <attribute>[:<value>] (RFC 5576 §4.1); one entry per SSRC, attributes
// in order of appearance (cname, msid, ...).
struct SsrcAttribute {
  std::string name;
  std::optional<std::string> value;
  bool operator==(const SsrcAttribute&) const = default;
};
struct Ssrc {
  std::uint32_t ssrc = 0;
  std::vector<SsrcAttribute> attributes;
  bool operator==(const Ssrc&) const = default;
};

// a=ssrc-group:<semantics> <ssrc>... (RFC 5576 §4.2): FID = primary then RTX (RFC 4588),
// SIM = simulcast layers low to high (Chrome's non-RID simulcast), FEC-FR.
struct SsrcGroup {
  std::string semantics;
  std::vector<std::uint32_t> ssrcs;
  bool operator==(const SsrcGroup&) const = default;
};

// a=rid:<id> <send|recv> [<params>] (RFC 8851 §4), params like pt=96;max-width=1280.
enum class RidDirection : std::uint8_t { send, recv };
struct Rid {
  std::string id;
  RidDirection direction = RidDirection::send;
  std::vector<std::pair<std::string, std::string>> params;
  bool operator==(const Rid&) const = default;
};

// a=simulcast:send <list> recv <list> (RFC 8853 §5.1). Each list: streams separated by
// ';', alternatives of one stream by ','; '~' marks a paused rid.
struct SimulcastRid {
  std::string rid;
  bool paused = false;
  bool operator==(const SimulcastRid&) const = default;
};
using SimulcastList = std::vector<std::vector<SimulcastRid>>;
struct Simulcast {
  SimulcastList send;
  SimulcastList recv;
  bool operator==(const Simulcast&) const = default;
};

// a=candidate (RFC 8839 §5.1). `raw` is the text after "candidate:" as received; the
// writer emits it verbatim when non-empty, else formats the fields (format_candidate() in
// candidate.h). Code that builds or edits a candidate must leave `raw` empty.
struct Candidate {
  std::string foundation;
  std::uint16_t component = 1;
  std::string transport = "udp";  // "udp"/"tcp" as written (case-insensitive)
  std::uint32_t priority = 0;
  std::string address;  // IP literal or FQDN (mDNS "<uuid>.local")
  std::uint16_t port = 0;
  std::string type = "host";  // host, srflx, prflx, relay
  std::string related_address;
  std::optional<std::uint16_t> related_port;
  std::string tcp_type;  // "active"/"passive"/"so" for TCP candidates
  // Remaining name/value pairs in order (generation, network-id, network-cost, ufrag...).
  std::vector<std::pair<std::string, std::string>> extensions;
  std::string raw;
  bool operator==(const Candidate&) const = default;
};

enum class MediaKind : std::uint8_t { audio, video, application, other };

struct MediaSection {
  MediaKind kind = MediaKind::audio;
  std::string other_kind;  // the m= media token when kind == other ("text", "message")
  std::uint16_t port = 9;  // 9 = discard port, JSEP's placeholder; 0 = rejected section
  std::optional<std::uint16_t> port_count;  // "m=... 9/2 ..." (never used by WebRTC)
  std::string proto = "UDP/TLS/RTP/SAVPF";
  // RTP protos (proto contains "RTP/"): payload types in m= line order (preference order).
  std::vector<std::uint8_t> payload_types;
  // Non-RTP protos: the m= line formats ("webrtc-datachannel").
  std::vector<std::string> formats;
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;
  std::vector<ExtraLine> extra_lines;  // i=, k=

  std::string mid;  // a=mid (RFC 5888); empty if absent
  std::optional<Direction> direction;
  std::string ice_ufrag;  // empty if absent (then the session level applies)
  std::string ice_pwd;
  std::vector<std::string> ice_options;  // "trickle", "renomination"
  std::vector<Fingerprint> fingerprints;
  std::optional<Setup> setup;
  bool rtcp_mux = false;
  bool rtcp_rsize = false;
  bool extmap_allow_mixed = false;
  // Codecs for payload types listed on the m= line, in that order. Attributes for payload
  // types the m= line does not list are ignored (RFC 8866 §6.6).
  std::vector<Codec> codecs;
  std::vector<RtcpFeedback> rtcp_fb_all;  // a=rtcp-fb:* ... (applies to every codec)
  std::vector<Extmap> extmaps;
  std::vector<Msid> msids;
  std::vector<Ssrc> ssrcs;
  std::vector<SsrcGroup> ssrc_groups;
  std::vector<Rid> rids;
  std::optional<Simulcast> simulcast;
  std::vector<Candidate> candidates;
  bool end_of_candidates = false;
  std::vector<Attribute> attributes;  // everything else, in order (a=rtcp, a=sctp-port, ...)

  bool is_rtp() const;  // proto carries RTP ("RTP/AVP", "UDP/TLS/RTP/SAVPF", ...)
  Direction effective_direction() const { return direction.value_or(Direction::sendrecv); }
  bool operator==(const MediaSection&) const = default;
};

struct SessionDescription {
  Origin origin;
  std::string session_name = "-";
  std::optional<Connection> connection;
  std::vector<Bandwidth> bandwidths;
  std::vector<Timing> timings{Timing{}};
  std::vector<ExtraLine> extra_lines;  // i=, u=, e=, p=, r=, z=, k=

  std::vector<Group> groups;  // a=group:BUNDLE ... first in practice
  bool ice_lite = false;
  std::string ice_ufrag;  // session-level defaults for the media sections (RFC 8839 §5.4)
  std::string ice_pwd;
  std::vector<std::string> ice_options;
  std::vector<Fingerprint> fingerprints;
  std::optional<Setup> setup;
  std::optional<MsidSemantic> msid_semantic;
  bool extmap_allow_mixed = false;  // RFC 8285 §6
  std::vector<Extmap> extmaps;
  std::vector<Attribute> attributes;  // uninterpreted session attributes, in order

  std::vector<MediaSection> media;

  bool operator==(const SessionDescription&) const = default;
};

// Text forms used by the parser and writer ("sendrecv", "actpass", "audio").
const char* to_string(Direction d);
const char* to_string(Setup s);
const char* to_string(MediaKind k);
std::optional<Direction> direction_from_string(std::string_view s);
std::optional<Setup> setup_from_string(std::string_view s);

}  // namespace haven::sfu::sdp
