#include "sfu/routing/codec_info.h"

#include <gtest/gtest.h>

#include <vector>

namespace haven::sfu::routing {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(CodecInfo, Kinds) {
  EXPECT_EQ(codec_kind("vp8"), CodecKind::vp8);
  EXPECT_EQ(codec_kind("H264"), CodecKind::h264);
  EXPECT_EQ(codec_kind("OPUS"), CodecKind::opus);
  EXPECT_EQ(codec_kind("red"), CodecKind::other);
  EXPECT_TRUE(keyframe_detectable(CodecKind::vp9));
  EXPECT_FALSE(keyframe_detectable(CodecKind::av1));
}

TEST(CodecInfo, Vp8KeyFrames) {
  EXPECT_TRUE(is_keyframe(CodecKind::vp8, Bytes{0x10, 0x00}));
  EXPECT_FALSE(is_keyframe(CodecKind::vp8, Bytes{0x10, 0x01}));  // inter frame
  EXPECT_FALSE(is_keyframe(CodecKind::vp8, Bytes{0x00, 0x00}));  // not the first packet
}

TEST(CodecInfo, Vp9KeyFrames) {
  // I=1 (15-bit PictureID), L=1, B=1, P=0; layer byte SID 0.
  EXPECT_TRUE(is_keyframe(CodecKind::vp9, Bytes{0xA8, 0x80, 0x01, 0x00, 0x00}));
  EXPECT_FALSE(is_keyframe(CodecKind::vp9, Bytes{0xA8, 0x80, 0x01, 0x02, 0x00}));  // SID 1
  EXPECT_FALSE(is_keyframe(CodecKind::vp9, Bytes{0xE8, 0x80, 0x01, 0x00}));        // P=1
  EXPECT_FALSE(is_keyframe(CodecKind::vp9, Bytes{0xA0, 0x80, 0x01, 0x00}));        // B=0
  EXPECT_TRUE(is_keyframe(CodecKind::vp9, Bytes{0x08, 0x00}));   // no optional fields
  EXPECT_FALSE(is_keyframe(CodecKind::vp9, Bytes{0xA8, 0x80}));  // truncated
}

TEST(CodecInfo, H264KeyFrames) {
  EXPECT_TRUE(is_keyframe(CodecKind::h264, Bytes{0x65, 0x88}));   // IDR slice
  EXPECT_TRUE(is_keyframe(CodecKind::h264, Bytes{0x67, 0x42}));   // SPS
  EXPECT_FALSE(is_keyframe(CodecKind::h264, Bytes{0x41, 0x9A}));  // non-IDR slice
  // STAP-A: SPS (2 bytes), PPS (2 bytes).
  EXPECT_TRUE(
      is_keyframe(CodecKind::h264, Bytes{0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x02, 0x68, 0xCE}));
  EXPECT_FALSE(is_keyframe(CodecKind::h264, Bytes{0x78, 0x00, 0x09, 0x67}));  // overruns
  // FU-A: start of an IDR, then a continuation.
  EXPECT_TRUE(is_keyframe(CodecKind::h264, Bytes{0x7C, 0x85, 0x00}));
  EXPECT_FALSE(is_keyframe(CodecKind::h264, Bytes{0x7C, 0x05, 0x00}));
  EXPECT_FALSE(is_keyframe(CodecKind::h264, Bytes{}));
}

TEST(CodecInfo, Feedback) {
  CodecParameters c;
  c.rtcp_feedback = {"nack", "nack pli", "CCM FIR"};
  EXPECT_TRUE(has_feedback(c, "nack"));
  EXPECT_TRUE(has_feedback(c, "ccm fir"));
  EXPECT_FALSE(has_feedback(c, "transport-cc"));
}

}  // namespace
}  // namespace haven::sfu::routing
