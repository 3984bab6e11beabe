#include "sfu/rtp/rtx.h"

#include <cstring>

#include "sfu/rtp/byte_order.h"

namespace haven::sfu::rtp {

std::size_t rtx_encode(const RtpPacket& original, std::span<std::uint8_t> out,
                       std::uint8_t rtx_payload_type, std::uint32_t rtx_ssrc,
                       std::uint16_t rtx_sequence_number) noexcept {
  const std::size_t header = original.header_size();
  const auto payload = original.payload();
  const std::size_t total = header + kRtxOsnSize + payload.size();
  if (total > out.size()) return 0;
  std::uint8_t* dst = out.data();
  std::memcpy(dst, original.data().data(), header);
  dst[0] &= static_cast<std::uint8_t>(~0x20);  // the original's padding is not carried
  dst[1] = static_cast<std::uint8_t>((dst[1] & 0x80) | (rtx_payload_type & 0x7F));
  store_be16(dst + 2, rtx_sequence_number);
  store_be32(dst + 8, rtx_ssrc);
  store_be16(dst + header, original.sequence_number());
  if (!payload.empty()) std::memcpy(dst + header + kRtxOsnSize, payload.data(), payload.size());
  return total;
}

bool is_rtx_probe(const RtpPacket& rtx) noexcept {
  // An OSN with an empty original payload restores to an empty packet: also a probe.
  return rtx.payload().size() <= kRtxOsnSize;
}

std::optional<std::uint16_t> rtx_original_sequence(const RtpPacket& rtx) noexcept {
  if (is_rtx_probe(rtx)) return std::nullopt;
  return load_be16(rtx.payload().data());
}

std::optional<RtpPacket> rtx_decode(const RtpPacket& rtx, std::uint8_t original_payload_type,
                                    std::uint32_t original_ssrc) noexcept {
  if (is_rtx_probe(rtx)) return std::nullopt;
  const auto payload = rtx.payload();
  const std::uint16_t osn = load_be16(payload.data());
  const std::size_t restored_payload = payload.size() - kRtxOsnSize;
  std::memmove(payload.data(), payload.data() + kRtxOsnSize, restored_payload);
  auto buffer = rtx.data().first(rtx.header_size() + restored_payload);
  buffer[0] &= static_cast<std::uint8_t>(~0x20);
  auto restored = RtpPacket::parse(buffer);
  if (!restored) return std::nullopt;  // unreachable: the header was valid already
  restored->set_sequence_number(osn);
  restored->set_payload_type(original_payload_type);
  restored->set_ssrc(original_ssrc);
  return restored;
}

}  // namespace haven::sfu::rtp
