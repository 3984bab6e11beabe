#include "sfu/rtp/sequence.h"

#include <gtest/gtest.h>

namespace haven::sfu::rtp {
namespace {

TEST(RtpSequence, NewerAcrossWraparound) {
  EXPECT_TRUE(seq_newer(1, 0));
  EXPECT_FALSE(seq_newer(0, 1));
  EXPECT_FALSE(seq_newer(5, 5));
  EXPECT_TRUE(seq_newer(0, 65535));
  EXPECT_TRUE(seq_newer(10, 65530));
  EXPECT_FALSE(seq_newer(65530, 10));
  EXPECT_TRUE(seq_newer(0x7FFF, 0));
  EXPECT_FALSE(seq_newer(0x8001, 0));  // more than half behind
  // Exactly half apart: antisymmetric tie-break.
  EXPECT_NE(seq_newer(0x8000, 0), seq_newer(0, 0x8000));
  EXPECT_EQ(seq_distance(2, 65534), 4);
  EXPECT_EQ(seq_distance(65534, 2), -4);
}

TEST(RtpSequence, UnwrapperIsMonotonicAcrossWrap) {
  SeqUnwrapper u;
  EXPECT_EQ(u.unwrap(65534), 65534);
  EXPECT_EQ(u.unwrap(65535), 65535);
  EXPECT_EQ(u.unwrap(0), 65536);
  EXPECT_EQ(u.unwrap(65533), 65533);  // reordered old packet stays on the old cycle
  EXPECT_EQ(u.unwrap(3), 65539);
  EXPECT_EQ(u.peek(2), 65538);
  EXPECT_EQ(u.unwrap(0x8000), 32768 + 65536);
}

TEST(RtpSequence, TrackerProbationThenCycles) {
  SequenceTracker t;  // RFC default: two in-order packets validate the source
  EXPECT_FALSE(t.update(65534));
  EXPECT_FALSE(t.valid());
  EXPECT_TRUE(t.update(65535));
  EXPECT_TRUE(t.valid());
  EXPECT_EQ(t.base_seq(), 65535u);
  EXPECT_TRUE(t.update(0));
  EXPECT_TRUE(t.update(2));  // one lost
  EXPECT_EQ(t.cycles(), 65536u);
  EXPECT_EQ(t.extended_max(), 65536u + 2);
  EXPECT_EQ(t.received(), 3u);
  EXPECT_EQ(t.expected(), 4);
  EXPECT_TRUE(t.update(1));  // late: counted, max unchanged
  EXPECT_EQ(t.extended_max(), 65538u);
  EXPECT_EQ(t.received(), 4u);
}

TEST(RtpSequence, TrackerResyncsAfterSourceRestart) {
  SequenceTracker t(1);
  EXPECT_TRUE(t.update(100));
  EXPECT_TRUE(t.valid());
  EXPECT_TRUE(t.update(101));
  EXPECT_FALSE(t.update(40000));  // huge jump: wait for confirmation
  EXPECT_EQ(t.max_seq(), 101);
  EXPECT_TRUE(t.update(40001));  // confirmed: restart at 40001
  EXPECT_EQ(t.base_seq(), 40001u);
  EXPECT_EQ(t.received(), 1u);
  EXPECT_EQ(t.extended_max(), 40001u);
}

TEST(RtpSequence, TrackerProbationResetsOnGap) {
  SequenceTracker t(3);
  EXPECT_FALSE(t.update(10));
  EXPECT_FALSE(t.update(12));  // not consecutive: probation starts over
  EXPECT_FALSE(t.update(13));
  EXPECT_TRUE(t.update(14));
  EXPECT_EQ(t.base_seq(), 14u);
}

TEST(ArrivalWindow, EachSequenceNumberPassesOnce) {
  ArrivalWindow w;
  EXPECT_TRUE(w.first_time(100));
  EXPECT_FALSE(w.first_time(100));
  EXPECT_TRUE(w.first_time(102));
  EXPECT_TRUE(w.first_time(101));  // late, but the first time
  EXPECT_FALSE(w.first_time(101));
  EXPECT_FALSE(w.first_time(102));
}

TEST(ArrivalWindow, MovingAheadForgetsWhatFellOutAndOldPacketsAreNotJudged) {
  ArrivalWindow w;
  EXPECT_TRUE(w.first_time(5));
  EXPECT_TRUE(w.first_time(5 + ArrivalWindow::kSize - 1));  // 5 is still in the window
  EXPECT_FALSE(w.first_time(5));
  EXPECT_TRUE(w.first_time(6 + ArrivalWindow::kSize));  // 5 and 6 fell out
  EXPECT_TRUE(w.first_time(6));                         // too old: not judged
  // The slots the window moved over are free again: no stale "seen" from a lap ago.
  EXPECT_TRUE(w.first_time(5 + ArrivalWindow::kSize));
  EXPECT_FALSE(w.first_time(5 + ArrivalWindow::kSize));
  // A jump far ahead (a new sequence space) starts clean.
  EXPECT_TRUE(w.first_time(1'000'000));
  EXPECT_TRUE(w.first_time(1'000'000 - 1));
  EXPECT_FALSE(w.first_time(1'000'000));
}

TEST(ArrivalWindow, NegativeUnwrappedNumbersWork) {
  ArrivalWindow w;
  EXPECT_TRUE(w.first_time(3));
  EXPECT_TRUE(w.first_time(-2));  // an unwrapper can go below its first value
  EXPECT_FALSE(w.first_time(-2));
  EXPECT_TRUE(w.first_time(-1));
}

}  // namespace
}  // namespace haven::sfu::rtp
