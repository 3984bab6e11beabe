// Fuzz target: the RTP packet view and everything the forwarder does with one packet
// (extension lookups and remapping, rewrite_extensions, RTX encode/decode, VP8 descriptor,
// audio level). `make fuzz` runs it under libFuzzer; `make test` replays tests/fuzz/corpus/rtp.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "sfu/limits.h"
#include "sfu/rtp/audio_level.h"
#include "sfu/rtp/header_extensions.h"
#include "sfu/rtp/rtp_packet.h"
#include "sfu/rtp/rtx.h"
#include "sfu/rtp/vp8_descriptor.h"

namespace {

using namespace haven::sfu;
using namespace haven::sfu::rtp;

bool same(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) == 0);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::uint8_t> buf(data, data + size);
  auto pkt = RtpPacket::parse(buf);
  if (!pkt) return 0;
  if (pkt->version() != 2 || size > kMaxDatagram) __builtin_trap();
  if (pkt->header_size() + pkt->payload().size() + pkt->padding_size() != size) __builtin_trap();
  if (pkt->payload().data() != buf.data() + pkt->header_size()) __builtin_trap();

  // Every element lies inside the extension block and lookup finds the first of each id.
  const auto block = pkt->extension_block();
  std::array<bool, 256> seen{};
  auto reader = pkt->extensions();
  while (auto ext = reader.next()) {
    if (ext->value.data() < block.data() ||
        ext->value.data() + ext->value.size() > block.data() + block.size()) {
      __builtin_trap();
    }
    if (!seen[ext->id]) {
      seen[ext->id] = true;
      auto found = pkt->extension(ext->id);
      if (!found || found->data() != ext->value.data()) __builtin_trap();
    }
    (void)parse_audio_level(ext->value);
  }
  if (reader.malformed()) __builtin_trap();  // parse() promised well-formed elements

  // Rewrite with a map and values derived from the input itself.
  ExtensionIdMap ids;
  for (int id = 1; id < 256; ++id) {
    if (id % 3 != 0)
      ids.map(static_cast<std::uint8_t>(id), static_cast<std::uint8_t>(1 + (id * 7) % 20));
  }
  const std::size_t mid_len = size % 24;
  std::span<const std::uint8_t> mid(buf.data(), mid_len);
  const std::uint8_t twcc[2] = {static_cast<std::uint8_t>(size), 0x42};
  const ExtensionValue values[] = {{4, mid}, {5, twcc}};
  std::array<std::uint8_t, kMaxDatagram + 512> out{};
  const std::size_t n = rewrite_extensions(*pkt, out, ids, values);
  if (n == 0) __builtin_trap();  // the output buffer is always large enough here
  if (n <= kMaxDatagram) {
    auto rewritten = RtpPacket::parse(std::span(out).first(n));
    if (!rewritten) __builtin_trap();
    if (!same(rewritten->payload(), pkt->payload())) __builtin_trap();
    if (rewritten->ssrc() != pkt->ssrc() || rewritten->sequence_number() != pkt->sequence_number())
      __builtin_trap();
    auto stamped = rewritten->extension(5);
    if (!stamped || !same(*stamped, twcc)) __builtin_trap();
    auto mid_out = rewritten->extension(4);
    if (!mid_out || !same(*mid_out, mid)) __builtin_trap();
  }

  // RTX there and back restores the payload.
  std::array<std::uint8_t, kMaxDatagram + 8> rtx_buf{};
  const std::size_t rtx_size = rtx_encode(*pkt, rtx_buf, 97, 0xABCDEF01, 1234);
  if (rtx_size == 0 || rtx_size > pkt->header_size() + 2 + pkt->payload().size()) __builtin_trap();
  if (rtx_size <= kMaxDatagram) {
    auto rtx = RtpPacket::parse(std::span(rtx_buf).first(rtx_size));
    if (!rtx) __builtin_trap();
    if (rtx_original_sequence(*rtx).value_or(pkt->sequence_number()) != pkt->sequence_number())
      __builtin_trap();
    const std::vector<std::uint8_t> payload(pkt->payload().begin(), pkt->payload().end());
    auto restored = rtx_decode(*rtx, pkt->payload_type(), pkt->ssrc());
    if (restored.has_value() == payload.empty()) __builtin_trap();
    if (restored && !same(restored->payload(), payload)) __builtin_trap();
  }

  if (auto vp8 = parse_vp8_descriptor(pkt->payload())) {
    if (vp8->size >= pkt->payload().size()) __builtin_trap();
    (void)is_vp8_keyframe(*vp8, pkt->payload());
    (void)set_vp8_picture_id(pkt->payload(), *vp8, 0x1234);
    (void)set_vp8_tl0_pic_idx(pkt->payload(), *vp8, 7);
  }

  // In-place setters and id remapping read back what they wrote.
  pkt->set_sequence_number(0xBEEF);
  pkt->set_timestamp(0x01020304);
  pkt->set_ssrc(0x0A0B0C0D);
  pkt->set_payload_type(100);
  pkt->set_marker(true);
  if (pkt->sequence_number() != 0xBEEF || pkt->timestamp() != 0x01020304 ||
      pkt->ssrc() != 0x0A0B0C0D || pkt->payload_type() != 100 || !pkt->marker()) {
    __builtin_trap();
  }
  for (int id = 1; id < 16; ++id) {
    if (pkt->set_extension_id(static_cast<std::uint8_t>(id), 14) && !pkt->extension(14)) {
      __builtin_trap();
    }
  }
  if (!RtpPacket::parse(buf)) __builtin_trap();  // setters keep the packet well-formed
  return 0;
}
