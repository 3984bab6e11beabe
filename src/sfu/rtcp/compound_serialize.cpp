// Serializing half of compound.h. Each writer appends header + body; serialize_packet
// patches the length field afterwards and rolls back on failure.
#include <cstring>

#include "sfu/rtcp/byte_writer.h"
#include "sfu/rtcp/compound.h"
#include "sfu/rtcp/feedback_codec.h"

namespace haven::sfu::rtcp {
namespace {

constexpr std::size_t kMaxCount = 31;  // 5-bit RC/SC field

void header(ByteWriter& w, std::size_t count_or_fmt, std::uint8_t type) {
  w.u8(static_cast<std::uint8_t>(0x80 | count_or_fmt));
  w.u8(type);
  w.u16(0);  // length, patched by serialize_packet
}

void report_blocks(ByteWriter& w, const std::vector<ReportBlock>& blocks) {
  for (const auto& b : blocks) {
    w.u32(b.ssrc);
    w.u8(b.fraction_lost);
    // Clamp to the 24-bit signed range (RFC 3550 A.3 does the same for its counter).
    std::int32_t lost = b.cumulative_lost;
    if (lost > 0x7FFFFF) lost = 0x7FFFFF;
    if (lost < -0x800000) lost = -0x800000;
    w.u24(static_cast<std::uint32_t>(lost) & 0xFFFFFF);
    w.u32(b.extended_highest_seq);
    w.u32(b.jitter);
    w.u32(b.lsr);
    w.u32(b.dlsr);
  }
}

bool write(ByteWriter& w, const SenderReport& sr) {
  if (sr.reports.size() > kMaxCount) return false;
  header(w, sr.reports.size(), kPtSenderReport);
  w.u32(sr.ssrc);
  w.u64(sr.ntp_timestamp);
  w.u32(sr.rtp_timestamp);
  w.u32(sr.packet_count);
  w.u32(sr.octet_count);
  report_blocks(w, sr.reports);
  return true;
}

bool write(ByteWriter& w, const ReceiverReport& rr) {
  if (rr.reports.size() > kMaxCount) return false;
  header(w, rr.reports.size(), kPtReceiverReport);
  w.u32(rr.ssrc);
  report_blocks(w, rr.reports);
  return true;
}

bool write(ByteWriter& w, const Sdes& sdes) {
  if (sdes.chunks.size() > kMaxCount) return false;
  const std::size_t origin = w.size();
  header(w, sdes.chunks.size(), kPtSdes);
  for (const auto& chunk : sdes.chunks) {
    w.u32(chunk.ssrc);
    for (const auto& item : chunk.items) {
      if (item.type == 0 || item.value.size() > 255) return false;
      w.u8(item.type);
      w.u8(static_cast<std::uint8_t>(item.value.size()));
      w.bytes({reinterpret_cast<const std::uint8_t*>(item.value.data()), item.value.size()});
    }
    w.u8(0);  // end of item list, then pad to 32 bits (§6.5)
    w.pad32(origin);
  }
  return true;
}

bool write(ByteWriter& w, const Bye& bye) {
  if (bye.ssrcs.size() > kMaxCount || bye.reason.size() > 255) return false;
  const std::size_t origin = w.size();
  header(w, bye.ssrcs.size(), kPtBye);
  for (std::uint32_t ssrc : bye.ssrcs) w.u32(ssrc);
  if (!bye.reason.empty()) {
    w.u8(static_cast<std::uint8_t>(bye.reason.size()));
    w.bytes({reinterpret_cast<const std::uint8_t*>(bye.reason.data()), bye.reason.size()});
    w.pad32(origin);
  }
  return true;
}

bool write(ByteWriter& w, const Pli& pli) {
  header(w, kFmtPli, kPtPayloadFeedback);
  w.u32(pli.sender_ssrc);
  w.u32(pli.media_ssrc);
  return true;
}

bool write(ByteWriter& w, const Fir& fir) {
  if (fir.entries.empty()) return false;
  header(w, kFmtFir, kPtPayloadFeedback);
  w.u32(fir.sender_ssrc);
  w.u32(0);  // RFC 5104 §4.3.1.2: media source SSRC unused, set to 0
  for (const auto& e : fir.entries) {
    w.u32(e.ssrc);
    w.u8(e.seq_nr);
    w.u24(0);  // reserved
  }
  return true;
}

bool write(ByteWriter& w, const Nack& nack) {
  if (nack.seqs.empty()) return false;
  header(w, kFmtNack, kPtRtpFeedback);
  w.u32(nack.sender_ssrc);
  w.u32(nack.media_ssrc);
  for (const auto& item : pack_nack(nack.seqs)) {
    w.u16(item.pid);
    w.u16(item.blp);
  }
  return true;
}

bool write(ByteWriter& w, const Remb& remb) {
  if (remb.ssrcs.size() > 255) return false;
  header(w, kFmtAfb, kPtPayloadFeedback);
  w.u32(remb.sender_ssrc);
  w.u32(0);  // draft-alvestrand-rmcat-remb §2.2: media source SSRC is 0
  w.bytes({reinterpret_cast<const std::uint8_t*>("REMB"), 4});
  w.u8(static_cast<std::uint8_t>(remb.ssrcs.size()));
  const RembBitrate br = encode_remb_bitrate(remb.bitrate_bps);
  w.u24((std::uint32_t{br.exponent} << 18) | br.mantissa);
  for (std::uint32_t ssrc : remb.ssrcs) w.u32(ssrc);
  return true;
}

bool write(ByteWriter& w, const TransportFeedback& fb) {
  header(w, kTransportFeedbackFmt, kPtRtpFeedback);
  std::vector<std::uint8_t> body;
  if (!serialize_transport_feedback(fb, body)) return false;
  w.bytes(body);
  return true;
}

}  // namespace

bool serialize_packet(const Packet& packet, std::vector<std::uint8_t>& out) {
  const std::size_t start = out.size();
  ByteWriter w(out);
  const bool ok = std::visit([&](const auto& p) { return write(w, p); }, packet);
  const std::size_t size = out.size() - start;
  if (!ok || size % 4 != 0 || size / 4 - 1 > 0xFFFF) {
    out.resize(start);
    return false;
  }
  w.patch16(start + 2, static_cast<std::uint16_t>(size / 4 - 1));
  return true;
}

std::optional<std::vector<std::uint8_t>> serialize_compound(const CompoundPacket& packets) {
  std::vector<std::uint8_t> out;
  for (const auto& p : packets) {
    if (!serialize_packet(p, out)) return std::nullopt;
  }
  return out;
}

std::size_t serialize_compound(const CompoundPacket& packets, std::span<std::uint8_t> out) {
  auto bytes = serialize_compound(packets);
  if (!bytes || bytes->size() > out.size()) return 0;
  if (!bytes->empty()) std::memcpy(out.data(), bytes->data(), bytes->size());
  return bytes->size();
}

}  // namespace haven::sfu::rtcp
