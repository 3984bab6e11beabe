#include "sfu/routing/keyframe_requester.h"

#include <gtest/gtest.h>

namespace haven::sfu::routing {
namespace {

constexpr std::int64_t kMs = 1'000'000;

TEST(KeyframeRequester, CoalescesRateLimitsAndRetries) {
  KeyframeRequester k;
  EXPECT_FALSE(k.poll(0));
  k.request();
  EXPECT_TRUE(k.poll(0));
  EXPECT_TRUE(k.last_was_new());
  k.request();  // joins the outstanding one
  EXPECT_FALSE(k.poll(300 * kMs));
  EXPECT_TRUE(k.poll(350 * kMs));  // first retry: just past the encoder's 300 ms window
  EXPECT_FALSE(k.last_was_new());
  EXPECT_FALSE(k.poll(1300 * kMs));
  EXPECT_TRUE(k.poll(1350 * kMs));  // then once a second
  k.on_keyframe();
  EXPECT_FALSE(k.pending());
  EXPECT_FALSE(k.poll(3000 * kMs));
  k.request();  // new request
  EXPECT_TRUE(k.poll(3000 * kMs));
  EXPECT_TRUE(k.last_was_new());
  EXPECT_EQ(k.sent(), 4u);
}

TEST(KeyframeRequester, AnsweredRequestLetsTheNextOneGoSoon) {
  KeyframeRequester k;
  k.request();
  EXPECT_TRUE(k.poll(0));
  k.on_keyframe();  // answered at 30 ms (a new subscriber that cannot decrypt it yet)
  k.request();      // asks again at 60 ms
  // Not before the encoder would honour it (300 ms after the last), not a second later.
  EXPECT_FALSE(k.poll(60 * kMs));
  EXPECT_FALSE(k.poll(KeyframeRequester::kAnsweredIntervalNs - 1));
  EXPECT_TRUE(k.poll(KeyframeRequester::kAnsweredIntervalNs));
  EXPECT_TRUE(k.last_was_new());
  // Unanswered (the encoder dropped it, say): the first retry 350 ms on, then each second.
  const std::int64_t sent = KeyframeRequester::kAnsweredIntervalNs;
  EXPECT_FALSE(k.poll(sent + KeyframeRequester::kFirstRetryNs - 1));
  EXPECT_TRUE(k.poll(sent + KeyframeRequester::kFirstRetryNs));
  EXPECT_FALSE(k.last_was_new());
  const std::int64_t retried = sent + KeyframeRequester::kFirstRetryNs;
  EXPECT_FALSE(k.poll(retried + KeyframeRequester::kIntervalNs - 1));
  EXPECT_TRUE(k.poll(retried + KeyframeRequester::kIntervalNs));
}

TEST(KeyframeRequester, GivesUpAfterMaxAttempts) {
  KeyframeRequester k;
  k.request();
  int sent = 0;
  for (int s = 0; s < 30; ++s) sent += k.poll(s * 1000 * kMs) ? 1 : 0;
  EXPECT_EQ(sent, KeyframeRequester::kMaxAttempts);
  EXPECT_FALSE(k.pending());
}

TEST(KeyframeRequester, WithoutRetrySendsOnce) {
  KeyframeRequester k(false);
  k.request();
  EXPECT_TRUE(k.poll(0));
  EXPECT_FALSE(k.pending());
  EXPECT_FALSE(k.poll(5000 * kMs));
}

}  // namespace
}  // namespace haven::sfu::routing
