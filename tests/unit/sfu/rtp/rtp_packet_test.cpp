#include "sfu/rtp/rtp_packet.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace haven::sfu::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

// RFC 3550 §5.1 header, X set, RFC 8285 one-byte block (two words):
// id 1 len 1 = 0xFF, id 2 len 3 = "abc", two padding bytes; payload DE AD BE EF.
Bytes one_byte_packet() {
  return {0x90, 0xE0, 0x12, 0x34, 0x11, 0x22, 0x33, 0x44, 0xAA, 0xBB, 0xCC, 0xDD, 0xBE, 0xDE,
          0x00, 0x02, 0x10, 0xFF, 0x22, 'a',  'b',  'c',  0x00, 0x00, 0xDE, 0xAD, 0xBE, 0xEF};
}

// Two-byte block (profile 0x1000): id 5 len 0, id 15 len 3 = 01 02 03, one padding byte.
Bytes two_byte_packet() {
  return {0x90, 0x6F, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03, 0x10,
          0x00, 0x00, 0x02, 0x05, 0x00, 0x0F, 0x03, 0x01, 0x02, 0x03, 0x00, 0x42};
}

TEST(RtpPacket, ParsesFixedHeaderAndOneByteExtensions) {
  Bytes b = one_byte_packet();
  auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->version(), 2);
  EXPECT_FALSE(p->padding());
  EXPECT_TRUE(p->has_extension());
  EXPECT_TRUE(p->marker());
  EXPECT_EQ(p->payload_type(), 96);
  EXPECT_EQ(p->sequence_number(), 0x1234);
  EXPECT_EQ(p->timestamp(), 0x11223344u);
  EXPECT_EQ(p->ssrc(), 0xAABBCCDDu);
  EXPECT_EQ(p->csrc_count(), 0u);
  EXPECT_EQ(p->header_size(), 24u);
  EXPECT_EQ(p->padding_size(), 0u);
  EXPECT_EQ(p->extension_form(), ExtensionForm::one_byte);
  EXPECT_EQ(p->extension_profile(), 0xBEDE);
  ASSERT_EQ(p->payload().size(), 4u);
  EXPECT_EQ(p->payload()[0], 0xDE);

  auto level = p->extension(1);
  ASSERT_TRUE(level);
  ASSERT_EQ(level->size(), 1u);
  EXPECT_EQ((*level)[0], 0xFF);
  auto mid = p->extension(2);
  ASSERT_TRUE(mid);
  EXPECT_EQ(std::string(mid->begin(), mid->end()), "abc");
  EXPECT_FALSE(p->extension(3));
  EXPECT_FALSE(p->extension(0));
}

TEST(RtpPacket, ParsesTwoByteExtensions) {
  Bytes b = two_byte_packet();
  auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_form(), ExtensionForm::two_byte);
  EXPECT_FALSE(p->marker());
  EXPECT_EQ(p->payload_type(), 0x6F);
  auto empty = p->extension(5);
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
  auto fifteen = p->extension(15);  // legal in the two-byte form
  ASSERT_TRUE(fifteen);
  EXPECT_EQ(fifteen->data(), b.data() + 20);  // points into the caller's buffer
  EXPECT_EQ(fifteen->size(), 3u);
  ASSERT_EQ(p->payload().size(), 1u);
  EXPECT_EQ(p->payload()[0], 0x42);
}

TEST(RtpPacket, CsrcsAndPadding) {
  // CC = 2, P set: payload 01 02, then 3 padding octets ending in the count 3.
  Bytes b = {0xA2, 0x08, 0x00, 0x07, 0,    0,    0,    1,    0,    0,    0,    9,   0x00,
             0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0B, 0x01, 0x02, 0x00, 0x00, 0x03};
  auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->padding());
  EXPECT_EQ(p->csrc_count(), 2u);
  EXPECT_EQ(p->csrc(0), 0x0Au);
  EXPECT_EQ(p->csrc(1), 0x0Bu);
  EXPECT_EQ(p->csrc(2), 0u);
  EXPECT_EQ(p->header_size(), 20u);
  EXPECT_EQ(p->padding_size(), 3u);
  ASSERT_EQ(p->payload().size(), 2u);
  EXPECT_EQ(p->payload()[1], 0x02);
  EXPECT_EQ(p->extension_form(), ExtensionForm::none);
  EXPECT_FALSE(p->extension(1));
}

TEST(RtpPacket, OneByteId15StopsProcessing) {
  // id 1 = AA, then the reserved id 15: anything after it is not an element.
  Bytes b = {0x90, 0x00, 0,    1,    0,    0,    0,    0,    0,    0,
             0,    1,    0xBE, 0xDE, 0x00, 0x01, 0x10, 0xAA, 0xF0, 0x20};
  auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->extension(1));
  EXPECT_FALSE(p->extension(2));

  // A one-byte id 0 with a length is neither padding nor an element: stop there too.
  Bytes zero_id = {0x90, 0x00, 0,    1,    0,    0,    0,    0,    0,    0,
                   0,    1,    0xBE, 0xDE, 0x00, 0x01, 0x00, 0x07, 0x10, 0xAA};
  auto z = RtpPacket::parse(zero_id);
  ASSERT_TRUE(z);
  EXPECT_FALSE(z->extension(1));
  EXPECT_FALSE(z->extensions().next());
}

TEST(RtpPacket, OtherProfileIsOpaque) {
  Bytes b = {0x90, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x12, 0x34, 0x00, 0x01, 0x10, 0xAA, 0, 0};
  auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->extension_form(), ExtensionForm::other);
  EXPECT_EQ(p->extension_block().size(), 4u);
  EXPECT_FALSE(p->extension(1));
  EXPECT_FALSE(p->set_extension_id(1, 2));
}

TEST(RtpPacket, RejectsMalformed) {
  Bytes good = one_byte_packet();
  ASSERT_TRUE(RtpPacket::parse(good));

  Bytes v1 = good;
  v1[0] = 0x50;  // version 1
  EXPECT_FALSE(RtpPacket::parse(v1));

  Bytes short_header(good.begin(), good.begin() + 11);
  EXPECT_FALSE(RtpPacket::parse(short_header));

  Bytes csrc_beyond = {0x8F, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2};  // CC = 15
  EXPECT_FALSE(RtpPacket::parse(csrc_beyond));

  Bytes ext_beyond = good;
  ext_beyond[15] = 0x05;  // extension length 5 words, only 3 words left
  EXPECT_FALSE(RtpPacket::parse(ext_beyond));

  Bytes ext_preamble_cut(good.begin(), good.begin() + 14);
  EXPECT_FALSE(RtpPacket::parse(ext_preamble_cut));

  Bytes element_beyond = good;
  element_beyond[18] = 0x27;  // id 2 claims 8 bytes inside an 8-byte block
  EXPECT_FALSE(RtpPacket::parse(element_beyond));

  Bytes two_byte_cut = two_byte_packet();
  two_byte_cut[19] = 0x05;  // id 15 claims 5 bytes, 4 remain in the block
  EXPECT_FALSE(RtpPacket::parse(two_byte_cut));

  Bytes padding_zero = good;
  padding_zero[0] |= 0x20;
  padding_zero.back() = 0;  // padding count must include itself
  EXPECT_FALSE(RtpPacket::parse(padding_zero));

  Bytes padding_too_big = good;
  padding_too_big[0] |= 0x20;
  padding_too_big.back() = 5;  // only 4 bytes after the header
  EXPECT_FALSE(RtpPacket::parse(padding_too_big));
  padding_too_big.back() = 4;  // exactly the payload: valid, empty payload
  auto all_padding = RtpPacket::parse(padding_too_big);
  ASSERT_TRUE(all_padding);
  EXPECT_TRUE(all_padding->payload().empty());

  Bytes oversized(1501, 0);
  oversized[0] = 0x80;
  EXPECT_FALSE(RtpPacket::parse(oversized));
  oversized.resize(1500);
  EXPECT_TRUE(RtpPacket::parse(oversized));
}

TEST(RtpPacket, InPlaceSetters) {
  Bytes b = one_byte_packet();
  auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  p->set_marker(false);
  p->set_payload_type(111);
  p->set_sequence_number(0xFFFE);
  p->set_timestamp(0x01020304);
  p->set_ssrc(0x05060708);
  EXPECT_EQ(b[1], 111);
  EXPECT_EQ(b[2], 0xFF);
  EXPECT_EQ(b[3], 0xFE);
  EXPECT_EQ(b[4], 0x01);
  EXPECT_EQ(b[7], 0x04);
  EXPECT_EQ(b[8], 0x05);
  EXPECT_EQ(b[11], 0x08);
  p->set_marker(true);
  EXPECT_EQ(b[1], 0x80 | 111);
  EXPECT_EQ(p->payload_type(), 111);
  EXPECT_EQ(b[0], 0x90);  // untouched
}

TEST(RtpPacket, RemapsOneByteIdInPlace) {
  Bytes b = one_byte_packet();
  auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->set_extension_id(2, 9));
  EXPECT_EQ(b[18], 0x92);  // id 9, length nibble kept
  EXPECT_FALSE(p->extension(2));
  ASSERT_TRUE(p->extension(9));
  EXPECT_EQ((*p->extension(9))[0], 'a');
  EXPECT_FALSE(p->set_extension_id(9, 15));  // reserved in the one-byte form
  EXPECT_FALSE(p->set_extension_id(9, 20));  // does not fit four bits
  EXPECT_FALSE(p->set_extension_id(9, 1));   // id 1 already present
  EXPECT_FALSE(p->set_extension_id(4, 5));   // absent
  EXPECT_TRUE(p->set_extension_id(9, 9));    // no-op rename is fine
}

TEST(RtpPacket, RemapsTwoByteIdInPlace) {
  Bytes b = two_byte_packet();
  auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  EXPECT_TRUE(p->set_extension_id(15, 200));
  EXPECT_EQ(b[18], 200);
  ASSERT_TRUE(p->extension(200));
  EXPECT_EQ(p->extension(200)->size(), 3u);
  EXPECT_FALSE(p->set_extension_id(5, 200));
}

TEST(RtpPacket, RewritesEqualLengthValueInPlace) {
  Bytes b = one_byte_packet();
  auto p = RtpPacket::parse(b);
  ASSERT_TRUE(p);
  const std::uint8_t mid[] = {'x', 'y', 'z'};
  EXPECT_TRUE(p->set_extension_value(2, mid));
  EXPECT_EQ(b[19], 'x');
  EXPECT_EQ(b[21], 'z');
  const std::uint8_t longer[] = {'l', 'o', 'n', 'g'};
  EXPECT_FALSE(p->set_extension_value(2, longer));
  EXPECT_FALSE(p->set_extension_value(7, mid));
}

}  // namespace
}  // namespace haven::sfu::rtp
