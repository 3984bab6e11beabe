// The RTCP packets the SFU reads and writes, as plain values. RTCP is terminated per leg
// (interop notes §5): the SFU parses what each peer sends, acts on it, and builds its own
// SR/RR/SDES/feedback; nothing is forwarded byte for byte. Wire formats: RFC 3550 §6.4–6.6
// (SR, RR, SDES, BYE), RFC 4585 §6.2.1/§6.3.1 (Generic NACK, PLI), RFC 5104 §4.3.1 (FIR),
// draft-alvestrand-rmcat-remb-03 §2.2 (REMB) and transport_feedback.h (TWCC).
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "sfu/rtcp/transport_feedback.h"

namespace haven::sfu::rtcp {

// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1).
inline constexpr std::uint8_t kPtSenderReport = 200;
inline constexpr std::uint8_t kPtReceiverReport = 201;
inline constexpr std::uint8_t kPtSdes = 202;
inline constexpr std::uint8_t kPtBye = 203;
inline constexpr std::uint8_t kPtApp = 204;
inline constexpr std::uint8_t kPtRtpFeedback = 205;
inline constexpr std::uint8_t kPtPayloadFeedback = 206;

// Feedback message types (FMT).
inline constexpr std::uint8_t kFmtNack = 1;  // RTPFB
inline constexpr std::uint8_t kFmtPli = 1;   // PSFB
inline constexpr std::uint8_t kFmtFir = 4;   // PSFB
inline constexpr std::uint8_t kFmtAfb = 15;  // PSFB application layer (REMB)

inline constexpr std::uint8_t kSdesCname = 1;  // RFC 3550 §6.5.1

// RFC 3550 §6.4.1 report block.
struct ReportBlock {
  std::uint32_t ssrc = 0;
  std::uint8_t fraction_lost = 0;    // 8-bit fixed point, lost/expected * 256
  std::int32_t cumulative_lost = 0;  // 24-bit signed on the wire (may go negative)
  std::uint32_t extended_highest_seq = 0;
  std::uint32_t jitter = 0;  // RTP timestamp units
  std::uint32_t lsr = 0;     // compact NTP of the last SR received, 0 if none
  std::uint32_t dlsr = 0;    // 1/65536 s since that SR
  bool operator==(const ReportBlock&) const = default;
};

struct SenderReport {
  std::uint32_t ssrc = 0;
  std::uint64_t ntp_timestamp = 0;  // 32.32 fixed point, see ntp_time.h
  std::uint32_t rtp_timestamp = 0;
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;
  std::vector<ReportBlock> reports;  // at most 31
  bool operator==(const SenderReport&) const = default;
};

struct ReceiverReport {
  std::uint32_t ssrc = 0;
  std::vector<ReportBlock> reports;  // at most 31
  bool operator==(const ReceiverReport&) const = default;
};

struct SdesItem {
  std::uint8_t type = kSdesCname;  // 1..255 (0 terminates the list on the wire)
  std::string value;               // at most 255 bytes
  bool operator==(const SdesItem&) const = default;
};

struct SdesChunk {
  std::uint32_t ssrc = 0;
  std::vector<SdesItem> items;
  bool operator==(const SdesChunk&) const = default;
};

struct Sdes {
  std::vector<SdesChunk> chunks;  // at most 31
  bool operator==(const Sdes&) const = default;
};

struct Bye {
  std::vector<std::uint32_t> ssrcs;  // at most 31
  std::string reason;                // at most 255 bytes, empty = absent
  bool operator==(const Bye&) const = default;
};

// Picture Loss Indication: the media sender should send a key frame.
struct Pli {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  bool operator==(const Pli&) const = default;
};

struct FirEntry {
  std::uint32_t ssrc = 0;
  std::uint8_t seq_nr = 0;  // incremented per new request (RFC 5104 §4.3.1.1)
  bool operator==(const FirEntry&) const = default;
};

// Full Intra Request; the common header's media SSRC is 0 and the targets are in entries.
struct Fir {
  std::uint32_t sender_ssrc = 0;
  std::vector<FirEntry> entries;
  bool operator==(const Fir&) const = default;
};

// Generic NACK as the list of lost sequence numbers (PID/BLP packing is a wire detail).
struct Nack {
  std::uint32_t sender_ssrc = 0;
  std::uint32_t media_ssrc = 0;
  std::vector<std::uint16_t> seqs;
  bool operator==(const Nack&) const = default;
};

// Receiver Estimated Maximum Bitrate (PSFB FMT 15, "REMB").
struct Remb {
  std::uint32_t sender_ssrc = 0;
  std::uint64_t bitrate_bps = 0;     // sent as 18-bit mantissa << 6-bit exponent (rounded down)
  std::vector<std::uint32_t> ssrcs;  // at most 255
  bool operator==(const Remb&) const = default;
};

using Packet =
    std::variant<SenderReport, ReceiverReport, Sdes, Bye, Pli, Fir, Nack, Remb, TransportFeedback>;
using CompoundPacket = std::vector<Packet>;

}  // namespace haven::sfu::rtcp
