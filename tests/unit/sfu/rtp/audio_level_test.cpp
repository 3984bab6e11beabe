#include "sfu/rtp/audio_level.h"

#include <gtest/gtest.h>

#include <cstdint>

namespace haven::sfu::rtp {
namespace {

TEST(RtpAudioLevel, ParsesVoiceBitAndLevel) {
  const std::uint8_t speech[] = {0x80 | 30};  // V = 1, -30 dBov
  auto a = parse_audio_level(speech);
  ASSERT_TRUE(a);
  EXPECT_TRUE(a->voice_activity);
  EXPECT_EQ(a->level, 30);

  const std::uint8_t silence[] = {0x7F};  // V = 0, -127 dBov
  auto s = parse_audio_level(silence);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->voice_activity);
  EXPECT_EQ(s->level, 127);

  const std::uint8_t padded[] = {0x85, 0x00, 0x00};  // padded element: first byte counts
  EXPECT_EQ(parse_audio_level(padded), (AudioLevel{true, 5}));
  EXPECT_FALSE(parse_audio_level({}));
}

TEST(RtpAudioLevel, EncodesAndClamps) {
  EXPECT_EQ(encode_audio_level({true, 30}), 0x9E);
  EXPECT_EQ(encode_audio_level({false, 0}), 0x00);
  EXPECT_EQ(encode_audio_level({false, 200}), 0x7F);
  const std::uint8_t byte[] = {encode_audio_level({true, 64})};
  EXPECT_EQ(parse_audio_level(byte), (AudioLevel{true, 64}));
}

}  // namespace
}  // namespace haven::sfu::rtp
