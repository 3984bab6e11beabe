// DeliveryService on a real SQLite store: one commit per epoch, one order for everyone,
// a Welcome only for its addressee, the backlog on subscribe, stale chat refused, and a
// room's end dropping its subscribers.
#include "delivery/delivery_service.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../services_harness.h"
#include "../store/two_practices.h"

namespace haven::delivery {
namespace {

// Keeps what would have gone to a WebSocket.
class RecordingSink : public sfu::rooms::SignalingSink {
 public:
  void deliver(std::string json_text) override {
    received.push_back(nlohmann::json::parse(json_text));
  }
  std::vector<std::string> kinds() const {
    std::vector<std::string> out;
    for (const auto& m : received) {
      out.push_back(m["type"] == "mls.message"
                        ? std::to_string(m["seq"].get<int>()) + ":" + m["kind"].get<std::string>()
                        : m["type"].get<std::string>());
    }
    return out;
  }
  std::vector<nlohmann::json> received;
};

class DeliveryServiceTest : public testing::ServicesHarness {
 protected:
  DeliveryServiceTest() {
    testing::seed_two_practices(store, dir.file("h.db"));
    room = store.create_room("org1", "ther1", {"pat1", "pat2"}, 10);
    host_device = store.register_device("ther1", ByteVector(32, 1), 10);
    pat1_device = store.register_device("pat1", ByteVector(32, 2), 10);
    pat2_device = store.register_device("pat2", ByteVector(32, 3), 10);
  }

  DeliveryService::SubscriptionId join(const std::string& user, const std::string& device,
                                       std::shared_ptr<RecordingSink> sink,
                                       std::int64_t after_seq = 0) {
    DeliveryService::SubscriptionId id = 0;
    service.subscribe(room, {user, device, sink}, after_seq, id);
    return id;
  }

  DeliveryService service{store};
  std::string room, host_device, pat1_device, pat2_device;
  std::shared_ptr<RecordingSink> host_sink = std::make_shared<RecordingSink>();
  std::shared_ptr<RecordingSink> pat1_sink = std::make_shared<RecordingSink>();
  std::shared_ptr<RecordingSink> pat2_sink = std::make_shared<RecordingSink>();
};

TEST_F(DeliveryServiceTest, OneCommitPerEpochAndOneOrderForEveryone) {
  auto host = join("ther1", host_device, host_sink);
  auto pat1 = join("pat1", pat1_device, pat1_sink);
  ASSERT_TRUE(service.create_group(room, host_device, 11));
  EXPECT_FALSE(service.create_group(room, pat1_device, 11));

  auto added =
      service.submit_commit(room, host, 0, ByteVector{1}, {{pat1_device, ByteVector{2}}}, 12);
  EXPECT_EQ(added.outcome, SubmitOutcome::accepted);
  EXPECT_EQ(added.seq, 1);
  EXPECT_EQ(added.epoch, 1);
  // A second commit for epoch 0 lost the race; nothing was stored for it.
  auto late = service.submit_commit(room, pat1, 0, ByteVector{3}, {}, 12);
  EXPECT_EQ(late.outcome, SubmitOutcome::epoch_conflict);
  EXPECT_EQ(late.epoch, 1);

  EXPECT_EQ(service.submit_message(room, pat1, 1, "application", ByteVector{4}, 13).seq, 3);
  // Chat from two epochs back is refused; from the previous epoch it is still carried.
  EXPECT_EQ(service.submit_commit(room, host, 1, ByteVector{5}, {}, 14).epoch, 2);
  EXPECT_EQ(service.submit_message(room, pat1, 1, "application", ByteVector{6}, 15).outcome,
            SubmitOutcome::accepted);
  EXPECT_EQ(service.submit_commit(room, host, 2, ByteVector{7}, {}, 16).epoch, 3);
  EXPECT_EQ(service.submit_message(room, pat1, 1, "application", ByteVector{8}, 17).outcome,
            SubmitOutcome::stale_epoch);
  EXPECT_EQ(service.submit_message(room, pat1, 4, "application", ByteVector{8}, 17).outcome,
            SubmitOutcome::stale_epoch);

  // The sender never gets its own message back; the other side sees each once, in order.
  EXPECT_EQ(host_sink->kinds(), (std::vector<std::string>{"3:application", "5:application"}));
  EXPECT_EQ(pat1_sink->kinds(),
            (std::vector<std::string>{"1:commit", "2:welcome", "4:commit", "6:commit"}));
  EXPECT_EQ(pat1_sink->received[0]["sender_device_id"], host_device);
  EXPECT_EQ(pat1_sink->received[0]["data"], "AQ==");
}

TEST_F(DeliveryServiceTest, AWelcomeReachesOnlyItsAddresseeAlsoInTheBacklog) {
  auto host = join("ther1", host_device, host_sink);
  auto pat1 = join("pat1", pat1_device, pat1_sink);
  ASSERT_TRUE(service.create_group(room, host_device, 11));
  service.submit_commit(room, host, 0, ByteVector{1},
                        {{pat1_device, ByteVector{2}}, {pat2_device, ByteVector{2}}}, 12);
  EXPECT_EQ(pat1_sink->kinds(), (std::vector<std::string>{"1:commit", "2:welcome"}));
  // pat2 comes later: the backlog has the commit and its own Welcome, not pat1's.
  join("pat2", pat2_device, pat2_sink);
  EXPECT_EQ(pat2_sink->kinds(), (std::vector<std::string>{"1:commit", "3:welcome"}));
  // Reconnecting after seq 2 brings only what came after.
  auto again = std::make_shared<RecordingSink>();
  service.unsubscribe(pat1);
  service.submit_message(room, host, 1, "application", ByteVector{9}, 13);
  join("pat1", pat1_device, again, 2);
  EXPECT_EQ(again->kinds(), (std::vector<std::string>{"4:application"}));
}

TEST_F(DeliveryServiceTest, EndingTheRoomDropsItsSubscribersAndGroup) {
  auto host = join("ther1", host_device, host_sink);
  join("pat1", pat1_device, pat1_sink);
  ASSERT_TRUE(service.create_group(room, host_device, 11));
  ASSERT_TRUE(store.end_room(room, 20));
  service.end_group(room);
  EXPECT_EQ(pat1_sink->kinds(), (std::vector<std::string>{"mls.ended"}));
  EXPECT_EQ(service.subscriber_count(), 0u);
  EXPECT_FALSE(store.find_group(room));
  EXPECT_EQ(service.submit_commit(room, host, 0, ByteVector{1}, {}, 21).outcome,
            SubmitOutcome::no_group);
}

// Messages reach the subscribers of their own room only, and ending one room leaves the
// other's subscribers and group alone.
TEST_F(DeliveryServiceTest, RoomsAreKeptApart) {
  const std::string other = store.create_room("org1", "ther1", {"pat1"}, 10);
  auto host = join("ther1", host_device, host_sink);
  auto elsewhere = std::make_shared<RecordingSink>();
  DeliveryService::SubscriptionId elsewhere_id = 0;
  service.subscribe(other, {"pat1", pat1_device, elsewhere}, 0, elsewhere_id);
  ASSERT_TRUE(service.create_group(room, host_device, 11));
  ASSERT_TRUE(service.create_group(other, pat1_device, 11));
  join("pat2", pat2_device, pat2_sink);
  service.submit_message(room, host, 0, "application", ByteVector{1}, 12);
  EXPECT_EQ(pat2_sink->kinds(), (std::vector<std::string>{"1:application"}));
  EXPECT_TRUE(elsewhere->received.empty());

  ASSERT_TRUE(store.end_room(room, 20));
  service.end_group(room);
  EXPECT_EQ(service.subscriber_count(), 1u);
  EXPECT_TRUE(elsewhere->received.empty());
  auto still = std::make_shared<RecordingSink>();
  DeliveryService::SubscriptionId still_id = 0;
  service.subscribe(other, {"ther1", host_device, still}, 0, still_id);
  EXPECT_EQ(
      service.submit_message(other, elsewhere_id, 0, "application", ByteVector{2}, 21).outcome,
      SubmitOutcome::accepted);
  EXPECT_EQ(still->kinds(), (std::vector<std::string>{"1:application"}));
  service.unsubscribe(elsewhere_id);
  service.unsubscribe(elsewhere_id);  // twice changes nothing
  EXPECT_EQ(service.subscriber_count(), 1u);
}

}  // namespace
}  // namespace haven::delivery
