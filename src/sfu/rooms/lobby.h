// One room's waiting room (docs/SESSIONS.md "Waiting room"): the signaling channels of
// people who asked to join and wait for the host to let them in. Media-thread data only,
// owned by the MediaWorker; who must wait was decided on the HTTP side
// (http/call_signaling) and admissions are recorded there, so a Lobby forgets nothing
// that matters when the server restarts: the people waiting simply knock again.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sfu/rooms/room.h"

namespace haven::sfu::rooms {

struct Waiter {
  std::uint64_t channel = 0;  // MediaWorker::ChannelId
  JoinRequest join;
  RequestId request;       // the room.join's id: room.waiting and room.joined carry it
  std::int64_t since = 0;  // unix seconds, when they began to wait
};

class Lobby {
 public:
  bool locked = false;  // the room's lock as the host last set it (shown to hosts)

  void add(Waiter waiter) { waiters_.push_back(std::move(waiter)); }
  bool empty() const noexcept { return waiters_.empty(); }
  bool waiting(std::uint64_t channel) const noexcept;
  // Takes every waiting tab of this person out, oldest first.
  std::vector<Waiter> take_user(const std::string& user_id);
  // Takes this channel out (it left or closed); false when it was not waiting.
  bool take_channel(std::uint64_t channel);
  std::vector<Waiter> take_all();
  // The channels waiting, for messages to all of them.
  std::vector<std::uint64_t> channels() const;

  // For the host: room.lobby {locked, waiting: [{user_id, display_name, since, tabs}]}, one
  // entry per person (the tabs they wait in counted), in the order they came.
  nlohmann::json summary() const;

 private:
  std::vector<Waiter> waiters_;  // arrival order
};

}  // namespace haven::sfu::rooms
