// Where the media thread sends one participant's signaling messages (docs/SIGNALING.md):
// the WebSocket session behind it, which queues them on its own executor. deliver() is
// called on the media thread and must not block; after the socket closed it drops them.
#pragma once

#include <string>

namespace haven::sfu::rooms {

class SignalingSink {
 public:
  virtual ~SignalingSink() = default;
  virtual void deliver(std::string json_text) = 0;
};

}  // namespace haven::sfu::rooms
