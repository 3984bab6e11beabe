#include "http/group_signaling.h"

#include <ctime>

#include "access/authorize.h"
#include "http/room_access.h"
#include "log/logger.h"

namespace haven {

namespace {

// Subscriptions one connection may hold (one call at a time, plus room to spare).
constexpr std::size_t kMaxSubscriptions = 4;

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

}  // namespace

GroupSignaling::GroupSignaling(Services& services, std::string user_id, std::string request_id,
                               delivery::DeliveryService* service,
                               std::shared_ptr<sfu::rooms::SignalingSink> sink,
                               std::function<void(std::string)> reply)
    : services_(services),
      user_id_(std::move(user_id)),
      request_id_(std::move(request_id)),
      service_(service),
      sink_(std::move(sink)),
      reply_(std::move(reply)) {}

GroupSignaling::~GroupSignaling() {
  if (!service_) return;
  for (const auto& [room_id, subscription] : subscriptions_) service_->unsubscribe(subscription.id);
}

bool GroupSignaling::handles(const std::string& type) { return type.rfind("mls.", 0) == 0; }

void GroupSignaling::error(const GroupCommand& command, const char* code,
                           const std::string& text, nlohmann::json extra) {
  extra["type"] = "error";
  extra["code"] = code;
  extra["message"] = text;
  extra["request_type"] = command.type;
  if (command.request) extra["id"] = *command.request;
  reply_(extra.dump());
}

void GroupSignaling::answer(const GroupCommand& command, const char* type,
                            nlohmann::json fields) {
  fields["type"] = type;
  fields["room_id"] = command.room_id;
  if (command.request) fields["id"] = *command.request;
  reply_(fields.dump());
}

std::optional<Room> GroupSignaling::room_for(const GroupCommand& command, Action action) {
  auto access = room_access(services_.store, services_.calls, user_id_, command.room_id, action);
  if (access.allowed()) return access.room;
  error(command, access.code, access.message);
  return std::nullopt;
}

void GroupSignaling::handle(const nlohmann::json& message) {
  GroupCommand command;
  if (auto refused = parse_group_message(message, command)) {
    command.type = message["type"].get<std::string>();
    if (message.contains("id") && message["id"].is_number_integer()) {
      command.request = message["id"].get<std::int64_t>();
    }
    return error(command, refused->code, refused->message);
  }
  if (!service_) {
    return error(command, "e2ee_unavailable", "Encrypted sessions are not available here.");
  }
  if (command.kind == GroupCommand::Kind::subscribe) return subscribe(command);
  auto found = subscriptions_.find(command.room_id);
  if (found == subscriptions_.end()) {
    return error(command, "not_subscribed", "Subscribe to this room's group first.");
  }
  const auto action = command.kind == GroupCommand::Kind::create ||
                              (command.kind == GroupCommand::Kind::commit &&
                               !command.welcome_to.empty())
                          ? Action::room_admit
                          : Action::room_join;
  auto room = room_for(command, action);
  if (!room) return;
  switch (command.kind) {
    case GroupCommand::Kind::create: return create(command, found->second);
    case GroupCommand::Kind::commit: return commit(command, found->second, *room);
    case GroupCommand::Kind::send: return send(command, found->second);
    case GroupCommand::Kind::subscribe: return;
  }
}

void GroupSignaling::subscribe(const GroupCommand& command) {
  if (subscriptions_.contains(command.room_id)) {
    return error(command, "already_subscribed", "This connection already follows that group.");
  }
  if (subscriptions_.size() >= kMaxSubscriptions) {
    return error(command, "too_many_subscriptions", "Leave another session first.");
  }
  if (!room_for(command, Action::room_join)) return;
  auto device = services_.store.find_device(command.device_id);
  if (!device || device->user_id != user_id_ || !device->active()) {
    return error(command, "device_not_found", "This device is not registered to your account.");
  }
  services_.store.touch_device(device->id, unix_now());
  delivery::DeliveryService::SubscriptionId id = 0;
  auto group = service_->subscribe(command.room_id, {user_id_, device->id, sink_},
                                   command.after_seq, id);
  subscriptions_[command.room_id] = {id, device->id};
  // Sent now, on this strand; the backlog the sink posted follows it.
  nlohmann::json fields{{"device_id", device->id}};
  fields["group"] = group ? nlohmann::json{{"epoch", group->epoch},
                                           {"last_seq", group->last_seq},
                                           {"creator_device_id", group->creator_device_id}}
                          : nlohmann::json(nullptr);
  answer(command, "mls.subscribed", std::move(fields));
}

void GroupSignaling::create(const GroupCommand& command, const Subscription& subscription) {
  if (!service_->create_group(command.room_id, subscription.device_id, unix_now())) {
    return error(command, "group_exists", "This session's group already exists.");
  }
  audit("e2ee.group_created", command.room_id);
  answer(command, "mls.created", {{"epoch", 0}});
}

void GroupSignaling::commit(GroupCommand& command, const Subscription& subscription,
                            const Room& room) {
  // A Welcome goes only to active devices of people invited to this room.
  std::vector<std::pair<std::string, ByteVector>> welcomes;
  for (const auto& device_id : command.welcome_to) {
    auto device = services_.store.find_device(device_id);
    if (!device || !device->active() || !room.admits(device->user_id)) {
      return error(command, "invalid_recipient", "A welcome may only go to this room's people.");
    }
    welcomes.emplace_back(device_id, command.welcome);
  }
  const auto epoch = static_cast<std::int64_t>(command.framing.epoch);
  auto result = service_->submit_commit(command.room_id, subscription.id, epoch,
                                        std::move(command.message), welcomes, unix_now());
  switch (result.outcome) {
    case delivery::SubmitOutcome::accepted:
      if (!welcomes.empty()) audit("e2ee.members_welcomed", command.room_id);
      return answer(command, "mls.accepted", {{"seq", result.seq}, {"epoch", result.epoch}});
    case delivery::SubmitOutcome::epoch_conflict:
    case delivery::SubmitOutcome::stale_epoch:
      return error(command, "epoch_conflict",
                   "Another commit for this epoch came first; apply it and try again.",
                   {{"epoch", result.epoch}});
    case delivery::SubmitOutcome::group_full:
      return error(command, "group_full", "This session has too many stored messages.");
    case delivery::SubmitOutcome::no_group:
      return error(command, "no_group", "This session's group does not exist yet.");
  }
}

void GroupSignaling::send(GroupCommand& command, const Subscription& subscription) {
  const char* kind =
      command.framing.content_type == delivery::ContentType::proposal ? "proposal" : "application";
  auto result = service_->submit_message(command.room_id, subscription.id,
                                         static_cast<std::int64_t>(command.framing.epoch), kind,
                                         std::move(command.message), unix_now());
  switch (result.outcome) {
    case delivery::SubmitOutcome::accepted:
      return answer(command, "mls.accepted", {{"seq", result.seq}, {"epoch", result.epoch}});
    case delivery::SubmitOutcome::stale_epoch:
    case delivery::SubmitOutcome::epoch_conflict:
      return error(command, "stale_epoch", "This message is for an old epoch; catch up first.",
                   {{"epoch", result.epoch}});
    case delivery::SubmitOutcome::group_full:
      return error(command, "group_full", "This session has too many stored messages.");
    case delivery::SubmitOutcome::no_group:
      return error(command, "no_group", "This session's group does not exist yet.");
  }
}

// Ids only: which room's group changed, by whom (the entry's actor); never its content.
void GroupSignaling::audit(const char* action, const std::string& room_id) {
  audit_room_event(services_.store, user_id_, request_id_, action, room_id, "success");
}

}  // namespace haven
