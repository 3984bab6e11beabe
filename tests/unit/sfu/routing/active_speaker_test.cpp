#include "sfu/routing/active_speaker.h"

#include <gtest/gtest.h>

#include <map>
#include <vector>

#include "routing_test_util.h"
#include "sfu/routing/router.h"

namespace haven::sfu::routing {
namespace {

using test::kMs;

TEST(AudioLevelMeter, SmoothsAndGoesSilentWhenStale) {
  AudioLevelMeter meter;
  EXPECT_EQ(meter.loudness(0), 0);
  meter.on_level({true, 30}, 0);
  EXPECT_EQ(meter.loudness(0), 97);  // the first packet is taken as is
  for (int i = 1; i <= 3; ++i) meter.on_level({false, 127}, i * 20 * kMs);
  const int after_three = meter.loudness(60 * kMs);
  EXPECT_LT(after_three, 97);
  EXPECT_GT(after_three, 30);  // one quiet packet does not cut a speaker off
  EXPECT_EQ(meter.loudness(60 * kMs + AudioLevelMeter::kStaleNs + 1), 0);
}

TEST(ActiveSpeakerSelector, HysteresisAndMinimumInterval) {
  ActiveSpeakerSelector sel;
  using C = ActiveSpeakerSelector::Candidate;
  // Background noise alone elects nobody.
  std::vector<C> c = {{1, 40}, {2, 20}};
  EXPECT_FALSE(sel.update(c, 0));
  c = {{1, 90}, {2, 20}};
  EXPECT_EQ(sel.update(c, 10 * kMs), 1u);
  // 2 is louder, but by less than the margin.
  c = {{1, 90}, {2, 95}};
  EXPECT_FALSE(sel.update(c, 700 * kMs));
  // Clearly louder, but too soon after the last switch.
  c = {{1, 90}, {2, 100}};
  EXPECT_FALSE(sel.update(c, 300 * kMs));
  EXPECT_EQ(sel.update(c, 510 * kMs), 2u);
  EXPECT_EQ(sel.current(), 2u);
  // Silence keeps the last speaker.
  c = {{1, 0}, {2, 0}};
  EXPECT_FALSE(sel.update(c, 2000 * kMs));
  EXPECT_EQ(sel.current(), 2u);
  sel.forget(2);
  EXPECT_FALSE(sel.current());
  c = {{1, 60}};
  EXPECT_EQ(sel.update(c, 2100 * kMs), 1u);
}

TEST(RouterActiveSpeaker, FollowsTheLoudestPeerWithHysteresis) {
  test::FakeListener listener;
  Router router(Router::Config{.random_seed = 5}, &listener);
  for (PeerId peer = 1; peer <= 3; ++peer) {
    ASSERT_TRUE(
        router.add_producer(peer, test::audio_producer(0x100 * static_cast<std::uint32_t>(peer))));
  }
  std::map<PeerId, std::uint8_t> level = {{1, 127}, {2, 127}, {3, 127}};
  std::uint16_t seq = 0;
  std::vector<std::pair<std::int64_t, PeerId>> events;
  std::int64_t now = 0;
  const auto run = [&](std::int64_t duration) {
    for (const std::int64_t end = now + duration; now < end; now += 20 * kMs) {
      ++seq;
      for (auto [peer, dbov] : level) {
        if (dbov == 0xFF) continue;  // not sending
        test::PacketSpec a;
        a.pt = test::kPubOpus;
        a.ssrc = 0x100 * static_cast<std::uint32_t>(peer);
        a.seq = seq;
        a.payload = {0xF8};
        a.extensions = {{test::kPubExt.audio_level, {static_cast<std::uint8_t>(0x80 | dbov)}}};
        test::feed(router, peer, a, now);
      }
      const std::size_t before = listener.speakers.size();
      router.tick(now);
      if (listener.speakers.size() > before) events.emplace_back(now, listener.speakers.back());
    }
  };
  run(200 * kMs);
  EXPECT_TRUE(events.empty());  // everyone silent
  level[1] = 30;
  run(500 * kMs);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].second, 1u);
  level[2] = 27;  // 3 dB louder: within the margin
  run(1000 * kMs);
  EXPECT_EQ(events.size(), 1u);
  // Two people alternating fast: at most one change per 500 ms.
  for (int i = 0; i < 10; ++i) {
    level[2] = i % 2 == 0 ? 5 : 60;
    level[3] = i % 2 == 0 ? 60 : 5;
    run(100 * kMs);
  }
  ASSERT_GE(events.size(), 2u);
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_GE(events[i].first - events[i - 1].first, 500 * kMs);
    EXPECT_NE(events[i].second, events[i - 1].second);
  }
  // The current speaker's peer leaves; peer 1 is still talking and takes over.
  level[2] = 0xFF;
  level[3] = 0xFF;
  run(1500 * kMs);
  EXPECT_EQ(router.active_speaker(), 1u);
}

}  // namespace
}  // namespace haven::sfu::routing
