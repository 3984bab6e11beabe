// RFC 5769 test vectors through the STUN parser, MESSAGE-INTEGRITY, FINGERPRINT and the
// builder (sfu/stun/*).
#include <gtest/gtest.h>

#include <string>

#include "rfc5769_vectors.h"
#include "sfu/stun/builder.h"
#include "sfu/stun/crc32.h"
#include "sfu/stun/integrity.h"
#include "sfu/stun/message.h"

namespace haven::sfu::stun {
namespace {

using testing::from_hex;
using testing::kPassword;

const TransactionId kVectorTxid = {0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34,
                                   0xd6, 0x86, 0xfa, 0x87, 0xdf, 0xae};

std::span<const std::uint8_t> bytes_of(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(Rfc5769Test, Crc32CheckValue) {
  // The catalogue check value of CRC-32/ISO-HDLC, and incremental use.
  EXPECT_EQ(crc32(bytes_of("123456789")), 0xCBF43926U);
  EXPECT_EQ(crc32(bytes_of("6789"), crc32(bytes_of("12345"))), 0xCBF43926U);
  EXPECT_EQ(crc32({}), 0U);
}

TEST(Rfc5769Test, SampleRequest) {
  const auto raw = from_hex(testing::kSampleRequest);
  ASSERT_EQ(raw.size(), 108u);
  ParseError error{};
  const auto m = parse(raw, &error);
  ASSERT_TRUE(m) << to_string(error);
  EXPECT_EQ(m->message_class, MessageClass::request);
  EXPECT_EQ(m->method, kMethodBinding);
  EXPECT_EQ(m->transaction_id, kVectorTxid);
  EXPECT_EQ(m->software, "STUN test client");
  EXPECT_EQ(m->priority, 0x6e0001ffU);
  EXPECT_EQ(m->ice_controlled, 0x932ff9b151263b36ULL);
  EXPECT_FALSE(m->ice_controlling);
  EXPECT_FALSE(m->use_candidate);
  EXPECT_EQ(m->username, "evtj:h6vY");
  ASSERT_TRUE(m->integrity_offset);
  EXPECT_EQ(*m->integrity_offset, 108u - 8 - 24);
  EXPECT_TRUE(m->has_fingerprint);
  EXPECT_TRUE(m->unknown_required.empty());
  EXPECT_TRUE(verify_message_integrity(raw, kPassword));
  EXPECT_FALSE(verify_message_integrity(raw, std::string_view("VOkJxbRl1RmTxUk/WvJxBT")));
}

TEST(Rfc5769Test, SampleIpv4Response) {
  const auto raw = from_hex(testing::kSampleIpv4Response);
  ParseError error{};
  const auto m = parse(raw, &error);
  ASSERT_TRUE(m) << to_string(error);
  EXPECT_EQ(m->message_class, MessageClass::success_response);
  EXPECT_EQ(m->method, kMethodBinding);
  EXPECT_EQ(m->software, "test vector");
  ASSERT_TRUE(m->xor_mapped_address);
  EXPECT_EQ(*m->xor_mapped_address, Tuple::v4({192, 0, 2, 1}, 32853));
  EXPECT_EQ(m->xor_mapped_address->to_string(), "192.0.2.1:32853");
  EXPECT_TRUE(m->has_fingerprint);
  EXPECT_TRUE(verify_message_integrity(raw, kPassword));
}

TEST(Rfc5769Test, SampleIpv6Response) {
  const auto raw = from_hex(testing::kSampleIpv6Response);
  ParseError error{};
  const auto m = parse(raw, &error);
  ASSERT_TRUE(m) << to_string(error);
  EXPECT_EQ(m->message_class, MessageClass::success_response);
  ASSERT_TRUE(m->xor_mapped_address);
  EXPECT_EQ(*m->xor_mapped_address, Tuple::v6({0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00,
                                               0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77},
                                              32853));
  EXPECT_EQ(m->xor_mapped_address->to_string(), "[2001:db8:1234:5678:11:2233:4455:6677]:32853");
  EXPECT_TRUE(m->has_fingerprint);
  EXPECT_TRUE(verify_message_integrity(raw, kPassword));
}

TEST(Rfc5769Test, SampleLongTermRequest) {
  const auto raw = from_hex(testing::kSampleLongTermRequest);
  ParseError error{};
  const auto m = parse(raw, &error);
  ASSERT_TRUE(m) << to_string(error);
  EXPECT_EQ(m->message_class, MessageClass::request);
  EXPECT_EQ(m->username,
            "\xe3\x83\x9e\xe3\x83\x88\xe3\x83\xaa\xe3\x83\x83\xe3\x82\xaf\xe3\x82\xb9");
  EXPECT_EQ(m->nonce, "f//499k954d6OL34oL9FSTvy64sA");
  EXPECT_EQ(m->realm, "example.org");
  EXPECT_FALSE(m->has_fingerprint);
  ASSERT_TRUE(m->has_integrity());
  // The RFC's password "The<U+00AD>M<U+00AA>tr<U+2168>" after SASLprep is "TheMatrIX".
  const auto key = long_term_key(*m->username, *m->realm, "TheMatrIX");
  ASSERT_TRUE(key);
  EXPECT_TRUE(verify_message_integrity(raw, *key));
  EXPECT_FALSE(verify_message_integrity(raw, kPassword));
}

TEST(Rfc5769Test, BuilderReproducesTheIpv4ResponseMacAndFingerprint) {
  // The vector pads SOFTWARE with a space, we pad with zero, and padding is covered by
  // both MACs: send the pad byte as part of a 12-byte raw value, then fix the length.
  const auto expected = from_hex(testing::kSampleIpv4Response);
  const auto software = bytes_of("test vector ");  // 11 bytes + the vector's pad byte
  auto built = MessageBuilder(MessageClass::success_response, kMethodBinding, kVectorTxid)
                   .attribute(attr::kSoftware, software)
                   .xor_mapped_address(Tuple::v4({192, 0, 2, 1}, 32853))
                   .message_integrity(kPassword)
                   .fingerprint()
                   .finish();
  ASSERT_TRUE(built);
  // Layout: header 0–19, SOFTWARE 20–35, XOR-MAPPED-ADDRESS 36–47, MI 48–71, FP 72–79.
  // Only the SOFTWARE length differs (12 vs 11): patch it and recompute both trailers.
  ASSERT_EQ(built->size(), expected.size());
  EXPECT_TRUE(std::equal(built->begin() + 24, built->begin() + 48, expected.begin() + 24));
  EXPECT_NE(*built, expected);
  (*built)[23] = 11;
  const auto mac = compute_message_integrity(std::span(*built).first(48), bytes_of(kPassword));
  ASSERT_TRUE(mac);
  std::copy(mac->begin(), mac->end(), built->begin() + 52);
  const std::uint32_t fp = compute_fingerprint(std::span(*built).first(72));
  (*built)[76] = static_cast<std::uint8_t>(fp >> 24);
  (*built)[77] = static_cast<std::uint8_t>(fp >> 16);
  (*built)[78] = static_cast<std::uint8_t>(fp >> 8);
  (*built)[79] = static_cast<std::uint8_t>(fp);
  EXPECT_EQ(*built, expected);
}

TEST(Rfc5769Test, BuilderReproducesTheIpv6ResponseAddressAndHeader) {
  // Build the §2.3 message ourselves (zero padding) and check what a peer would check.
  const auto tuple = Tuple::v6({0x20, 0x01, 0x0d, 0xb8, 0x12, 0x34, 0x56, 0x78, 0x00, 0x11, 0x22,
                                0x33, 0x44, 0x55, 0x66, 0x77},
                               32853);
  auto built = MessageBuilder(MessageClass::success_response, kMethodBinding, kVectorTxid)
                   .software("test vector")
                   .xor_mapped_address(tuple)
                   .message_integrity(kPassword)
                   .fingerprint()
                   .finish();
  ASSERT_TRUE(built);
  const auto expected = from_hex(testing::kSampleIpv6Response);
  ASSERT_EQ(built->size(), expected.size());
  // Header and the XOR-MAPPED-ADDRESS attribute are byte-identical to the RFC.
  EXPECT_TRUE(std::equal(built->begin(), built->begin() + 20, expected.begin()));
  EXPECT_TRUE(std::equal(built->begin() + 36, built->begin() + 60, expected.begin() + 36));
  EXPECT_TRUE(verify_message_integrity(*built, kPassword));
  const auto m = parse(*built);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->xor_mapped_address, tuple);
}

}  // namespace
}  // namespace haven::sfu::stun
