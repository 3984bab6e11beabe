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
  EXPECT_FALSE(k.poll(500 * kMs));
  EXPECT_TRUE(k.poll(1000 * kMs));  // no key frame within 1 s: retry
  EXPECT_FALSE(k.last_was_new());
  k.on_keyframe();
  EXPECT_FALSE(k.pending());
  EXPECT_FALSE(k.poll(3000 * kMs));
  k.request();  // new request, still rate-limited against the last send
  EXPECT_TRUE(k.poll(3000 * kMs));
  EXPECT_TRUE(k.last_was_new());
  EXPECT_EQ(k.sent(), 3u);
}

TEST(KeyframeRequester, AnsweredRequestLetsTheNextOneGoSoon) {
  KeyframeRequester k;
  k.request();
  EXPECT_TRUE(k.poll(0));
  k.on_keyframe();  // answered at 30 ms (a new subscriber that cannot decrypt it yet)
  k.request();      // asks again at 60 ms
  EXPECT_FALSE(k.poll(60 * kMs));
  EXPECT_TRUE(k.poll(KeyframeRequester::kAnsweredIntervalNs));  // not a second later
  EXPECT_TRUE(k.last_was_new());
  // Unanswered, the next one waits the full interval again.
  EXPECT_FALSE(k.poll(KeyframeRequester::kAnsweredIntervalNs + 500 * kMs));
  EXPECT_TRUE(k.poll(KeyframeRequester::kAnsweredIntervalNs + KeyframeRequester::kIntervalNs));
  EXPECT_FALSE(k.last_was_new());
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
