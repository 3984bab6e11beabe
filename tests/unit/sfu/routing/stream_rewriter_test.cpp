#include "sfu/routing/stream_rewriter.h"

#include <gtest/gtest.h>

#include <vector>

namespace haven::sfu::routing {
namespace {

TEST(SeqTsRewriter, FirstSegmentStartsAtTheChosenValues) {
  SeqTsRewriter r(5000, 123456);
  EXPECT_FALSE(r.map(10, 0));  // before any segment
  r.start_segment(65534, 90000, std::nullopt);
  auto a = r.map(65534, 90000);
  auto b = r.map(65536, 93000);  // unwrapped input: crosses the 16-bit wrap
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->seq, 5000);
  EXPECT_EQ(a->ts, 123456u);
  EXPECT_EQ(b->seq, 5002);
  EXPECT_EQ(b->ts, 123456u + 3000);
  // Reordered 65535 lands between them, not "newest".
  auto c = r.map(65535, 90000);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->seq, 5001);
  EXPECT_FALSE(c->newest);
  EXPECT_EQ(r.last_seq(), 5002);
}

TEST(SeqTsRewriter, OutputWrapsAt65536) {
  SeqTsRewriter r(65534, 0);
  r.start_segment(0, 0, std::nullopt);
  std::vector<std::uint16_t> out;
  for (int i = 0; i < 4; ++i) out.push_back(r.map(i, 0)->seq);
  EXPECT_EQ(out, (std::vector<std::uint16_t>{65534, 65535, 0, 1}));
}

TEST(SeqTsRewriter, NewSegmentContinuesAndDropsOlderPackets) {
  SeqTsRewriter r(1000, 0);
  r.start_segment(100, 50, std::nullopt);
  r.map(100, 50);
  r.map(101, 3050);
  r.end_segment();
  EXPECT_FALSE(r.map(102, 6050));
  // Another stream (a layer switch): seq 1002, the timestamp the caller chose.
  r.start_segment(7000, 999, 9000u);
  auto a = r.map(7000, 999);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->seq, 1002);
  EXPECT_EQ(a->ts, 9000u);
  EXPECT_EQ(r.map(7001, 3999)->ts, 12000u);
  EXPECT_FALSE(r.map(6999, 0));  // predates the segment
  // Resuming the same stream keeps the timestamp offset.
  r.end_segment();
  r.start_segment(7100, 999 + 30000, std::nullopt);
  auto b = r.map(7100, 999 + 30000);
  EXPECT_EQ(b->seq, 1004);
  EXPECT_EQ(b->ts, 9000u + 30000);
}

TEST(SeqTsRewriter, SkipClosesTheGap) {
  SeqTsRewriter r(1000, 0);
  r.start_segment(10, 0, std::nullopt);
  EXPECT_EQ(r.map(10, 0)->seq, 1000);
  r.skip(11);
  EXPECT_EQ(r.map(12, 0)->seq, 1001);
  EXPECT_FALSE(r.map(11, 0));  // would reuse 1001
  r.skip(20);                  // not in order: ignored
  EXPECT_EQ(r.map(13, 0)->seq, 1002);
}

TEST(SeqTsRewriter, PublisherRestartBecomesANewSegment) {
  SeqTsRewriter r(1000, 0);
  r.start_segment(100, 0, std::nullopt);
  r.map(100, 0);
  EXPECT_EQ(r.map(100 + 20000, 0)->seq, 1001);
  EXPECT_EQ(r.map(100 + 20001, 0)->seq, 1002);
}

TEST(Vp8PictureRewriter, ContinuesPictureIdAndTl0AcrossSegments) {
  Vp8PictureRewriter v;
  // 15-bit PictureID 0x7FFF (about to wrap), TL0PICIDX 255.
  std::vector<std::uint8_t> p1 = {0x90, 0xC0, 0xFF, 0xFF, 0xFF, 0x00, 0x00};
  auto d1 = rtp::parse_vp8_descriptor(p1);
  ASSERT_TRUE(d1);
  v.start_segment(*d1);
  v.rewrite(p1, *d1, true);
  EXPECT_EQ(rtp::parse_vp8_descriptor(p1)->picture_id, 0x7FFF);  // first segment: as is
  // New layer: PictureID 42, TL0PICIDX 7 -> continue at 0 and 0.
  std::vector<std::uint8_t> p2 = {0x90, 0xC0, 0x80, 42, 7, 0x00, 0x00};
  auto d2 = rtp::parse_vp8_descriptor(p2);
  v.start_segment(*d2);
  v.rewrite(p2, *d2, true);
  auto out = rtp::parse_vp8_descriptor(p2);
  EXPECT_EQ(out->picture_id, 0);
  EXPECT_EQ(out->tl0_pic_idx, 0);
  std::vector<std::uint8_t> p3 = {0x90, 0xC0, 0x80, 43, 8, 0x01, 0x00};
  auto d3 = rtp::parse_vp8_descriptor(p3);
  v.rewrite(p3, *d3, true);
  EXPECT_EQ(rtp::parse_vp8_descriptor(p3)->picture_id, 1);
  EXPECT_EQ(rtp::parse_vp8_descriptor(p3)->tl0_pic_idx, 1);
}

}  // namespace
}  // namespace haven::sfu::routing
