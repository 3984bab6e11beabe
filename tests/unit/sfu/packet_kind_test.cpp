// First-byte demultiplexing (sfu/packet_kind.h, RFC 7983 §7, RFC 5761 §4).
#include "sfu/packet_kind.h"

#include <gtest/gtest.h>

#include <vector>

namespace haven::sfu {
namespace {

PacketKind classify_bytes(std::uint8_t first, std::uint8_t second, std::size_t size) {
  std::vector<std::uint8_t> p(size, 0);
  if (size > 0) p[0] = first;
  if (size > 1) p[1] = second;
  return classify(p);
}

TEST(PacketKindTest, EveryFirstByte) {
  for (int b = 0; b < 256; ++b) {
    const auto kind = classify_bytes(static_cast<std::uint8_t>(b), 0, 100);
    if (b <= 3) {
      EXPECT_EQ(kind, PacketKind::stun) << b;
    } else if (b >= 20 && b <= 63) {
      EXPECT_EQ(kind, PacketKind::dtls) << b;
    } else if (b >= 128 && b <= 191) {
      EXPECT_EQ(kind, PacketKind::rtp) << b;
    } else {
      EXPECT_EQ(kind, PacketKind::unknown) << b;  // ZRTP 16–19, TURN channel 64–79, …
    }
  }
}

TEST(PacketKindTest, RtcpBySecondByte) {
  for (int pt = 0; pt < 256; ++pt) {
    const auto kind = classify_bytes(0x80, static_cast<std::uint8_t>(pt), 100);
    EXPECT_EQ(kind, pt >= 192 && pt <= 223 ? PacketKind::rtcp : PacketKind::rtp) << pt;
  }
  // Typical packets: SR (200) with RC=0, RR (201) with RC=1, PSFB (206), RTP PT 111
  // and PT 96 with the marker bit (0xE0).
  EXPECT_EQ(classify_bytes(0x80, 200, 28), PacketKind::rtcp);
  EXPECT_EQ(classify_bytes(0x81, 201, 32), PacketKind::rtcp);
  EXPECT_EQ(classify_bytes(0x81, 206, 12), PacketKind::rtcp);
  EXPECT_EQ(classify_bytes(0x80, 111, 40), PacketKind::rtp);
  EXPECT_EQ(classify_bytes(0x90, 0xE0, 40), PacketKind::rtp);
}

TEST(PacketKindTest, TooShortIsUnknown) {
  EXPECT_EQ(classify({}), PacketKind::unknown);
  EXPECT_EQ(classify_bytes(0x00, 0x01, kMinStunSize - 1), PacketKind::unknown);
  EXPECT_EQ(classify_bytes(0x00, 0x01, kMinStunSize), PacketKind::stun);
  EXPECT_EQ(classify_bytes(22, 0xfe, kMinDtlsSize - 1), PacketKind::unknown);
  EXPECT_EQ(classify_bytes(22, 0xfe, kMinDtlsSize), PacketKind::dtls);
  EXPECT_EQ(classify_bytes(0x80, 96, 1), PacketKind::unknown);
  EXPECT_EQ(classify_bytes(0x80, 96, kMinRtpSize - 1), PacketKind::unknown);
  EXPECT_EQ(classify_bytes(0x80, 96, kMinRtpSize), PacketKind::rtp);
  EXPECT_EQ(classify_bytes(0x80, 200, kMinRtcpSize - 1), PacketKind::unknown);
  EXPECT_EQ(classify_bytes(0x80, 200, kMinRtcpSize), PacketKind::rtcp);
}

TEST(PacketKindTest, Names) {
  EXPECT_STREQ(to_string(PacketKind::stun), "stun");
  EXPECT_STREQ(to_string(PacketKind::rtcp), "rtcp");
  EXPECT_STREQ(to_string(PacketKind::unknown), "unknown");
}

}  // namespace
}  // namespace haven::sfu
