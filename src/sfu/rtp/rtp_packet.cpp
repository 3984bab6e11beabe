#include "sfu/rtp/rtp_packet.h"

#include <cstring>

#include "sfu/limits.h"
#include "sfu/rtp/byte_order.h"

namespace haven::sfu::rtp {

std::optional<HeaderExtension> ExtensionReader::next() noexcept {
  if (form_ != ExtensionForm::one_byte && form_ != ExtensionForm::two_byte) return std::nullopt;
  while (pos_ < end_) {
    const std::size_t offset = pos_;
    const std::uint8_t first = packet_[pos_];
    if (first == 0) {  // padding byte, both forms (RFC 8285 §4.2, §4.3)
      ++pos_;
      continue;
    }
    std::uint8_t id = 0;
    std::size_t length = 0;
    std::size_t value_at = 0;
    if (form_ == ExtensionForm::one_byte) {
      id = first >> 4;
      // Id 15 is reserved: stop processing the block (§4.2). Id 0 with a non-zero length
      // is no padding byte and no element either; libwebrtc stops there too.
      if (id == 15 || id == 0) {
        pos_ = end_;
        return std::nullopt;
      }
      length = (first & 0x0F) + 1u;
      value_at = pos_ + 1;
    } else {
      if (pos_ + 2 > end_) {
        malformed_ = true;
        pos_ = end_;
        return std::nullopt;
      }
      id = first;
      length = packet_[pos_ + 1];
      value_at = pos_ + 2;
    }
    if (value_at + length > end_) {
      malformed_ = true;
      pos_ = end_;
      return std::nullopt;
    }
    pos_ = value_at + length;
    return HeaderExtension{id, packet_.subspan(value_at, length), offset};
  }
  return std::nullopt;
}

std::optional<RtpPacket> RtpPacket::parse(std::span<std::uint8_t> packet) noexcept {
  if (packet.size() < kFixedHeaderSize || packet.size() > kMaxDatagram) return std::nullopt;
  if ((packet[0] >> 6) != 2) return std::nullopt;
  RtpPacket p;
  p.data_ = packet;
  std::size_t header = kFixedHeaderSize + 4u * (packet[0] & 0x0F);
  if (header > packet.size()) return std::nullopt;
  std::size_t ext_begin = header;
  std::size_t ext_end = header;
  if (packet[0] & 0x10) {
    if (header + 4 > packet.size()) return std::nullopt;
    const std::uint16_t profile = load_be16(&packet[header]);
    const std::size_t words = load_be16(&packet[header + 2]);
    ext_begin = header + 4;
    ext_end = ext_begin + 4 * words;
    if (ext_end > packet.size()) return std::nullopt;
    header = ext_end;
    if (profile == kOneByteProfile) {
      p.form_ = ExtensionForm::one_byte;
    } else if ((profile & 0xFFF0) == kTwoByteProfile) {
      p.form_ = ExtensionForm::two_byte;
    } else {
      p.form_ = ExtensionForm::other;
    }
  }
  std::size_t padding = 0;
  if (packet[0] & 0x20) {
    // RFC 3550 §5.1: the last octet counts the padding, itself included, so it is >= 1.
    padding = packet.back();
    if (padding == 0 || padding > packet.size() - header) return std::nullopt;
  }
  p.header_size_ = static_cast<std::uint16_t>(header);
  p.padding_size_ = static_cast<std::uint16_t>(padding);
  p.ext_begin_ = static_cast<std::uint16_t>(ext_begin);
  p.ext_end_ = static_cast<std::uint16_t>(ext_end);
  // Validate every element once so later lookups never meet a truncated one.
  ExtensionReader reader = p.extensions();
  while (reader.next()) {
  }
  if (reader.malformed()) return std::nullopt;
  return p;
}

std::uint16_t RtpPacket::sequence_number() const noexcept {
  return load_be16(&data_[2]);
}
std::uint32_t RtpPacket::timestamp() const noexcept {
  return load_be32(&data_[4]);
}
std::uint32_t RtpPacket::ssrc() const noexcept {
  return load_be32(&data_[8]);
}

std::uint32_t RtpPacket::csrc(std::size_t index) const noexcept {
  if (index >= csrc_count()) return 0;
  return load_be32(&data_[kFixedHeaderSize + 4 * index]);
}

std::uint16_t RtpPacket::extension_profile() const noexcept {
  if (!has_extension()) return 0;
  return load_be16(&data_[ext_begin_ - 4]);
}

std::optional<std::span<std::uint8_t>> RtpPacket::extension(std::uint8_t id) const noexcept {
  if (id == 0) return std::nullopt;
  ExtensionReader reader = extensions();
  while (auto ext = reader.next()) {
    if (ext->id == id) return ext->value;
  }
  return std::nullopt;
}

void RtpPacket::set_marker(bool marker) noexcept {
  data_[1] = static_cast<std::uint8_t>((data_[1] & 0x7F) | (marker ? 0x80 : 0));
}

void RtpPacket::set_payload_type(std::uint8_t pt) noexcept {
  data_[1] = static_cast<std::uint8_t>((data_[1] & 0x80) | (pt & 0x7F));
}

void RtpPacket::set_sequence_number(std::uint16_t seq) noexcept {
  store_be16(&data_[2], seq);
}
void RtpPacket::set_timestamp(std::uint32_t ts) noexcept {
  store_be32(&data_[4], ts);
}
void RtpPacket::set_ssrc(std::uint32_t ssrc) noexcept {
  store_be32(&data_[8], ssrc);
}

bool RtpPacket::set_extension_id(std::uint8_t old_id, std::uint8_t new_id) noexcept {
  if (old_id == 0 || new_id == 0) return false;
  if (form_ == ExtensionForm::one_byte && new_id > kMaxOneByteId) return false;
  if (form_ != ExtensionForm::one_byte && form_ != ExtensionForm::two_byte) return false;
  std::optional<HeaderExtension> target;
  ExtensionReader reader = extensions();
  while (auto ext = reader.next()) {
    if (ext->id == old_id && !target) target = ext;
    if (ext->id == new_id && new_id != old_id) return false;
  }
  if (!target) return false;
  if (form_ == ExtensionForm::one_byte) {
    data_[target->offset] =
        static_cast<std::uint8_t>((new_id << 4) | (data_[target->offset] & 0x0F));
  } else {
    data_[target->offset] = new_id;
  }
  return true;
}

bool RtpPacket::set_extension_value(std::uint8_t id, std::span<const std::uint8_t> value) noexcept {
  auto current = extension(id);
  if (!current || current->size() != value.size()) return false;
  if (!value.empty()) std::memmove(current->data(), value.data(), value.size());
  return true;
}

}  // namespace haven::sfu::rtp
