#include "sfu/rtp/header_extensions.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace haven::sfu::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Publisher packet: one-byte block with id 1 audio level (0x85), id 2 MID "0",
// id 10 rid "h" (to be stripped), payload 01 02 03, 2 bytes of padding.
Bytes publisher_packet() {
  return {0xB0, 0x6F, 0x10, 0x00, 0x00, 0x00, 0x10, 0x00, 0x12, 0x34, 0x56, 0x78, 0xBE, 0xDE, 0x00,
          0x02, 0x10, 0x85, 0x20, '0',  0xA0, 'h',  0x00, 0x00, 0x01, 0x02, 0x03, 0x00, 0x02};
}

std::string as_string(std::span<std::uint8_t> s) {
  return std::string(s.begin(), s.end());
}

std::span<const std::uint8_t> str(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(RtpHeaderExtensions, MapsDropsAndReplacesLongerMid) {
  Bytes in = publisher_packet();
  auto pkt = RtpPacket::parse(in);
  ASSERT_TRUE(pkt);
  ExtensionIdMap ids;
  ids.map(1, 3);  // audio level: publisher 1 -> subscriber 3
  ids.map(2, 4);  // mid: publisher 2 -> subscriber 4; rid (10) unmapped -> dropped
  const std::string mid = "video-sub-7";
  const ExtensionValue values[] = {{4, str(mid)}};
  std::array<std::uint8_t, 1500> out{};
  const std::size_t n = rewrite_extensions(*pkt, out, ids, values);
  ASSERT_GT(n, 0u);
  // 12 header + 4 preamble + (2 + 12 = 14 -> 16) block + 3 payload + 2 padding.
  EXPECT_EQ(n, 37u);
  auto res = RtpPacket::parse(std::span(out).first(n));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->extension_form(), ExtensionForm::one_byte);
  EXPECT_EQ(res->ssrc(), 0x12345678u);
  EXPECT_EQ(res->sequence_number(), 0x1000);
  EXPECT_EQ(res->payload_type(), 0x6F);
  EXPECT_TRUE(res->padding());
  EXPECT_EQ(res->padding_size(), 2u);
  ASSERT_EQ(res->payload().size(), 3u);
  EXPECT_EQ(res->payload()[2], 0x03);
  ASSERT_TRUE(res->extension(3));
  EXPECT_EQ((*res->extension(3))[0], 0x85);
  ASSERT_TRUE(res->extension(4));
  EXPECT_EQ(as_string(*res->extension(4)), mid);
  EXPECT_FALSE(res->extension(1));
  EXPECT_FALSE(res->extension(2));
  EXPECT_FALSE(res->extension(10));
}

TEST(RtpHeaderExtensions, SwitchesToTwoByteWhenNeeded) {
  Bytes in = publisher_packet();
  auto pkt = RtpPacket::parse(in);
  ASSERT_TRUE(pkt);
  ExtensionIdMap ids;
  ids.map(1, 1);
  ids.map(2, 2);
  const std::string mid = "a-mid-that-is-longer-than-16";  // > 16 bytes: two-byte form
  const std::uint8_t twcc[] = {0x00, 0x2A};
  const ExtensionValue values[] = {{2, str(mid)}, {20, twcc}};  // id 20: two-byte only
  std::array<std::uint8_t, 1500> out{};
  const std::size_t n = rewrite_extensions(*pkt, out, ids, values);
  ASSERT_GT(n, 0u);
  auto res = RtpPacket::parse(std::span(out).first(n));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->extension_form(), ExtensionForm::two_byte);
  EXPECT_EQ(res->extension_profile(), 0x1000);
  EXPECT_EQ(as_string(*res->extension(2)), mid);
  ASSERT_TRUE(res->extension(20));  // added although the publisher had none
  EXPECT_EQ((*res->extension(20))[1], 0x2A);
  EXPECT_EQ((*res->extension(1))[0], 0x85);
  EXPECT_EQ(res->payload().size(), 3u);
}

TEST(RtpHeaderExtensions, AddsMidWhenPublisherStoppedSendingIt) {
  // Chrome stops sending MID once an RR acknowledged the SSRC; the SFU still stamps it.
  Bytes in = {0x80, 0x60, 0, 5, 0, 0, 0, 9, 0, 0, 0, 1, 0xAB};
  auto pkt = RtpPacket::parse(in);
  ASSERT_TRUE(pkt);
  const std::string mid = "1";
  const ExtensionValue values[] = {{4, str(mid)}};
  std::array<std::uint8_t, 64> out{};
  const std::size_t n = rewrite_extensions(*pkt, out, ExtensionIdMap{}, values);
  ASSERT_EQ(n, 12u + 4 + 4 + 1);
  auto res = RtpPacket::parse(std::span(out).first(n));
  ASSERT_TRUE(res);
  EXPECT_TRUE(res->has_extension());
  EXPECT_EQ(as_string(*res->extension(4)), "1");
  EXPECT_EQ(res->payload()[0], 0xAB);
}

TEST(RtpHeaderExtensions, DroppingEverythingClearsTheXBit) {
  Bytes in = publisher_packet();
  auto pkt = RtpPacket::parse(in);
  ASSERT_TRUE(pkt);
  std::array<std::uint8_t, 64> out{};
  const std::size_t n = rewrite_extensions(*pkt, out, ExtensionIdMap{});
  ASSERT_EQ(n, 12u + 5);
  auto res = RtpPacket::parse(std::span(out).first(n));
  ASSERT_TRUE(res);
  EXPECT_FALSE(res->has_extension());
  EXPECT_EQ(res->extension_form(), ExtensionForm::none);
  EXPECT_EQ(res->payload().size(), 3u);
}

TEST(RtpHeaderExtensions, KeepsFirstOfDuplicateOutputIds) {
  Bytes in = publisher_packet();
  auto pkt = RtpPacket::parse(in);
  ASSERT_TRUE(pkt);
  ExtensionIdMap ids;
  ids.map(1, 5);
  ids.map(2, 5);  // both land on 5: only the first (audio level) survives
  std::array<std::uint8_t, 64> out{};
  const std::size_t n = rewrite_extensions(*pkt, out, ids);
  auto res = RtpPacket::parse(std::span(out).first(n));
  ASSERT_TRUE(res);
  EXPECT_EQ((*res->extension(5))[0], 0x85);
  int count = 0;
  auto reader = res->extensions();
  while (reader.next()) ++count;
  EXPECT_EQ(count, 1);
}

TEST(RtpHeaderExtensions, RejectsSmallBufferAndBadValues) {
  Bytes in = publisher_packet();
  auto pkt = RtpPacket::parse(in);
  ASSERT_TRUE(pkt);
  ExtensionIdMap ids;
  ids.map(1, 1);
  std::array<std::uint8_t, 20> tiny{};
  EXPECT_EQ(rewrite_extensions(*pkt, tiny, ids), 0u);
  std::array<std::uint8_t, 64> out{};
  const ExtensionValue zero_id[] = {{0, {}}};
  EXPECT_EQ(rewrite_extensions(*pkt, out, ids, zero_id), 0u);
  std::vector<std::uint8_t> huge(256, 1);
  const ExtensionValue too_long[] = {{3, huge}};
  EXPECT_EQ(rewrite_extensions(*pkt, out, ids, too_long), 0u);
  EXPECT_FALSE(ids.map(0, 3));
}

}  // namespace
}  // namespace haven::sfu::rtp
