#include "http/call_message.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace haven {
namespace {

using sfu::rooms::CallCommand;
using Kind = CallCommand::Kind;

std::optional<CallMessageError> parse(const char* text, CallCommand& command) {
  return parse_call_message(nlohmann::json::parse(text), command);
}

TEST(CallMessage, EveryKnownTypeBecomesItsCommand) {
  CallCommand c;
  EXPECT_FALSE(parse(R"({"type":"room.join","room_id":"r-1_A","id":7})", c));
  EXPECT_EQ(c.kind, Kind::join);
  EXPECT_EQ(c.room_id, "r-1_A");
  EXPECT_EQ(c.request, 7);

  CallCommand p;
  EXPECT_FALSE(parse(
      R"({"type":"media.publish","sdp":"v=0","sources":{"0":"microphone","1":"screen"}})", p));
  EXPECT_EQ(p.kind, Kind::publish);
  EXPECT_EQ(p.sdp, "v=0");
  EXPECT_EQ(p.sources.at("1"), sfu::rooms::TrackSource::screen);
  EXPECT_FALSE(p.request);

  CallCommand m;
  EXPECT_FALSE(parse(R"({"type":"media.mute","source":"camera","muted":true})", m));
  EXPECT_EQ(m.kind, Kind::mute);
  EXPECT_TRUE(m.muted);

  CallCommand l;
  EXPECT_FALSE(parse(R"({"type":"media.layers","layers":{"3":"off","5":"medium"}})", l));
  EXPECT_EQ(l.kind, Kind::layers);
  EXPECT_EQ(l.layers.at("3"), sfu::rooms::LayerWish::off);
  EXPECT_EQ(l.layers.at("5"), sfu::rooms::LayerWish::medium);

  CallCommand r;
  EXPECT_FALSE(parse(R"({"type":"room.remove","peer_id":"ab12","id":4})", r));
  EXPECT_EQ(r.kind, Kind::remove);
  EXPECT_EQ(r.peer_id, "ab12");
  EXPECT_TRUE(r.room_id.empty());  // the caller names the room the connection joined

  for (auto [text, kind] : {std::pair{R"({"type":"room.leave"})", Kind::leave},
                            {R"({"type":"media.answer","sdp":"v=0"})", Kind::answer},
                            {R"({"type":"media.restart_ice"})", Kind::restart_ice}}) {
    CallCommand x;
    EXPECT_FALSE(parse(text, x)) << text;
    EXPECT_EQ(x.kind, kind) << text;
  }
}

TEST(CallMessage, MalformedMessagesAreRefusedWithStableCodes) {
  const std::string big_sdp(64 * 1024 + 1, 'x');
  const std::string too_big = R"({"type":"media.answer","sdp":")" + big_sdp + R"("})";
  std::string many_sources = R"({"type":"media.publish","sdp":"v=0","sources":{)";
  for (int i = 0; i < 9; ++i)
    many_sources += (i ? "," : "") + ("\"" + std::to_string(i) + "\":\"camera\"");
  many_sources += "}}";
  for (const std::string& text : std::vector<std::string>{
           R"({"type":"room.join"})",
           R"({"type":"room.join","room_id":"../x"})",
           R"({"type":"room.join","room_id":""})",
           R"({"type":"room.join","room_id":"r","id":"7"})",
           R"({"type":"room.leave","id":1.5})",
           R"({"type":"room.remove"})",
           R"({"type":"room.remove","peer_id":"../x"})",
           R"({"type":"room.remove","peer_id":7})",
           R"({"type":"media.publish","sdp":"v=0"})",
           R"({"type":"media.publish","sdp":"v=0","sources":{"0":"hologram"}})",
           R"({"type":"media.publish","sdp":"v=0","sources":{"a b":"camera"}})",
           R"({"type":"media.answer","sdp":""})",
           R"({"type":"media.answer","sdp":42})",
           R"({"type":"media.mute","source":"camera"})",
           R"({"type":"media.mute","source":"speaker","muted":false})",
           R"({"type":"media.layers","layers":["low"]})",
           R"({"type":"media.layers","layers":{"0":"huge"}})",
           too_big,
           many_sources,
       }) {
    CallCommand c;
    auto refused = parse_call_message(nlohmann::json::parse(text), c);
    ASSERT_TRUE(refused) << text.substr(0, 80);
    EXPECT_STREQ(refused->code, "invalid_message") << text.substr(0, 80);
    EXPECT_FALSE(refused->message.empty());
  }
  CallCommand c;
  auto unknown = parse(R"({"type":"room.teleport"})", c);
  ASSERT_TRUE(unknown);
  EXPECT_STREQ(unknown->code, "unknown_type");
}

// The waiting room's messages (docs/SESSIONS.md "Waiting room").
TEST(CallMessage, WaitingRoomMessagesBecomeTheirCommands) {
  CallCommand a;
  EXPECT_FALSE(parse(R"({"type":"room.admit","user_ids":["u1","u2"],"id":3})", a));
  EXPECT_EQ(a.kind, Kind::admit);
  EXPECT_EQ(a.user_ids, (std::vector<std::string>{"u1", "u2"}));
  EXPECT_EQ(a.request, 3);

  CallCommand d;
  EXPECT_FALSE(parse(R"({"type":"room.deny","user_id":"u1"})", d));
  EXPECT_EQ(d.kind, Kind::deny);
  EXPECT_EQ(d.user_ids, std::vector<std::string>{"u1"});

  CallCommand b;
  EXPECT_FALSE(parse(R"({"type":"room.send_back","user_id":"u2"})", b));
  EXPECT_EQ(b.kind, Kind::send_back);
  EXPECT_EQ(b.user_ids, std::vector<std::string>{"u2"});

  CallCommand l;
  EXPECT_FALSE(parse(R"({"type":"room.lock","locked":true})", l));
  EXPECT_EQ(l.kind, Kind::lock);
  EXPECT_TRUE(l.locked);

  CallCommand to_host;
  EXPECT_FALSE(parse(R"({"type":"room.lobby_message","text":"running late"})", to_host));
  EXPECT_EQ(to_host.kind, Kind::lobby_message);
  EXPECT_EQ(to_host.text, "running late");
  EXPECT_TRUE(to_host.user_ids.empty());  // from a waiting person, to the host

  CallCommand to_waiting;
  EXPECT_FALSE(
      parse(R"({"type":"room.lobby_message","text":"one moment","user_id":"u1"})", to_waiting));
  EXPECT_EQ(to_waiting.user_ids, std::vector<std::string>{"u1"});
}

TEST(CallMessage, WaitingRoomMessagesOutOfShapeAreRefused) {
  const std::string long_text(1001, 'x');
  const std::string too_long = R"({"type":"room.lobby_message","text":")" + long_text + R"("})";
  std::string seventeen = R"({"type":"room.admit","user_ids":[)";
  for (int i = 0; i < 17; ++i)
    seventeen += std::string(i ? "," : "") + "\"u" + std::to_string(i) + "\"";
  seventeen += "]}";
  for (const std::string& text : {
           std::string(R"({"type":"room.admit"})"),
           std::string(R"({"type":"room.admit","user_ids":[]})"),
           std::string(R"({"type":"room.admit","user_ids":"u1"})"),
           std::string(R"({"type":"room.admit","user_ids":[7]})"),
           std::string(R"({"type":"room.admit","user_ids":["../x"]})"),
           seventeen,
           std::string(R"({"type":"room.deny"})"),
           std::string(R"({"type":"room.send_back","user_id":""})"),
           std::string(R"({"type":"room.lock","locked":"yes"})"),
           std::string(R"({"type":"room.lock"})"),
           std::string(R"({"type":"room.lobby_message","text":""})"),
           std::string(R"({"type":"room.lobby_message","text":"hi","user_id":"a/b"})"),
           too_long,
       }) {
    CallCommand c;
    auto refused = parse_call_message(nlohmann::json::parse(text), c);
    ASSERT_TRUE(refused) << text;
    EXPECT_STREQ(refused->code, "invalid_message") << text;
  }
}

}  // namespace
}  // namespace haven
