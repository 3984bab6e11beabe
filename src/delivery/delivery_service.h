// The MLS delivery service (RFC 9420 §14, RFC 9750 §5; docs/E2EE.md): per room one MLS
// group whose epoch the server tracks from the clear framing of commits. It accepts
// exactly one commit per epoch (the first to arrive), gives every accepted message the
// group's next sequence number, stores it for members who reconnect, and fans it out in
// that order to every subscribed device but the sender; a Welcome goes only to the
// device it is addressed to. It never holds a group secret.
//
// Thread-safe: WebSocket sessions call it from their own strands. One mutex orders
// storage and fan-out together, so every subscriber sees one order; delivering only
// posts to the subscriber's strand and never blocks.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "sfu/rooms/signaling_sink.h"
#include "store/delivery_repositories.h"

namespace haven::delivery {

// A group's stored messages are capped: a session's chat, commits and file keys stay far
// below; a runaway client meets `group_full` instead of filling the disk.
inline constexpr std::int64_t kMaxGroupMessages = 20000;
// Backlog sent on subscribe at most (the client asks again from the last seq it saw).
inline constexpr int kMaxBacklog = 500;

struct Subscriber {
  std::string user_id;
  std::string device_id;
  std::shared_ptr<sfu::rooms::SignalingSink> sink;
};

enum class SubmitOutcome { accepted, no_group, epoch_conflict, stale_epoch, group_full };

struct SubmitResult {
  SubmitOutcome outcome = SubmitOutcome::accepted;
  std::int64_t seq = 0;    // accepted: the sequence number of the first message
  std::int64_t epoch = 0;  // the group's epoch afterwards (or now, when refused)
};

class DeliveryService {
 public:
  using SubscriptionId = std::uint64_t;

  explicit DeliveryService(GroupRepository& groups);

  // Adds the subscriber to the room's fan-out and posts it, in order, the stored
  // messages after `after_seq` it may see. Returns the group (nullopt: none yet).
  std::optional<GroupState> subscribe(const std::string& room_id, Subscriber subscriber,
                                      std::int64_t after_seq, SubscriptionId& id);
  void unsubscribe(SubscriptionId id);

  // Epoch 0 by `device_id`'s client; false when the room already has a group.
  bool create_group(const std::string& room_id, const std::string& device_id, std::int64_t now);

  // A commit (with the Welcome messages of the members it adds, one per device): the
  // commit must be for the group's current epoch.
  SubmitResult submit_commit(const std::string& room_id, SubscriptionId sender,
                             std::int64_t commit_epoch, ByteVector commit,
                             const std::vector<std::pair<std::string, ByteVector>>& welcomes,
                             std::int64_t now);
  // An application message or proposal, sent in the current epoch or the one before
  // (messages in flight while a commit lands, RFC 9420 §14).
  SubmitResult submit_message(const std::string& room_id, SubscriptionId sender, std::int64_t epoch,
                              const char* kind, ByteVector body, std::int64_t now);

  // The room ended: its subscribers get `mls.ended` and are dropped (the store has
  // already forgotten the group).
  void end_group(const std::string& room_id);

  std::size_t subscriber_count() const;

 private:
  struct Subscription {
    std::string room_id;
    Subscriber subscriber;
  };
  void fan_out(const std::string& room_id, const std::vector<GroupMessage>& messages,
               SubscriptionId except);
  SubmitResult append(const std::string& room_id, SubscriptionId sender, EpochRule rule,
                      std::vector<GroupMessage> messages);

  GroupRepository& groups_;
  mutable std::mutex mutex_;
  SubscriptionId next_id_ = 1;
  std::map<SubscriptionId, Subscription> subscriptions_;
  // The same subscriptions by room, so a message reaches its room without a walk over
  // every call on the server.
  std::unordered_map<std::string, std::set<SubscriptionId>> by_room_;
};

// The JSON a subscriber receives for one message (docs/E2EE.md, "Delivery service").
std::string group_message_json(const std::string& room_id, const GroupMessage& message);

}  // namespace haven::delivery
