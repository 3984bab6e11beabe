#include "sfu/rtp/rtx.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace haven::sfu::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Media packet: PT 96, seq 0x0102, ts 3000, SSRC 0x11111111, one-byte ext id 3 = 7F,
// payload AA BB CC, 4 bytes of padding.
Bytes media_packet() {
  return {0xB0, 0xE0, 0x01, 0x02, 0x00, 0x00, 0x0B, 0xB8, 0x11, 0x11, 0x11, 0x11, 0xBE, 0xDE,
          0x00, 0x01, 0x30, 0x7F, 0x00, 0x00, 0xAA, 0xBB, 0xCC, 0x00, 0x00, 0x00, 0x04};
}

TEST(RtpRtx, EncodesOsnAndStripsPadding) {
  Bytes b = media_packet();
  auto media = RtpPacket::parse(b);
  ASSERT_TRUE(media);
  std::array<std::uint8_t, 1500> out{};
  const std::size_t n = rtx_encode(*media, out, 97, 0x22222222, 0xFFFF);
  ASSERT_EQ(n, 20u + 2 + 3);  // header + OSN + payload, no padding
  auto rtx = RtpPacket::parse(std::span(out).first(n));
  ASSERT_TRUE(rtx);
  EXPECT_FALSE(rtx->padding());
  EXPECT_TRUE(rtx->marker());
  EXPECT_EQ(rtx->payload_type(), 97);
  EXPECT_EQ(rtx->ssrc(), 0x22222222u);
  EXPECT_EQ(rtx->sequence_number(), 0xFFFF);
  EXPECT_EQ(rtx->timestamp(), 3000u);
  ASSERT_TRUE(rtx->extension(3));
  const Bytes expected_payload = {0x01, 0x02, 0xAA, 0xBB, 0xCC};
  EXPECT_EQ(Bytes(rtx->payload().begin(), rtx->payload().end()), expected_payload);
  EXPECT_FALSE(is_rtx_probe(*rtx));
  EXPECT_EQ(rtx_original_sequence(*rtx), 0x0102);

  std::array<std::uint8_t, 24> small{};
  EXPECT_EQ(rtx_encode(*media, small, 97, 1, 1), 0u);
}

TEST(RtpRtx, DecodeRestoresOriginalInPlace) {
  Bytes b = media_packet();
  auto media = RtpPacket::parse(b);
  ASSERT_TRUE(media);
  std::array<std::uint8_t, 1500> out{};
  const std::size_t n = rtx_encode(*media, out, 97, 0x22222222, 7);
  auto rtx = RtpPacket::parse(std::span(out).first(n));
  ASSERT_TRUE(rtx);
  auto restored = rtx_decode(*rtx, 96, 0x11111111);
  ASSERT_TRUE(restored);
  EXPECT_EQ(restored->size(), 23u);
  EXPECT_EQ(restored->payload_type(), 96);
  EXPECT_EQ(restored->ssrc(), 0x11111111u);
  EXPECT_EQ(restored->sequence_number(), 0x0102);
  EXPECT_EQ(restored->timestamp(), 3000u);
  EXPECT_TRUE(restored->marker());
  // Byte-identical to the original without its padding.
  Bytes original_unpadded(b.begin(), b.begin() + 23);
  original_unpadded[0] &= static_cast<std::uint8_t>(~0x20);
  EXPECT_EQ(Bytes(restored->data().begin(), restored->data().end()), original_unpadded);
}

TEST(RtpRtx, PaddingOnlyProbesAreRecognised) {
  // Chrome's RTX padding probe: no payload, 8 bytes of padding.
  Bytes probe = {0xA0, 0x61, 0x00, 0x09, 0, 0, 0, 1, 0x22, 0x22,
                 0x22, 0x22, 0,    0,    0, 0, 0, 0, 0,    8};
  auto rtx = RtpPacket::parse(probe);
  ASSERT_TRUE(rtx);
  EXPECT_TRUE(rtx->payload().empty());
  EXPECT_TRUE(is_rtx_probe(*rtx));
  EXPECT_FALSE(rtx_original_sequence(*rtx));
  const Bytes before = probe;
  EXPECT_FALSE(rtx_decode(*rtx, 96, 1));
  EXPECT_EQ(probe, before);  // untouched

  Bytes osn_only = {0x80, 0x61, 0x00, 0x09, 0, 0, 0, 1, 0x22, 0x22, 0x22, 0x22, 0x01, 0x02};
  auto empty_original = RtpPacket::parse(osn_only);
  ASSERT_TRUE(empty_original);
  EXPECT_TRUE(is_rtx_probe(*empty_original));
}

}  // namespace
}  // namespace haven::sfu::rtp
