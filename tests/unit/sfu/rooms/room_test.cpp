// A Room on a real WebRtcServer (loopback, free port) with captured Chromium offers and
// the answers Chromium gives: who is told what when people join, publish, answer, mute,
// choose layers and leave. No media flows here (tests/browser/sfu-media.test.mjs does that).
#include "sfu/rooms/room.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../negotiation/negotiation_test_util.h"
#include "sfu/dtls/dtls_certificate.h"
#include "sfu/dtls/dtls_context.h"

namespace haven::sfu::rooms {
namespace {

struct RecordingSink final : SignalingSink {
  std::vector<nlohmann::json> messages;
  void deliver(std::string json_text) override {
    messages.push_back(nlohmann::json::parse(json_text));
  }
  std::vector<nlohmann::json> take(const std::string& type) {
    std::vector<nlohmann::json> out;
    for (auto& m : messages) {
      if (m["type"] == type) out.push_back(m);
    }
    return out;
  }
};

class RoomTest : public ::testing::Test {
 protected:
  RoomTest()
      : certificate_(DtlsCertificate::generate()),
        context_(certificate_),
        server_(ioc_, context_, WebRtcServerOptions{"127.0.0.1", 0, "", {}, 0}),
        room_("room1", server_, {}, [this](const std::string& peer) { lost_.push_back(peer); }) {}

  std::pair<Participant*, std::shared_ptr<RecordingSink>> join(const std::string& user) {
    auto sink = std::make_shared<RecordingSink>();
    Participant& p = room_.join({user, "Name of " + user}, sink, 42);
    return {&p, sink};
  }

  // Publishes the captured camera + microphone offer (mid 0 audio, mid 1 video).
  void publish(Participant& p) {
    std::string error;
    ASSERT_TRUE(room_.publish(p, sdp::write_sdp(negotiation::testing::fixture("a-sendrecv.sdp")),
                              {{"0", TrackSource::microphone}, {"1", TrackSource::camera}}, &error,
                              7))
        << error;
  }

  // Answers the last media.offer the way Chromium does.
  void answer(Participant& p, RecordingSink& sink) {
    auto offers = sink.take("media.offer");
    ASSERT_FALSE(offers.empty());
    auto offer = sdp::parse_sdp(offers.back()["sdp"].get<std::string>());
    ASSERT_TRUE(offer);
    std::string error;
    ASSERT_TRUE(p.apply_answer(sdp::write_sdp(negotiation::testing::browser_answer(*offer)), &error))
        << error;
  }

  boost::asio::io_context ioc_;
  DtlsCertificate certificate_;
  DtlsContext context_;
  WebRtcServer server_;
  Room room_;
  std::vector<std::string> lost_;
};

TEST_F(RoomTest, JoiningTellsTheNewcomerWhoIsThereAndTheOthersWhoCame) {
  auto [alice, alice_sink] = join("alice");
  auto joined = alice_sink->take("room.joined");
  ASSERT_EQ(joined.size(), 1u);
  EXPECT_EQ(joined[0]["id"], 42);
  EXPECT_EQ(joined[0]["room_id"], "room1");
  EXPECT_EQ(joined[0]["participants"], nlohmann::json::array());

  auto [bob, bob_sink] = join("bob");
  auto bob_joined = bob_sink->take("room.joined");
  ASSERT_EQ(bob_joined.size(), 1u);
  ASSERT_EQ(bob_joined[0]["participants"].size(), 1u);
  EXPECT_EQ(bob_joined[0]["participants"][0]["peer_id"], alice->peer_id());
  EXPECT_EQ(bob_joined[0]["participants"][0]["display_name"], "Name of alice");
  auto arrived = alice_sink->take("room.participant_joined");
  ASSERT_EQ(arrived.size(), 1u);
  EXPECT_EQ(arrived[0]["participant"]["user_id"], "bob");
  EXPECT_NE(alice->peer_id(), bob->peer_id());
  EXPECT_EQ(room_.size(), 2u);
}

TEST_F(RoomTest, PublishedTracksAreOfferedToEveryoneElseOnce) {
  auto [alice, alice_sink] = join("alice");
  auto [bob, bob_sink] = join("bob");
  publish(*alice);
  auto answer_msgs = alice_sink->take("media.publish_answer");
  ASSERT_EQ(answer_msgs.size(), 1u);
  EXPECT_EQ(answer_msgs[0]["id"], 7);
  EXPECT_TRUE(alice_sink->take("media.offer").empty());  // nothing to receive yet

  auto offers = bob_sink->take("media.offer");
  ASSERT_EQ(offers.size(), 1u);
  const auto& tracks = offers[0]["tracks"];
  ASSERT_EQ(tracks.size(), 2u);
  std::set<std::string> sources;
  for (auto& [mid, t] : tracks.items()) {
    EXPECT_EQ(t["peer_id"], alice->peer_id());
    sources.insert(t["source"].get<std::string>());
  }
  EXPECT_EQ(sources, (std::set<std::string>{"camera", "microphone"}));

  answer(*bob, *bob_sink);
  for (auto& [mid, t] : tracks.items()) EXPECT_NE(bob->consumer_at(mid), 0u) << mid;

  // A late joiner gets the tracks at once; publishing the same offer again changes nothing.
  auto [carol, carol_sink] = join("carol");
  EXPECT_EQ(carol_sink->take("media.offer").size(), 1u);
  bob_sink->messages.clear();
  publish(*alice);
  EXPECT_TRUE(bob_sink->take("media.offer").empty());
}

TEST_F(RoomTest, AnUnusableOfferIsRefusedAndChangesNothing) {
  auto [alice, alice_sink] = join("alice");
  auto [bob, bob_sink] = join("bob");
  std::string error;
  EXPECT_FALSE(room_.publish(*alice, "v=0\r\nnonsense", {}, &error));
  EXPECT_FALSE(error.empty());
  EXPECT_TRUE(alice_sink->take("media.publish_answer").empty());
  EXPECT_TRUE(bob_sink->take("media.offer").empty());
  EXPECT_FALSE(bob->apply_answer("v=0", &error));  // no offer was made to bob
}

TEST_F(RoomTest, LeavingTakesTheTracksBackFromEveryone) {
  auto [alice, alice_sink] = join("alice");
  auto [bob, bob_sink] = join("bob");
  publish(*alice);
  answer(*bob, *bob_sink);
  const std::string alice_id = alice->peer_id();
  room_.leave(alice_id, "left", 9);
  auto left = alice_sink->take("room.left");
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0]["reason"], "left");
  EXPECT_EQ(left[0]["id"], 9);
  auto gone = bob_sink->take("room.participant_left");
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0]["peer_id"], alice_id);
  auto offers = bob_sink->take("media.offer");
  ASSERT_FALSE(offers.empty());
  EXPECT_EQ(offers.back()["tracks"], nlohmann::json::object());  // sections closed
  EXPECT_EQ(room_.size(), 1u);
  EXPECT_EQ(room_.find(alice_id), nullptr);
}

TEST_F(RoomTest, MuteReachesTheOthersOnly) {
  auto [alice, alice_sink] = join("alice");
  auto [bob, bob_sink] = join("bob");
  room_.set_muted(*alice, TrackSource::microphone, true);
  auto muted = bob_sink->take("room.mute");
  ASSERT_EQ(muted.size(), 1u);
  EXPECT_EQ(muted[0]["peer_id"], alice->peer_id());
  EXPECT_EQ(muted[0]["source"], "microphone");
  EXPECT_EQ(muted[0]["muted"], true);
  EXPECT_TRUE(alice_sink->take("room.mute").empty());
  // A newcomer learns the state from room.joined.
  auto [carol, carol_sink] = join("carol");
  auto joined = carol_sink->take("room.joined");
  EXPECT_EQ(joined[0]["participants"][0]["muted"]["microphone"], true);
}

// A video consumer made before the subscriber's recv transport is up waits, paused: a key
// frame forwarded now would be dropped and the browser would start mid-stream. Layer
// wishes do not wake it; the transport's on_connected does (tests/browser cover that and
// the off/high wishes on a live call). Audio starts at once.
TEST_F(RoomTest, VideoConsumersWaitForTheRecvTransport) {
  auto [alice, alice_sink] = join("alice");
  auto [bob, bob_sink] = join("bob");
  publish(*alice);
  auto offers = bob_sink->messages;
  answer(*bob, *bob_sink);
  std::string video_mid, audio_mid;
  for (auto& m : offers) {
    if (m["type"] != "media.offer") continue;
    for (auto& [mid, t] : m["tracks"].items()) (t["source"] == "camera" ? video_mid : audio_mid) = mid;
  }
  auto* video = room_.router().consumer(bob->consumer_at(video_mid));
  auto* audio = room_.router().consumer(bob->consumer_at(audio_mid));
  ASSERT_NE(video, nullptr);
  ASSERT_NE(audio, nullptr);
  EXPECT_FALSE(bob->recv_transport().connected());
  EXPECT_TRUE(video->paused());
  EXPECT_FALSE(audio->paused());
  bob->set_layer_wishes({{video_mid, LayerWish::high}, {"no-such-mid", LayerWish::low}});
  EXPECT_TRUE(video->paused());
}

}  // namespace
}  // namespace haven::sfu::rooms
