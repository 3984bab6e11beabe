#include "sfu/rtcp/feedback_codec.h"

namespace haven::sfu::rtcp {

void unpack_nack(NackItem item, std::vector<std::uint16_t>& seqs) {
  seqs.push_back(item.pid);
  for (int bit = 0; bit < 16; ++bit) {
    if (item.blp & (1u << bit)) seqs.push_back(static_cast<std::uint16_t>(item.pid + bit + 1));
  }
}

std::vector<NackItem> pack_nack(std::span<const std::uint16_t> seqs) {
  std::vector<NackItem> items;
  int last_bit = 16;  // forces a new item for the first seq
  for (std::uint16_t seq : seqs) {
    if (!items.empty()) {
      const int distance = static_cast<std::uint16_t>(seq - items.back().pid);
      // Bit index distance-1 must come after the last bit used, to keep the order.
      if (distance >= 1 && distance <= 16 && distance - 1 > last_bit) {
        items.back().blp = static_cast<std::uint16_t>(items.back().blp | (1u << (distance - 1)));
        last_bit = distance - 1;
        continue;
      }
    }
    items.push_back({seq, 0});
    last_bit = -1;
  }
  return items;
}

RembBitrate encode_remb_bitrate(std::uint64_t bitrate_bps) noexcept {
  RembBitrate encoded;
  while ((bitrate_bps >> encoded.exponent) > 0x3FFFF) ++encoded.exponent;
  encoded.mantissa = static_cast<std::uint32_t>(bitrate_bps >> encoded.exponent);
  return encoded;
}

std::uint64_t decode_remb_bitrate(RembBitrate encoded) noexcept {
  const std::uint64_t mantissa = encoded.mantissa & 0x3FFFF;
  const unsigned exponent = encoded.exponent & 0x3F;
  if (mantissa == 0) return 0;
  // Overflow when the mantissa's top bit would be shifted past bit 63.
  if (exponent > 46 && (mantissa >> (64 - exponent)) != 0) return kMaxRembBitrate;
  const std::uint64_t value = mantissa << exponent;
  return value > kMaxRembBitrate ? kMaxRembBitrate : value;
}

}  // namespace haven::sfu::rtcp
