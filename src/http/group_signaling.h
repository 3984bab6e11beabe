// MLS delivery messages on one /ws connection (docs/E2EE.md, "Delivery service"):
// mls.subscribe / mls.create / mls.commit / mls.send. Checks each message's shape and
// framing (http/group_message.h), who may do it — subscribe/send/commit need
// authorize(actor, room_join, room) and the actor's own active device; creating the group
// and commits that welcome someone need authorize(actor, room_admit, room) — then hands it
// to the DeliveryService, which answers later messages through the connection's sink.
// Runs on the connection's strand.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "api/route_table.h"
#include "delivery/delivery_service.h"
#include "http/group_message.h"

namespace haven {

class GroupSignaling {
 public:
  // `reply` sends on the socket (strand only). `service` may be null (then every message
  // is answered `e2ee_unavailable`).
  GroupSignaling(Services& services, std::string user_id, std::string request_id,
                 delivery::DeliveryService* service,
                 std::shared_ptr<sfu::rooms::SignalingSink> sink,
                 std::function<void(std::string)> reply);
  ~GroupSignaling();  // unsubscribes
  GroupSignaling(const GroupSignaling&) = delete;
  GroupSignaling& operator=(const GroupSignaling&) = delete;

  static bool handles(const std::string& type);  // "mls.*"
  void handle(const nlohmann::json& message);

 private:
  struct Subscription {
    delivery::DeliveryService::SubscriptionId id = 0;
    std::string device_id;
  };
  void error(const GroupCommand& command, const char* code, const std::string& text,
             nlohmann::json extra = nlohmann::json::object());
  void answer(const GroupCommand& command, const char* type, nlohmann::json fields);
  // The room if the actor may do `action` in it now, else answers why and nullopt.
  std::optional<Room> room_for(const GroupCommand& command, Action action);
  void subscribe(const GroupCommand& command);
  void create(const GroupCommand& command, const Subscription& subscription);
  void commit(GroupCommand& command, const Subscription& subscription, const Room& room);
  void send(GroupCommand& command, const Subscription& subscription);
  void audit(const char* action, const std::string& room_id);

  Services& services_;
  std::string user_id_;
  std::string request_id_;
  delivery::DeliveryService* service_;
  std::shared_ptr<sfu::rooms::SignalingSink> sink_;
  std::function<void(std::string)> reply_;
  std::map<std::string, Subscription> subscriptions_;  // by room id
};

}  // namespace haven
