// Parsing half of compound.h. Each parse_* takes the packet body (after the 4-byte common
// header, padding removed) and the 5-bit count/FMT field.
#include <cstring>

#include "sfu/limits.h"
#include "sfu/rtcp/compound.h"
#include "sfu/rtcp/feedback_codec.h"
#include "sfu/rtp/byte_order.h"

namespace haven::sfu::rtcp {
namespace {

using Body = std::span<const std::uint8_t>;
constexpr std::size_t kReportBlockSize = 24;

ReportBlock parse_report_block(const std::uint8_t* p) noexcept {
  ReportBlock b;
  b.ssrc = load_be32(p);
  b.fraction_lost = p[4];
  const std::uint32_t lost = load_be24(p + 5);
  // 24-bit two's complement (RFC 3550 §6.4.1: "signed").
  b.cumulative_lost = (lost & 0x800000) ? static_cast<std::int32_t>(lost) - 0x1000000
                                        : static_cast<std::int32_t>(lost);
  b.extended_highest_seq = load_be32(p + 8);
  b.jitter = load_be32(p + 12);
  b.lsr = load_be32(p + 16);
  b.dlsr = load_be32(p + 20);
  return b;
}

bool parse_report_blocks(Body body, std::size_t at, std::size_t count,
                         std::vector<ReportBlock>& out) {
  if (at + count * kReportBlockSize > body.size()) return false;
  out.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    out.push_back(parse_report_block(&body[at + i * kReportBlockSize]));
  }
  return true;
}

std::optional<Packet> parse_sr(Body body, std::size_t count) {
  if (body.size() < 24) return std::nullopt;
  SenderReport sr;
  sr.ssrc = load_be32(&body[0]);
  sr.ntp_timestamp = load_be64(&body[4]);
  sr.rtp_timestamp = load_be32(&body[12]);
  sr.packet_count = load_be32(&body[16]);
  sr.octet_count = load_be32(&body[20]);
  if (!parse_report_blocks(body, 24, count, sr.reports)) return std::nullopt;
  return sr;
}

std::optional<Packet> parse_rr(Body body, std::size_t count) {
  if (body.size() < 4) return std::nullopt;
  ReceiverReport rr;
  rr.ssrc = load_be32(&body[0]);
  if (!parse_report_blocks(body, 4, count, rr.reports)) return std::nullopt;
  return rr;
}

// RFC 3550 §6.5: chunks of SSRC + items, each chunk's item list ended by one or more null
// octets up to the next 32-bit boundary.
std::optional<Packet> parse_sdes(Body body, std::size_t count) {
  Sdes sdes;
  std::size_t pos = 0;
  for (std::size_t c = 0; c < count; ++c) {
    if (pos + 4 > body.size()) return std::nullopt;
    SdesChunk chunk;
    chunk.ssrc = load_be32(&body[pos]);
    pos += 4;
    for (;;) {
      if (pos >= body.size()) return std::nullopt;  // no terminating null octet
      const std::uint8_t type = body[pos];
      if (type == 0) break;
      if (pos + 2 > body.size()) return std::nullopt;
      const std::size_t length = body[pos + 1];
      if (pos + 2 + length > body.size()) return std::nullopt;
      chunk.items.push_back(
          {type, std::string(reinterpret_cast<const char*>(&body[pos + 2]), length)});
      pos += 2 + length;
    }
    pos = (pos + 4) / 4 * 4;  // past the null octet(s), to the next chunk's boundary
    if (pos > body.size()) return std::nullopt;
    sdes.chunks.push_back(std::move(chunk));
  }
  return sdes;
}

std::optional<Packet> parse_bye(Body body, std::size_t count) {
  if (count * 4 > body.size()) return std::nullopt;
  Bye bye;
  for (std::size_t i = 0; i < count; ++i) bye.ssrcs.push_back(load_be32(&body[4 * i]));
  const std::size_t at = count * 4;
  if (at < body.size()) {  // optional reason: length octet + text (§6.6)
    const std::size_t length = body[at];
    if (at + 1 + length > body.size()) return std::nullopt;
    bye.reason.assign(reinterpret_cast<const char*>(&body[at + 1]), length);
  }
  return bye;
}

// RTPFB / PSFB common part: sender SSRC, media SSRC, FCI (RFC 4585 §6.1).
std::optional<Packet> parse_rtpfb(Body body, std::size_t fmt, bool& skipped) {
  if (fmt != kFmtNack && fmt != kTransportFeedbackFmt) {
    skipped = true;  // TMMBR/TMMBN, RAMS, ...: not used by the SFU
    return std::nullopt;
  }
  if (body.size() < 8) return std::nullopt;
  const std::uint32_t sender = load_be32(&body[0]);
  const std::uint32_t media = load_be32(&body[4]);
  if (fmt == kFmtNack) {
    const Body fci = body.subspan(8);
    if (fci.empty() || fci.size() % 4 != 0) return std::nullopt;
    Nack nack{sender, media, {}};
    for (std::size_t i = 0; i < fci.size(); i += 4) {
      unpack_nack({load_be16(&fci[i]), load_be16(&fci[i + 2])}, nack.seqs);
    }
    return nack;
  }
  auto fb = parse_transport_feedback(body);
  if (!fb) return std::nullopt;
  return std::move(*fb);
}

bool is_remb(Body body) noexcept {
  return body.size() >= 16 && std::memcmp(&body[8], "REMB", 4) == 0;
}

std::optional<Packet> parse_psfb(Body body, std::size_t fmt, bool& skipped) {
  if (fmt != kFmtPli && fmt != kFmtFir && !(fmt == kFmtAfb && is_remb(body))) {
    skipped = true;  // SLI, RPSI, other application-layer feedback: not used by the SFU
    return std::nullopt;
  }
  if (body.size() < 8) return std::nullopt;
  const std::uint32_t sender = load_be32(&body[0]);
  const std::uint32_t media = load_be32(&body[4]);
  const Body fci = body.subspan(8);
  if (fmt == kFmtPli) return Pli{sender, media};
  if (fmt == kFmtFir) {
    if (fci.empty() || fci.size() % 8 != 0) return std::nullopt;
    Fir fir{sender, {}};
    for (std::size_t i = 0; i < fci.size(); i += 8) {
      fir.entries.push_back({load_be32(&fci[i]), fci[i + 4]});
    }
    return fir;
  }
  // REMB FCI: "REMB", num SSRC (8), BR exp (6), BR mantissa (18), SSRC feedback list.
  const std::size_t ssrcs = fci[4];
  if (8 + 4 * ssrcs > fci.size()) return std::nullopt;
  Remb remb;
  remb.sender_ssrc = sender;
  remb.bitrate_bps =
      decode_remb_bitrate({static_cast<std::uint8_t>(fci[5] >> 2), load_be24(&fci[5]) & 0x3FFFF});
  for (std::size_t i = 0; i < ssrcs; ++i) remb.ssrcs.push_back(load_be32(&fci[8 + 4 * i]));
  return remb;
}

}  // namespace

std::optional<CompoundPacket> parse_compound(std::span<const std::uint8_t> datagram) {
  if (datagram.empty() || datagram.size() > kMaxDatagram) return std::nullopt;
  CompoundPacket packets;
  std::size_t pos = 0;
  while (pos < datagram.size()) {
    if (datagram.size() - pos < 4) return std::nullopt;
    const std::uint8_t* h = &datagram[pos];
    if ((h[0] >> 6) != 2) return std::nullopt;
    const bool padded = (h[0] & 0x20) != 0;
    const std::size_t count = h[0] & 0x1F;
    const std::uint8_t type = h[1];
    const std::size_t size = (std::size_t{load_be16(h + 2)} + 1) * 4;
    if (size > datagram.size() - pos) return std::nullopt;
    Body body = datagram.subspan(pos + 4, size - 4);
    if (padded) {
      // RFC 3550 §6.4.1: the last octet counts the padding, itself included.
      if (body.empty() || body.back() == 0 || body.back() > body.size()) return std::nullopt;
      body = body.first(body.size() - body.back());
    }
    pos += size;

    std::optional<Packet> packet;
    bool skipped = false;
    switch (type) {
      case kPtSenderReport:
        packet = parse_sr(body, count);
        break;
      case kPtReceiverReport:
        packet = parse_rr(body, count);
        break;
      case kPtSdes:
        packet = parse_sdes(body, count);
        break;
      case kPtBye:
        packet = parse_bye(body, count);
        break;
      case kPtRtpFeedback:
        packet = parse_rtpfb(body, count, skipped);
        break;
      case kPtPayloadFeedback:
        packet = parse_psfb(body, count, skipped);
        break;
      default:
        skipped = true;
        break;  // APP, XR and anything newer
    }
    if (skipped) continue;
    if (!packet) return std::nullopt;
    packets.push_back(std::move(*packet));
  }
  return packets;
}

}  // namespace haven::sfu::rtcp
