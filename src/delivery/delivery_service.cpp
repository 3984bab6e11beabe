#include "delivery/delivery_service.h"

#include <nlohmann/json.hpp>

#include "util/secret_bytes.h"

namespace haven::delivery {

std::string group_message_json(const std::string& room_id, const GroupMessage& message) {
  return nlohmann::json{{"type", "mls.message"},
                        {"room_id", room_id},
                        {"seq", message.seq},
                        {"epoch", message.epoch},
                        {"kind", message.kind},
                        {"sender_user_id", message.sender_user_id},
                        {"sender_device_id", message.sender_device_id},
                        {"data", to_base64(message.body.data(), message.body.size())}}
      .dump();
}

DeliveryService::DeliveryService(GroupRepository& groups) : groups_(groups) {}

std::optional<GroupState> DeliveryService::subscribe(const std::string& room_id,
                                                     Subscriber subscriber, std::int64_t after_seq,
                                                     SubscriptionId& id) {
  std::lock_guard lock(mutex_);
  auto group = groups_.find_group(room_id);
  if (group) {
    // Under the lock: nothing can be appended between the backlog and the live stream.
    for (const auto& message :
         groups_.group_messages_after(room_id, after_seq, subscriber.device_id, kMaxBacklog)) {
      subscriber.sink->deliver(group_message_json(room_id, message));
    }
  }
  id = next_id_++;
  subscriptions_[id] = {room_id, std::move(subscriber)};
  by_room_[room_id].insert(id);
  return group;
}

void DeliveryService::unsubscribe(SubscriptionId id) {
  std::lock_guard lock(mutex_);
  auto it = subscriptions_.find(id);
  if (it == subscriptions_.end()) return;
  auto room = by_room_.find(it->second.room_id);
  if (room != by_room_.end()) {
    room->second.erase(id);
    if (room->second.empty()) by_room_.erase(room);
  }
  subscriptions_.erase(it);
}

bool DeliveryService::create_group(const std::string& room_id, const std::string& device_id,
                                   std::int64_t now) {
  std::lock_guard lock(mutex_);
  return groups_.create_group(room_id, device_id, now);
}

SubmitResult DeliveryService::submit_commit(
    const std::string& room_id, SubscriptionId sender, std::int64_t commit_epoch, ByteVector commit,
    const std::vector<std::pair<std::string, ByteVector>>& welcomes, std::int64_t now) {
  std::vector<GroupMessage> messages;
  messages.push_back({0, commit_epoch, "commit", "", "", "", std::move(commit), now});
  for (const auto& [device_id, welcome] : welcomes) {
    // A Welcome opens the epoch the commit creates (RFC 9420 §12.4.3.1).
    messages.push_back({0, commit_epoch + 1, "welcome", "", "", device_id, welcome, now});
  }
  std::lock_guard lock(mutex_);
  return append(room_id, sender, {EpochRule::Kind::commit, commit_epoch}, std::move(messages));
}

SubmitResult DeliveryService::submit_message(const std::string& room_id, SubscriptionId sender,
                                             std::int64_t epoch, const char* kind, ByteVector body,
                                             std::int64_t now) {
  std::vector<GroupMessage> messages;
  messages.push_back({0, epoch, kind, "", "", "", std::move(body), now});
  std::lock_guard lock(mutex_);
  return append(room_id, sender, {EpochRule::Kind::application, epoch}, std::move(messages));
}

// Caller holds mutex_.
SubmitResult DeliveryService::append(const std::string& room_id, SubscriptionId sender,
                                     EpochRule rule, std::vector<GroupMessage> messages) {
  auto from = subscriptions_.find(sender);
  if (from == subscriptions_.end() || from->second.room_id != room_id) {
    return {SubmitOutcome::no_group};
  }
  for (auto& message : messages) {
    message.sender_device_id = from->second.subscriber.device_id;
    message.sender_user_id = from->second.subscriber.user_id;
  }
  const auto [outcome, epoch] =
      groups_.append_group_messages(room_id, rule, messages, kMaxGroupMessages);
  switch (outcome) {
    case AppendOutcome::no_group:
      return {SubmitOutcome::no_group};
    case AppendOutcome::epoch_conflict:
      return {SubmitOutcome::epoch_conflict, 0, epoch};
    case AppendOutcome::stale_epoch:
      return {SubmitOutcome::stale_epoch, 0, epoch};
    case AppendOutcome::group_full:
      return {SubmitOutcome::group_full, 0, epoch};
    case AppendOutcome::appended:
      break;
  }
  fan_out(room_id, messages, sender);
  return {SubmitOutcome::accepted, messages.front().seq, epoch};
}

// Caller holds mutex_. The sender gets its answer instead of an echo (a client cannot
// process its own commit, docs/E2EE.md); a Welcome reaches only its addressee.
void DeliveryService::fan_out(const std::string& room_id, const std::vector<GroupMessage>& messages,
                              SubscriptionId except) {
  auto room = by_room_.find(room_id);
  if (room == by_room_.end()) return;
  for (const SubscriptionId id : room->second) {
    if (id == except) continue;
    const Subscription& subscription = subscriptions_.at(id);
    for (const auto& message : messages) {
      if (!message.recipient_device_id.empty() &&
          message.recipient_device_id != subscription.subscriber.device_id) {
        continue;
      }
      subscription.subscriber.sink->deliver(group_message_json(room_id, message));
    }
  }
}

void DeliveryService::end_group(const std::string& room_id) {
  std::lock_guard lock(mutex_);
  const auto ended = nlohmann::json{{"type", "mls.ended"}, {"room_id", room_id}}.dump();
  auto room = by_room_.find(room_id);
  if (room == by_room_.end()) return;
  for (const SubscriptionId id : room->second) {
    subscriptions_.at(id).subscriber.sink->deliver(ended);
    subscriptions_.erase(id);
  }
  by_room_.erase(room);
}

std::size_t DeliveryService::subscriber_count() const {
  std::lock_guard lock(mutex_);
  return subscriptions_.size();
}

}  // namespace haven::delivery
