// The wire format of MLS delivery messages on /ws (src/http/group_message.h): shapes,
// base64, MLS framing and the room's group id are checked before anything is authorized.
#include "http/group_message.h"

#include <gtest/gtest.h>

#include "util/secret_bytes.h"

namespace haven {
namespace {

using Bytes = std::vector<std::uint8_t>;
constexpr const char* kRoom = "room1";

void put_varint_vector(Bytes& out, const Bytes& field) {
  // Lengths below 64 take one byte (RFC 9420 §2.1.2).
  out.push_back(static_cast<std::uint8_t>(field.size()));
  out.insert(out.end(), field.begin(), field.end());
}

// A PrivateMessage (RFC 9420 §6.3) with the given group, epoch and content type.
Bytes private_message(const std::string& group, std::uint64_t epoch, std::uint8_t content_type) {
  Bytes out{0, 1, 0, 2};
  put_varint_vector(out, Bytes(group.begin(), group.end()));
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(epoch >> (8 * i)));
  out.push_back(content_type);
  put_varint_vector(out, {});             // authenticated_data
  put_varint_vector(out, Bytes(12, 7));   // encrypted_sender_data
  put_varint_vector(out, Bytes(40, 9));   // ciphertext
  return out;
}

// A Welcome (RFC 9420 §12.4.3.1) of the given suite.
Bytes welcome(std::uint16_t suite) {
  Bytes out{0, 1, 0, 3, static_cast<std::uint8_t>(suite >> 8), static_cast<std::uint8_t>(suite)};
  put_varint_vector(out, Bytes(20, 1));
  put_varint_vector(out, Bytes(30, 2));
  return out;
}

std::string b64(const Bytes& b) { return to_base64(b.data(), b.size()); }

std::optional<CallMessageError> parse(const nlohmann::json& j, GroupCommand& c) {
  return parse_group_message(j, c);
}

TEST(GroupMessage, SubscribeNeedsADeviceAndAValidAfterSeq) {
  GroupCommand c;
  EXPECT_FALSE(parse({{"type", "mls.subscribe"}, {"room_id", kRoom}, {"device_id", "d1"},
                      {"after_seq", 5}, {"id", 3}},
                     c));
  EXPECT_EQ(c.kind, GroupCommand::Kind::subscribe);
  EXPECT_EQ(c.device_id, "d1");
  EXPECT_EQ(c.after_seq, 5);
  EXPECT_EQ(c.request, 3);
  GroupCommand d;
  EXPECT_EQ(parse({{"type", "mls.subscribe"}, {"room_id", kRoom}}, d)->code,
            std::string("invalid_message"));
  EXPECT_EQ(parse({{"type", "mls.subscribe"}, {"room_id", kRoom}, {"device_id", "d1"},
                   {"after_seq", -1}},
                  d)
                ->code,
            std::string("invalid_message"));
  EXPECT_EQ(parse({{"type", "mls.create"}, {"room_id", "no spaces"}}, d)->code,
            std::string("invalid_message"));
  EXPECT_EQ(parse({{"type", "mls.nope"}, {"room_id", kRoom}}, d)->code,
            std::string("unknown_type"));
}

TEST(GroupMessage, CommitIsFramedForThisRoomAndCarriesItsEpoch) {
  GroupCommand c;
  auto refused = parse(
      {{"type", "mls.commit"}, {"room_id", kRoom}, {"commit", b64(private_message(kRoom, 4, 3))}},
      c);
  ASSERT_FALSE(refused) << refused->message;
  EXPECT_EQ(c.kind, GroupCommand::Kind::commit);
  EXPECT_EQ(c.framing.epoch, 4u);
  EXPECT_TRUE(c.welcome.empty());

  GroupCommand d;
  EXPECT_EQ(parse({{"type", "mls.commit"}, {"room_id", kRoom},
                   {"commit", b64(private_message("room2", 4, 3))}},
                  d)
                ->code,
            std::string("wrong_group"));
  // An application message is not a commit, and a commit is not chat.
  EXPECT_EQ(parse({{"type", "mls.commit"}, {"room_id", kRoom},
                   {"commit", b64(private_message(kRoom, 4, 1))}},
                  d)
                ->code,
            std::string("invalid_mls_message"));
  EXPECT_EQ(parse({{"type", "mls.send"}, {"room_id", kRoom},
                   {"message", b64(private_message(kRoom, 4, 3))}},
                  d)
                ->code,
            std::string("invalid_mls_message"));
  // Truncated framing names the reason; non-canonical base64 is refused.
  auto cut = private_message(kRoom, 4, 3);
  cut.resize(cut.size() - 1);
  auto truncated = parse({{"type", "mls.commit"}, {"room_id", kRoom}, {"commit", b64(cut)}}, d);
  EXPECT_EQ(truncated->code, std::string("invalid_mls_message"));
  EXPECT_NE(truncated->message.find("truncated"), std::string::npos);
  EXPECT_EQ(parse({{"type", "mls.commit"}, {"room_id", kRoom}, {"commit", "AA=="}}, d)->code,
            std::string("invalid_mls_message"));
  EXPECT_EQ(parse({{"type", "mls.commit"}, {"room_id", kRoom}, {"commit", "A"}}, d)->code,
            std::string("invalid_message"));
  EXPECT_EQ(parse({{"type", "mls.commit"}, {"room_id", kRoom},
                   {"commit", std::string(70000, 'A')}},
                  d)
                ->code,
            std::string("invalid_message"));
}

TEST(GroupMessage, AWelcomeNeedsDistinctRecipientsAndSuiteOne) {
  const auto commit = b64(private_message(kRoom, 0, 3));
  GroupCommand c;
  ASSERT_FALSE(parse({{"type", "mls.commit"}, {"room_id", kRoom}, {"commit", commit},
                      {"welcome", b64(welcome(1))}, {"welcome_to", {"d1", "d2"}}},
                     c));
  EXPECT_EQ(c.welcome_to, (std::vector<std::string>{"d1", "d2"}));
  EXPECT_FALSE(c.welcome.empty());
  for (const auto& bad : {
           nlohmann::json{{"welcome", b64(welcome(1))}},
           nlohmann::json{{"welcome", b64(welcome(1))}, {"welcome_to", nlohmann::json::array()}},
           nlohmann::json{{"welcome", b64(welcome(1))}, {"welcome_to", {"d1", "d1"}}},
           nlohmann::json{{"welcome", b64(welcome(2))}, {"welcome_to", {"d1"}}},
           nlohmann::json{{"welcome", commit}, {"welcome_to", {"d1"}}},
           nlohmann::json{{"welcome_to", {"d1"}}},
       }) {
    nlohmann::json message{{"type", "mls.commit"}, {"room_id", kRoom}, {"commit", commit}};
    message.update(bad);
    GroupCommand d;
    EXPECT_TRUE(parse(message, d)) << bad.dump();
  }
}

TEST(GroupMessage, ChatAndProposalsAreSent) {
  for (std::uint8_t type : {1, 2}) {
    GroupCommand c;
    ASSERT_FALSE(parse({{"type", "mls.send"}, {"room_id", kRoom},
                        {"message", b64(private_message(kRoom, 9, type))}},
                       c));
    EXPECT_EQ(c.kind, GroupCommand::Kind::send);
    EXPECT_EQ(c.framing.epoch, 9u);
  }
}

}  // namespace
}  // namespace haven
