#include "sfu/rtcp/feedback_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace haven::sfu::rtcp {
namespace {

using Seqs = std::vector<std::uint16_t>;

Seqs unpack_all(const std::vector<NackItem>& items) {
  Seqs out;
  for (const auto& item : items) unpack_nack(item, out);
  return out;
}

TEST(RtcpFeedbackCodec, NackPidBlp) {
  Seqs seqs;
  unpack_nack({100, 0x0005}, seqs);  // RFC 4585 §6.2.1: bit i => PID + i + 1
  EXPECT_EQ(seqs, (Seqs{100, 101, 103}));
  seqs.clear();
  unpack_nack({65535, 0x8001}, seqs);  // wraps
  EXPECT_EQ(seqs, (Seqs{65535, 0, 15}));

  EXPECT_EQ(pack_nack(Seqs{100, 101, 103}), (std::vector<NackItem>{{100, 0x0005}}));
  // 17 consecutive losses: one item is PID + 16 bits.
  Seqs run;
  for (std::uint16_t s = 10; s <= 26; ++s) run.push_back(s);
  EXPECT_EQ(pack_nack(run), (std::vector<NackItem>{{10, 0xFFFF}}));
  run.push_back(27);
  EXPECT_EQ(pack_nack(run), (std::vector<NackItem>{{10, 0xFFFF}, {27, 0}}));
  EXPECT_TRUE(pack_nack(Seqs{}).empty());
}

TEST(RtcpFeedbackCodec, NackPackingPreservesAnyOrder) {
  const Seqs awkward = {5, 3, 3, 65535, 0, 40000, 40001, 4};
  EXPECT_EQ(unpack_all(pack_nack(awkward)), awkward);
  EXPECT_EQ(pack_nack(awkward).size(), 6u);  // {5} {3} {3} {65535,0} {40000,40001} {4}
}

TEST(RtcpFeedbackCodec, RembBitrate) {
  const RembBitrate one_meg = encode_remb_bitrate(1'000'000);
  EXPECT_EQ(one_meg.exponent, 2);
  EXPECT_EQ(one_meg.mantissa, 250'000u);
  EXPECT_EQ(decode_remb_bitrate(one_meg), 1'000'000u);
  EXPECT_EQ(encode_remb_bitrate(0x3FFFF).exponent, 0);
  EXPECT_EQ(encode_remb_bitrate(0x40000).exponent, 1);
  // Rounds down: never advertises more than asked.
  EXPECT_LE(decode_remb_bitrate(encode_remb_bitrate(123'456'789)), 123'456'789u);
  EXPECT_EQ(decode_remb_bitrate({63, 0x3FFFF}), kMaxRembBitrate);  // saturates
  EXPECT_EQ(decode_remb_bitrate({63, 1}), std::uint64_t{1} << 63);
  EXPECT_EQ(decode_remb_bitrate(encode_remb_bitrate(UINT64_MAX)), kMaxRembBitrate);
  EXPECT_EQ(decode_remb_bitrate({10, 0}), 0u);
}

}  // namespace
}  // namespace haven::sfu::rtcp
