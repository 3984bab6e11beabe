#include "sfu/rtp/vp8_descriptor.h"

namespace haven::sfu::rtp {

std::optional<Vp8Descriptor> parse_vp8_descriptor(std::span<const std::uint8_t> payload) noexcept {
  if (payload.empty()) return std::nullopt;
  Vp8Descriptor d;
  const std::uint8_t first = payload[0];
  d.non_reference = (first & 0x20) != 0;
  d.start_of_partition = (first & 0x10) != 0;
  d.partition_index = first & 0x07;
  std::size_t pos = 1;
  if (first & 0x80) {  // X: extension byte follows
    if (pos >= payload.size()) return std::nullopt;
    const std::uint8_t ext = payload[pos++];
    d.has_picture_id = (ext & 0x80) != 0;
    d.has_tl0_pic_idx = (ext & 0x40) != 0;
    d.has_tid = (ext & 0x20) != 0;
    d.has_key_idx = (ext & 0x10) != 0;
    if (d.has_picture_id) {
      if (pos >= payload.size()) return std::nullopt;
      d.picture_id_offset = pos;
      if (payload[pos] & 0x80) {  // M: 15-bit PictureID
        if (pos + 1 >= payload.size()) return std::nullopt;
        d.picture_id_15bit = true;
        d.picture_id = static_cast<std::uint16_t>(((payload[pos] & 0x7F) << 8) | payload[pos + 1]);
        pos += 2;
      } else {
        d.picture_id = payload[pos] & 0x7F;
        pos += 1;
      }
    }
    if (d.has_tl0_pic_idx) {
      if (pos >= payload.size()) return std::nullopt;
      d.tl0_pic_idx_offset = pos;
      d.tl0_pic_idx = payload[pos++];
    }
    if (d.has_tid || d.has_key_idx) {  // one shared byte: TID(2) Y(1) KEYIDX(5)
      if (pos >= payload.size()) return std::nullopt;
      const std::uint8_t b = payload[pos++];
      if (d.has_tid) {
        d.tid = b >> 6;
        d.layer_sync = (b & 0x20) != 0;
      }
      if (d.has_key_idx) d.key_idx = b & 0x1F;
    }
  }
  if (pos >= payload.size()) return std::nullopt;  // no VP8 payload after the descriptor
  d.size = pos;
  return d;
}

bool is_vp8_keyframe(const Vp8Descriptor& descriptor,
                     std::span<const std::uint8_t> payload) noexcept {
  if (!descriptor.start_of_partition || descriptor.partition_index != 0) return false;
  if (descriptor.size >= payload.size()) return false;
  return (payload[descriptor.size] & 0x01) == 0;
}

bool is_vp8_keyframe(std::span<const std::uint8_t> payload) noexcept {
  auto descriptor = parse_vp8_descriptor(payload);
  return descriptor && is_vp8_keyframe(*descriptor, payload);
}

bool set_vp8_picture_id(std::span<std::uint8_t> payload, const Vp8Descriptor& descriptor,
                        std::uint16_t picture_id) noexcept {
  if (!descriptor.has_picture_id) return false;
  const std::size_t at = descriptor.picture_id_offset;
  if (descriptor.picture_id_15bit) {
    if (at + 1 >= payload.size()) return false;
    payload[at] = static_cast<std::uint8_t>(0x80 | ((picture_id >> 8) & 0x7F));
    payload[at + 1] = static_cast<std::uint8_t>(picture_id);
  } else {
    if (at >= payload.size()) return false;
    payload[at] = static_cast<std::uint8_t>(picture_id & 0x7F);
  }
  return true;
}

bool set_vp8_tl0_pic_idx(std::span<std::uint8_t> payload, const Vp8Descriptor& descriptor,
                         std::uint8_t tl0_pic_idx) noexcept {
  if (!descriptor.has_tl0_pic_idx || descriptor.tl0_pic_idx_offset >= payload.size()) {
    return false;
  }
  payload[descriptor.tl0_pic_idx_offset] = tl0_pic_idx;
  return true;
}

}  // namespace haven::sfu::rtp
