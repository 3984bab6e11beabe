// Call messages on one /ws connection (docs/SIGNALING.md): checks each message's shape;
// for room.join, that the room exists, is open and admits this person (authorize(actor,
// room_join, room)) and whether they enter or wait (docs/SESSIONS.md "Waiting room"); for
// room.remove and the waiting room's controls, that this person is the host of the room
// joined (room_moderate), recording admissions and the lock; then hands it to the media worker,
// which answers through the connection's SignalingSink. Runs on the connection's strand.
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "api/route_table.h"
#include "http/room_access.h"
#include "sfu/rooms/media_worker.h"

namespace haven {

class CallSignaling {
 public:
  // `reply` sends a message on the socket (strand only). `worker` may be null (SFU off).
  CallSignaling(Services& services, std::string user_id, std::string request_id,
                sfu::rooms::MediaWorker* worker, std::shared_ptr<sfu::rooms::SignalingSink> sink,
                std::function<void(std::string)> reply);
  ~CallSignaling();  // the participant leaves its call
  CallSignaling(const CallSignaling&) = delete;
  CallSignaling& operator=(const CallSignaling&) = delete;

  // Whether `type` is a call message ("room.*", "media.*").
  static bool handles(const std::string& type);
  void handle(const nlohmann::json& message);

 private:
  void error(const nlohmann::json& message, const char* code, const std::string& text);
  void tell_breakout(const Room& room, const std::string& user_id);
  bool admit(const nlohmann::json& message, const std::string& room_id,
             sfu::rooms::JoinRequest& who);
  bool moderate(const nlohmann::json& message, sfu::rooms::CallCommand& command,
                const char* audited);
  bool run_waiting_room(const nlohmann::json& message, sfu::rooms::CallCommand& command);
  std::optional<RoomAccess> joined_room_access(const nlohmann::json& message, Action action,
                                               const char* refused_audit);

  Services& services_;
  std::string user_id_;
  std::string request_id_;  // the WebSocket upgrade's: ties audit entries to the connection
  sfu::rooms::MediaWorker* worker_;
  std::function<void(std::string)> reply_;
  sfu::rooms::MediaWorker::ChannelId channel_ = 0;
  std::string joined_room_;  // the room of the last room.join this connection was let into
};

}  // namespace haven
