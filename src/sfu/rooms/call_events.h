// Who entered and left which call, when: the media worker's events up to whoever records
// attendance (sessions/attendance_recorder.h). Ids and times only.
#pragma once

#include <cstdint>
#include <string>

namespace haven::sfu::rooms {

struct CallEvent {
  enum class Kind { joined, left };
  Kind kind = Kind::joined;
  std::string room_id;
  std::string user_id;
  std::string peer_id;  // one join (the same person in two tabs has two)
  std::int64_t at = 0;  // unix seconds
};

class CallEventListener {
 public:
  virtual ~CallEventListener() = default;
  // Called on the media thread: must not block (queue the work elsewhere).
  virtual void on_call_event(CallEvent event) = 0;
};

}  // namespace haven::sfu::rooms
