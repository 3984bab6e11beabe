#include "sfu/rtp/header_extensions.h"

#include <bitset>
#include <cstring>

#include "sfu/rtp/byte_order.h"

namespace haven::sfu::rtp {
namespace {

const ExtensionValue* find_value(std::span<const ExtensionValue> values, std::uint8_t id) noexcept {
  for (const auto& v : values) {
    if (v.id == id) return &v;
  }
  return nullptr;
}

// Calls fn(output id, value) for every element of the rewritten block, in output order.
// Both passes of rewrite_extensions (sizing, then writing) use it so they cannot disagree.
template <typename Fn>
void for_each_output(const RtpPacket& in, const ExtensionIdMap& ids,
                     std::span<const ExtensionValue> values, Fn&& fn) noexcept {
  std::bitset<256> emitted;
  ExtensionReader reader = in.extensions();
  while (auto ext = reader.next()) {
    const std::uint8_t out_id = ids.output_id(ext->id);
    if (out_id == 0 || emitted[out_id]) continue;
    emitted.set(out_id);
    std::span<const std::uint8_t> value = ext->value;
    if (const ExtensionValue* replacement = find_value(values, out_id)) {
      value = replacement->value;
    }
    fn(out_id, value);
  }
  for (const auto& v : values) {
    if (emitted[v.id]) continue;
    emitted.set(v.id);
    fn(v.id, v.value);
  }
}

}  // namespace

std::size_t rewrite_extensions(const RtpPacket& in, std::span<std::uint8_t> out,
                               const ExtensionIdMap& ids,
                               std::span<const ExtensionValue> values) noexcept {
  for (const auto& v : values) {
    if (v.id == 0 || v.value.size() > 255) return 0;
  }

  // Pass 1: which form fits, and how long the block is.
  bool any = false;
  bool one_byte_ok = true;
  std::size_t one_byte_len = 0;
  std::size_t two_byte_len = 0;
  for_each_output(in, ids, values, [&](std::uint8_t id, std::span<const std::uint8_t> value) {
    any = true;
    if (id > kMaxOneByteId || value.empty() || value.size() > kMaxOneByteValue) {
      one_byte_ok = false;
    }
    one_byte_len += 1 + value.size();
    two_byte_len += 2 + value.size();
  });
  const std::size_t elements_len = one_byte_ok ? one_byte_len : two_byte_len;
  const std::size_t block_len = (elements_len + 3) / 4 * 4;  // padded to 32 bits (§4.1)

  const std::size_t base = kFixedHeaderSize + 4 * in.csrc_count();
  const std::size_t tail = in.size() - in.header_size();  // payload + padding
  const std::size_t total = base + (any ? 4 + block_len : 0) + tail;
  if (total > out.size()) return 0;

  // Pass 2: write.
  const std::uint8_t* src = in.data().data();
  std::uint8_t* dst = out.data();
  std::memcpy(dst, src, base);
  dst[0] = static_cast<std::uint8_t>((dst[0] & ~0x10) | (any ? 0x10 : 0));
  std::size_t pos = base;
  if (any) {
    store_be16(dst + pos, one_byte_ok ? kOneByteProfile : kTwoByteProfile);
    store_be16(dst + pos + 2, static_cast<std::uint16_t>(block_len / 4));
    pos += 4;
    const std::size_t block_end = pos + block_len;
    for_each_output(in, ids, values, [&](std::uint8_t id, std::span<const std::uint8_t> value) {
      if (one_byte_ok) {
        dst[pos++] = static_cast<std::uint8_t>((id << 4) | (value.size() - 1));
      } else {
        dst[pos++] = id;
        dst[pos++] = static_cast<std::uint8_t>(value.size());
      }
      if (!value.empty()) std::memcpy(dst + pos, value.data(), value.size());
      pos += value.size();
    });
    std::memset(dst + pos, 0, block_end - pos);
    pos = block_end;
  }
  if (tail > 0) std::memcpy(dst + pos, src + in.header_size(), tail);
  return total;
}

}  // namespace haven::sfu::rtp
