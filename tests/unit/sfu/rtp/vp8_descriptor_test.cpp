#include "sfu/rtp/vp8_descriptor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace haven::sfu::rtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

TEST(RtpVp8Descriptor, FullDescriptorKeyFrame) {
  // X S PID=0 | I L T | M + PictureID 0x1234 | TL0PICIDX 5 | TID 1 Y 1 | VP8 key frame.
  const Bytes p = {0x90, 0xE0, 0x92, 0x34, 0x05, 0x60, 0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A};
  auto d = parse_vp8_descriptor(p);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->start_of_partition);
  EXPECT_FALSE(d->non_reference);
  EXPECT_EQ(d->partition_index, 0);
  EXPECT_TRUE(d->has_picture_id);
  EXPECT_TRUE(d->picture_id_15bit);
  EXPECT_EQ(d->picture_id, 0x1234);
  EXPECT_TRUE(d->has_tl0_pic_idx);
  EXPECT_EQ(d->tl0_pic_idx, 5);
  EXPECT_TRUE(d->has_tid);
  EXPECT_EQ(d->tid, 1);
  EXPECT_TRUE(d->layer_sync);
  EXPECT_FALSE(d->has_key_idx);
  EXPECT_EQ(d->size, 6u);
  EXPECT_TRUE(is_vp8_keyframe(*d, p));
  EXPECT_TRUE(is_vp8_keyframe(p));
}

TEST(RtpVp8Descriptor, InterFrameAndContinuationAreNotKeyFrames) {
  const Bytes inter = {0x90, 0x80, 0x7F, 0x31};  // 7-bit PictureID 127, P = 1
  auto d = parse_vp8_descriptor(inter);
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->picture_id_15bit);
  EXPECT_EQ(d->picture_id, 127);
  EXPECT_EQ(d->size, 3u);
  EXPECT_FALSE(is_vp8_keyframe(inter));

  const Bytes continuation = {0x80, 0x80, 0x05, 0x10};  // S = 0: middle of a frame
  EXPECT_FALSE(is_vp8_keyframe(continuation));
  const Bytes second_partition = {0x11, 0x10};  // S = 1 but PID = 1
  EXPECT_FALSE(is_vp8_keyframe(second_partition));
  const Bytes minimal_key = {0x10, 0x00};  // no X byte at all
  EXPECT_TRUE(is_vp8_keyframe(minimal_key));
}

TEST(RtpVp8Descriptor, NonReferenceAndKeyIdx) {
  const Bytes p = {0xA0, 0x10, 0x1F, 0x31};  // X N | K | KEYIDX 31
  auto d = parse_vp8_descriptor(p);
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->non_reference);
  EXPECT_FALSE(d->has_tid);
  EXPECT_TRUE(d->has_key_idx);
  EXPECT_EQ(d->key_idx, 31);
  EXPECT_EQ(d->size, 3u);
}

TEST(RtpVp8Descriptor, RejectsTruncated) {
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{}));
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x90}));              // X without its byte
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x90, 0x80}));        // I without PictureID
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x90, 0x80, 0x80}));  // M without second byte
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x90, 0x40}));        // L without TL0PICIDX
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x90, 0x20}));        // T without TID byte
  EXPECT_FALSE(parse_vp8_descriptor(Bytes{0x90, 0x80, 0x05}));  // no VP8 payload byte
  EXPECT_FALSE(is_vp8_keyframe(Bytes{0x10}));
}

TEST(RtpVp8Descriptor, RewritesPictureIdAndTl0InPlace) {
  Bytes p = {0x90, 0xC0, 0x92, 0x34, 0x05, 0x10};
  auto d = parse_vp8_descriptor(p);
  ASSERT_TRUE(d);
  EXPECT_TRUE(set_vp8_picture_id(p, *d, 0x7ABC));
  EXPECT_TRUE(set_vp8_tl0_pic_idx(p, *d, 0xEE));
  auto again = parse_vp8_descriptor(p);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->picture_id, 0x7ABC);
  EXPECT_EQ(again->tl0_pic_idx, 0xEE);

  Bytes seven = {0x90, 0x80, 0x01, 0x10};
  auto d7 = parse_vp8_descriptor(seven);
  ASSERT_TRUE(d7);
  EXPECT_TRUE(set_vp8_picture_id(seven, *d7, 0x1FF));  // keeps 7 bits
  EXPECT_EQ(seven[2], 0x7F);
  EXPECT_FALSE(set_vp8_tl0_pic_idx(seven, *d7, 1));  // no L field
}

}  // namespace
}  // namespace haven::sfu::rtp
